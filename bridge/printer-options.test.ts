import { describe, expect, it } from 'vitest';
import { upgradeConfig } from '../server/config/migrations.js';
import { configSchema } from '../server/config/schema.js';
import { BridgeBus } from './bus.js';
import { buildHardware } from './hardware.js';
import { quietLog } from './testing/fixtures.js';

describe('printer mode and model in config.json', () => {
  it('upgrades a version 2 file: its receipt printers keep printing text, tag printers are left alone', () => {
    const upgraded = upgradeConfig({
      version: 2,
      port: 8080,
      bridge: {
        devices: [
          { id: 'p1', kind: 'printer', transport: { type: 'tcp', host: '10.0.0.5' } },
          { id: 'p2', kind: 'printer', mode: 'raster', transport: { type: 'tcp', host: '10.0.0.6' } },
          { id: 'tags', kind: 'printer', language: 'tspl', transport: { type: 'tcp', host: '10.0.0.7' } },
          { id: 's1', kind: 'scanner', transport: { type: 'serial', path: '/dev/ttyACM0' } },
        ],
      },
    });
    expect(upgraded.kind).toBe('upgraded');
    if (upgraded.kind !== 'upgraded') return;
    const devices = (upgraded.file.bridge as { devices: Array<Record<string, unknown>> }).devices;
    expect(devices.map((d) => d.mode)).toEqual(['text', 'raster', undefined, undefined]);
    expect(configSchema.safeParse(upgraded.file).success).toBe(true);
  });

  it('takes paper, columns, QR support and cutter from the model, and the config wins where it says', () => {
    const devices = configSchema.parse({
      bridge: {
        devices: [
          { id: 'epson', kind: 'printer', model: 'epson-tm-t88vi', transport: { type: 'virtual' } },
          {
            id: 'clone',
            kind: 'printer',
            model: 'pos-5890',
            cut: true,
            mode: 'raster',
            transport: { type: 'virtual' },
          },
        ],
      },
    }).bridge.devices;
    const { printers } = buildHardware(devices, { dataDir: '/tmp', bus: new BridgeBus(), log: quietLog });
    expect(printers.map((p) => p.settings.profile)).toMatchObject([
      { paperWidth: 80, columns: 42, dots: 504, qr: 'native', cut: true, mode: 'text' },
      { paperWidth: 58, columns: 32, dots: 384, qr: 'native', cut: true, mode: 'raster' },
    ]);
    // A model Hanger does not know stops config.json (and the admin page) naming the field.
    const unknown = configSchema.safeParse({
      bridge: { devices: [{ id: 'x', kind: 'printer', model: 'acme-9000', transport: { type: 'virtual' } }] },
    });
    expect(unknown.success).toBe(false);
    expect(unknown.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['bridge.devices.0.model', 'not a printer model Hanger knows'],
    ]);
  });
});
