import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, ownerToken, pairDevice } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { Bridge } from './bridge.js';
import { FakePrinter } from './testing/fake-printer.js';
import { quietLog } from './testing/fixtures.js';

let store: TestStore;
let owner: string;
let bridgeId: string;
let bridgeToken: string;
let dir: string;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  const terminal = await pairDevice(store, owner, 'checkout');
  ({ id: bridgeId, token: bridgeToken } = await pairDevice(store, owner, 'bridge', terminal.id));
  dir = mkdtempSync(join(tmpdir(), 'hanger-setup-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A bridge whose config.json lists no devices at all: everything it drives comes from the page. */
async function startBridge(): Promise<Bridge> {
  const bridge = new Bridge({
    devices: [],
    dataDir: dir,
    serverUrl: store.url,
    token: bridgeToken,
    log: quietLog,
    statusTimeoutMs: 1000,
    probeEveryMs: 60_000,
    connectTimeoutMs: 2000,
    retry: { firstMs: 200, maxMs: 1000 },
    backoff: { firstMs: 100, maxMs: 1000 },
  });
  await bridge.start();
  cleanups.push(() => bridge.stop());
  const deadline = Date.now() + 10_000;
  while (!bridge.connected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  return bridge;
}

const GS_V_0 = Buffer.from([0x1d, 0x76, 0x30, 0x00]);

describe('device settings from the admin page', () => {
  it('reach the running bridge, and 测试打印 prints the shop’s receipt on the fake printer with the model’s code page and the logo', async () => {
    const printer = new FakePrinter();
    await printer.start();
    cleanups.push(() => printer.stop());
    await startBridge();

    // The page lists the bridge with what config.json gave it: nothing yet.
    const before = await call(store, 'GET', '/api/devices/bridges', { token: owner });
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([expect.objectContaining({ bridgeId, saved: false, devices: [] })]);
    expect(before.body.models).toContain('hp-a779');

    // A receipt header and a logo, then the printer: an HP A779 without Chinese, in CP858.
    const text = await call(store, 'PUT', '/api/sales/receipt-settings', {
      token: owner,
      body: {
        address: 'Main St 1',
        phone: '021-1234',
        returnsPolicy: [],
        footer: [],
        header: ['Open 10-22'],
      },
    });
    expect(text.status).toBe(200);
    const canvas = createCanvas(100, 40);
    const g = canvas.getContext('2d');
    g.fillStyle = '#000';
    g.fillRect(0, 0, 50, 40);
    const logo = await fetch(`${store.url}/api/sales/receipt-settings/logo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${owner}`, 'content-type': 'image/png' },
      body: new Uint8Array(canvas.toBuffer('image/png')),
    });
    expect(logo.status).toBe(200);
    expect((await logo.json()).logo).toMatchObject({ width: 104, height: 40 });

    const saved = await call(store, 'PUT', `/api/devices/bridges/${bridgeId}/devices`, {
      token: owner,
      body: {
        devices: [
          {
            id: 'receipt',
            kind: 'printer',
            transport: { type: 'tcp', host: '127.0.0.1', port: printer.port },
            model: 'hp-a779',
            charset: 'ascii',
            codePage: 'cp858',
          },
        ],
      },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ saved: true, devices: [expect.objectContaining({ id: 'receipt' })] });

    // The bridge rebuilds its devices when it hears of the change; the test waits for it.
    let tested = await call(store, 'POST', `/api/devices/bridges/${bridgeId}/devices/receipt/test`, {
      token: owner,
    });
    const deadline = Date.now() + 10_000;
    while (tested.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      tested = await call(store, 'POST', `/api/devices/bridges/${bridgeId}/devices/receipt/test`, {
        token: owner,
      });
    }
    expect(tested.status, JSON.stringify(tested.body)).toBe(200);
    expect(tested.body).toEqual({ hardwareId: 'receipt', ok: true, answer: 'online' });

    const [bytes] = await printer.waitForPrints(1);
    if (!bytes) throw new Error('no print');
    // ESC t 6: code page 858 as the HP A779's own data numbers it (a standard printer says 19).
    expect(bytes.includes(Buffer.from([0x1b, 0x74, 6]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x1b, 0x74, 0]))).toBe(false);
    const latin = bytes.toString('latin1');
    expect(latin).toContain('Open 10-22');
    expect(latin).toContain('Main St 1');
    // The logo as a 1-bit image, 13 bytes a row, 40 rows.
    expect(bytes.includes(Buffer.concat([GS_V_0, Buffer.from([13, 0, 40, 0])]))).toBe(true);

    const audit = await call(store, 'GET', '/api/audit?kind=device.setup_changed', { token: owner });
    expect(audit.body.items).toHaveLength(1);
  });

  it('refuses devices the schema refuses and changes nothing; a device the bridge lacks fails its test with the reason', async () => {
    await startBridge();
    const bad = await call(store, 'PUT', `/api/devices/bridges/${bridgeId}/devices`, {
      token: owner,
      body: {
        devices: [
          {
            id: 'p',
            kind: 'printer',
            transport: { type: 'tcp', host: 'x', port: 70000 },
            model: 'acme-9000',
          },
        ],
      },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual([
      'body.devices.0.model',
      'body.devices.0.transport.port',
    ]);
    const after = await call(store, 'GET', '/api/devices/bridges', { token: owner });
    expect(after.body.items[0]).toMatchObject({ saved: false, devices: [] });
    const test = await call(store, 'POST', `/api/devices/bridges/${bridgeId}/devices/nothing/test`, {
      token: owner,
    });
    expect(test.status).toBe(502);
    expect(test.body.error.fields).toEqual({ nothing: 'this bridge drives no such device' });
  });
});
