import { describe, expect, it } from 'vitest';
import { configSchema } from '../server/config/schema.js';

describe('bridge settings in config.json', () => {
  it('accepts a scanner, an 80 mm network printer with its drawer, a 58 mm USB printer and a pole display', () => {
    const parsed = configSchema.safeParse({
      bridge: {
        devices: [
          {
            id: 'scanner-1',
            kind: 'scanner',
            transport: { type: 'serial', path: '/dev/ttyACM0' },
            suffix: '\r',
          },
          {
            id: 'printer-1',
            kind: 'printer',
            transport: { type: 'tcp', host: '192.168.1.50' },
            paperWidth: 80,
          },
          { id: 'drawer-1', kind: 'drawer', via: 'printer-1' },
          {
            id: 'printer-2',
            kind: 'printer',
            transport: { type: 'usb', vendorId: 0x0416, productId: 0x5011 },
            paperWidth: 58,
            charset: 'gbk',
            qr: 'raster',
          },
          {
            id: 'pole-1',
            kind: 'display',
            transport: { type: 'serial', path: '/dev/ttyUSB1' },
            commandSet: 'cd5220',
          },
        ],
      },
    });
    expect(parsed.success).toBe(true);
  });

  it('names what is wrong: a drawer without a printer, a USB scanner, an id used twice', () => {
    const parsed = configSchema.safeParse({
      bridge: {
        devices: [
          { id: 'drawer-1', kind: 'drawer', via: 'printer-9' },
          { id: 'scanner-1', kind: 'scanner', transport: { type: 'usb', vendorId: 1, productId: 2 } },
          { id: 'scanner-1', kind: 'display', transport: { type: 'virtual' } },
          { id: 'printer-1', kind: 'printer' },
        ],
      },
    });
    expect(parsed.success).toBe(false);
    const paths = parsed.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'bridge.devices.0.via',
        'bridge.devices.1.transport.type',
        'bridge.devices.2.id',
        'bridge.devices.3.transport',
      ]),
    );
  });
});
