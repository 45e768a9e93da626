import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.js';
import { CONFIG_VERSION, upgradeConfig } from './migrations.js';

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

describe('config.json versions', () => {
  const v1 = JSON.stringify({ port: 8123, store: { code: 'HQ01', name: '总店' } }, null, 2);
  const files = () => readdirSync(dataDir).sort();

  it('a file without a version is version 1: upgraded, with the old file kept beside it', async () => {
    writeFileSync(configFile(), v1);
    const loaded = await loadConfig(dataDir, {});
    expect(loaded.config).toMatchObject({ version: CONFIG_VERSION, port: 8123, store: { code: 'HQ01' } });
    expect(readFileSync(join(dataDir, 'config.json.v1.bak'), 'utf8')).toBe(v1);
    // Only the version is added: the defaults stay out of the shop's own file.
    expect(JSON.parse(readFileSync(configFile(), 'utf8'))).toEqual({
      version: CONFIG_VERSION,
      ...JSON.parse(v1),
    });
    expect(files()).toEqual(['config.json', 'config.json.v1.bak']);

    const upgraded = readFileSync(configFile(), 'utf8');
    await loadConfig(dataDir, {});
    expect(readFileSync(configFile(), 'utf8')).toBe(upgraded);
    expect(files()).toEqual(['config.json', 'config.json.v1.bak']);
  });

  it('a new file says its version', async () => {
    await loadConfig(dataDir, {});
    expect(JSON.parse(readFileSync(configFile(), 'utf8')).version).toBe(CONFIG_VERSION);
  });

  it('an earlier copy of the same version is never overwritten', async () => {
    writeFileSync(join(dataDir, 'config.json.v1.bak'), 'an older copy');
    writeFileSync(configFile(), v1);
    await loadConfig(dataDir, {});
    expect(readFileSync(join(dataDir, 'config.json.v1.bak'), 'utf8')).toBe('an older copy');
    const second = files().find((name) => /^config\.json\.v1\.bak\.\d+$/.test(name));
    expect(second && readFileSync(join(dataDir, second), 'utf8')).toBe(v1);
  });

  it('a file from a newer Hanger stops start-up with a clear message and is left as it was', async () => {
    const newer = JSON.stringify({ version: CONFIG_VERSION + 1, port: 8080, somethingNew: true });
    writeFileSync(configFile(), newer);
    await expect(loadConfig(dataDir, {})).rejects.toThrow(
      new RegExp(
        `is version ${CONFIG_VERSION + 1}, written by a newer Hanger; this one reads versions up to ${CONFIG_VERSION}`,
      ),
    );
    expect(readFileSync(configFile(), 'utf8')).toBe(newer);
    expect(files()).toEqual(['config.json']);
  });

  it('refuses a version that is not a whole number from 1', async () => {
    for (const version of ['2', 0, 1.5, null]) {
      writeFileSync(configFile(), JSON.stringify({ version }));
      await expect(loadConfig(dataDir, {})).rejects.toThrow(/must be a whole number from 1/);
    }
    expect(files()).toEqual(['config.json']);
  });

  it('an old file that fails the checks after the upgrade is neither copied nor rewritten', async () => {
    const bad = JSON.stringify({ port: 'eighty' });
    writeFileSync(configFile(), bad);
    await expect(loadConfig(dataDir, {})).rejects.toThrow(/- port: /);
    expect(readFileSync(configFile(), 'utf8')).toBe(bad);
    expect(files()).toEqual(['config.json']);
  });

  it('runs the steps one by one from the file’s version, each stamping the next version', () => {
    const steps = [
      (file: Record<string, unknown>) => ({ ...file, one: true }),
      (file: Record<string, unknown>) => ({ ...file, two: file.one === true }),
    ];
    expect(upgradeConfig({ port: 1 }, steps)).toEqual({
      kind: 'upgraded',
      from: 1,
      file: { version: 3, port: 1, one: true, two: true },
    });
    expect(upgradeConfig({ version: 2, port: 1 }, steps)).toEqual({
      kind: 'upgraded',
      from: 2,
      file: { version: 3, port: 1, two: false },
    });
    expect(upgradeConfig({ version: 3 }, steps)).toEqual({ kind: 'current' });
    expect(upgradeConfig({ version: 4 }, steps)).toEqual({ kind: 'newer', version: 4 });
  });
});
