import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-config-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const configFile = () => join(dataDir, 'config.json');

describe('config.json', () => {
  it('is created with defaults on first start', async () => {
    const loaded = await loadConfig(dataDir, {});
    expect(loaded.created).toBe(true);
    expect(loaded.config).toMatchObject({
      port: 8080,
      currency: 'CNY',
      timeZone: 'Asia/Shanghai',
      store: { code: 'S001' },
    });
    expect(JSON.parse(readFileSync(configFile(), 'utf8'))).toEqual(loaded.config);
  });

  it('takes PORT from the environment without writing it to the file', async () => {
    await loadConfig(dataDir, {});
    const loaded = await loadConfig(dataDir, { PORT: '9123' });
    expect(loaded.config.port).toBe(9123);
    expect(JSON.parse(readFileSync(configFile(), 'utf8')).port).toBe(8080);
    await expect(loadConfig(dataDir, { PORT: 'eighty' })).rejects.toThrow(/PORT=eighty/);
  });

  it('names every problem of an invalid file and leaves the file as it was', async () => {
    const text = JSON.stringify({
      port: 'eighty',
      store: { code: 'shop one', name: '' },
      timeZone: 'Mars/Olympus',
      bridge: { devices: [{ id: 'p1', kind: 'printer', transport: { type: 'tcp' } }] },
      colour: 'blue',
    });
    writeFileSync(configFile(), text);
    const error = await loadConfig(dataDir, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const field of [
      'port',
      'store.code',
      'store.name',
      'timeZone',
      'bridge.devices.0.transport.host',
      'colour',
    ]) {
      expect(message).toContain(`- ${field === 'colour' ? '(file)' : field}`);
    }
    expect(readFileSync(configFile(), 'utf8')).toBe(text);
  });

  it('reports a file that is not JSON, and leaves it as it was', async () => {
    writeFileSync(configFile(), '{ "port": 8080, ');
    await expect(loadConfig(dataDir, {})).rejects.toThrow(/config\.json is not valid JSON/);
    expect(readFileSync(configFile(), 'utf8')).toBe('{ "port": 8080, ');
  });

  it('stops the real server with a readable message and exit code 1', () => {
    writeFileSync(configFile(), '{"port": -5}');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
      env: { ...process.env, HANGER_DATA: dataDir, PORT: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Hanger could not start');
    expect(result.stderr).toMatch(/- port: /);
    expect(existsSync(join(dataDir, 'hanger.db'))).toBe(false);
  });
});
