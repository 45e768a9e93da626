import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isValidGtin } from '../server/protocol/gtin.js';
import { addStaff, call, ownerToken, pairDevice } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { Bridge } from './bridge.js';
import { FakePrinter } from './testing/fake-printer.js';
import { quietLog } from './testing/fixtures.js';
import { EventWatcher } from './testing/watch.js';

let store: TestStore;
let owner: string;
let dir: string;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  dir = mkdtempSync(join(tmpdir(), 'hanger-labels-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The TSPL commands a printer would act on, one per line, parameters split (quotes kept whole). */
function tsplCommands(bytes: Buffer): { name: string; args: string[] }[] {
  return iconv
    .decode(bytes, 'gb18030')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      const [name = '', rest = ''] = line.split(/ (.*)/s);
      return {
        name,
        args: rest.match(/"(?:[^"\\]|\\\["\])*"|[^,]+/g)?.map((a) => a.replace(/^"|"$/g, '')) ?? [],
      };
    });
}

it("prints a style's size run on the bridge's TSPL printer with EAN-13 barcodes and the 合格证", async () => {
  const style = await call(store, 'POST', '/api/products', {
    token: owner,
    body: {
      styleCode: 'WC-2026',
      name: '羊毛大衣',
      category: '女装/大衣',
      price: 89900,
      colors: ['驼色'],
      sizes: ['S', 'M', 'L'],
      certificate: {
        composition: '羊毛80% 锦纶20%',
        standard: 'FZ/T 81004-2022',
        safetyCategory: 'GB 18401 B类',
        inspector: '检05',
      },
    },
  });
  expect(style.status).toBe(201);
  const body = { styleId: style.body.id, copies: 2 };

  // No bridge has a label printer yet.
  const early = await call(store, 'POST', '/api/labels/print', { token: owner, body });
  expect(early.status).toBe(400);
  expect(early.body.error.fields).toHaveProperty('printer');

  const terminal = await pairDevice(store, owner, 'checkout');
  const bridgeToken = (await pairDevice(store, owner, 'bridge', terminal.id)).token;
  const printer = new FakePrinter();
  await printer.start();
  cleanups.push(() => printer.stop());
  const watcher = await EventWatcher.open(store.url, owner, ['device.status', 'print.status']);
  cleanups.push(() => watcher.close());
  const bridge = new Bridge({
    devices: [
      {
        id: 'labels-1',
        kind: 'printer',
        language: 'tspl',
        transport: { type: 'tcp', host: '127.0.0.1', port: printer.port },
        label: { widthMm: 40, heightMm: 30, gapMm: 2 },
      },
    ],
    dataDir: dir,
    serverUrl: store.url,
    token: bridgeToken,
    log: quietLog,
    probeEveryMs: 60_000,
    connectTimeoutMs: 2000,
    retry: { firstMs: 200, maxMs: 1000 },
    backoff: { firstMs: 100, maxMs: 1000 },
  });
  await bridge.start();
  cleanups.push(() => bridge.stop());
  await watcher.waitFor('device.status', (d) => d.hardwareId === 'labels-1' && d.status === 'online');

  const sent = await call(store, 'POST', '/api/labels/print', { token: owner, body });
  expect(sent.status).toBe(202);
  expect(sent.body.jobIds).toHaveLength(1);
  const [bytes] = await printer.waitForPrints(1);
  if (!bytes) throw new Error('nothing printed');
  await watcher.waitFor('print.status', (d) => d.jobId === sent.body.jobIds[0] && d.state === 'printed');

  const commands = tsplCommands(bytes);
  const barcodes = commands.filter((c) => c.name === 'BARCODE');
  const skus = style.body.skus as { barcode: string }[];
  expect(skus.every((sku) => isValidGtin(sku.barcode) && sku.barcode.length === 13)).toBe(true);
  // EAN-13 symbols: the printer is sent the 12 digits and adds the check digit itself.
  expect(barcodes.map((c) => [c.args[2], c.args[8]])).toEqual(
    skus.map((sku) => ['EAN13', sku.barcode.slice(0, 12)]),
  );
  // Each SKU: its price tag, then its 合格证, two copies of each.
  expect(commands.filter((c) => c.name === 'PRINT').map((c) => c.args.join())).toEqual(Array(6).fill('1,2'));
  const texts = commands.filter((c) => c.name === 'TEXT').map((c) => c.args[6]);
  expect(texts).toContain('￥899.00');
  expect(texts).toContain('合格证');
  // The 合格证 keeps every field; a long one wraps onto the next line.
  const certificate = texts.slice(texts.indexOf('合格证'), texts.indexOf('羊毛大衣', 1)).join('');
  expect(certificate).toBe(
    '合格证WC-2026面料成分：羊毛80% 锦纶20%执行标准：FZ/T81004-2022安全类别：GB 18401 B类检验员：检05',
  );
});

it('checks who asks and what: a cashier may not, a bad request names its field', async () => {
  const cashier = await addStaff(store, owner, 'cashier');
  const refused = await call(store, 'POST', '/api/labels/print', {
    token: cashier.token,
    body: { items: [{ skuId: 'x', copies: 1 }] },
  });
  expect(refused.status).toBe(403);
  const zero = await call(store, 'POST', '/api/labels/print', {
    token: owner,
    body: { items: [{ skuId: 'x', copies: 0 }] },
  });
  expect(zero.status).toBe(400);
  expect(Object.keys(zero.body.error.fields)).toEqual(['body.items.0.copies']);
  const both = await call(store, 'POST', '/api/labels/print', {
    token: owner,
    body: { styleId: 'a', receiptId: 'b' },
  });
  expect(both.status).toBe(400);
  expect(Object.keys(both.body.error.fields)).toEqual(['body.receiptId']);
});

it('asks a TSPL printer its status (<ESC>!?): out of paper holds the tags until paper is back', async () => {
  const terminal = await pairDevice(store, owner, 'checkout');
  const bridgeToken = (await pairDevice(store, owner, 'bridge', terminal.id)).token;
  const printer = new FakePrinter();
  printer.state = 'paper_out';
  await printer.start();
  cleanups.push(() => printer.stop());
  const watcher = await EventWatcher.open(store.url, owner, ['device.status', 'print.status']);
  cleanups.push(() => watcher.close());
  const bridge = new Bridge({
    devices: [
      {
        id: 'labels-1',
        kind: 'printer',
        language: 'tspl',
        transport: { type: 'tcp', host: '127.0.0.1', port: printer.port },
      },
    ],
    dataDir: dir,
    serverUrl: store.url,
    token: bridgeToken,
    log: quietLog,
    statusTimeoutMs: 1000,
    probeEveryMs: 60_000,
    retry: { firstMs: 200, maxMs: 400 },
    backoff: { firstMs: 100, maxMs: 1000 },
  });
  await bridge.start();
  cleanups.push(() => bridge.stop());
  await watcher.waitFor('device.status', (d) => d.hardwareId === 'labels-1' && d.status === 'paper_out');

  const style = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: 'T1', name: '短袖T恤', price: 9900, colors: ['白'], sizes: ['M'] },
  });
  const sent = await call(store, 'POST', '/api/labels/print', {
    token: owner,
    body: { styleId: style.body.id },
  });
  expect(sent.status).toBe(202);
  const [jobId] = sent.body.jobIds;
  await watcher.waitFor('print.status', (d) => d.jobId === jobId && d.state === 'held');
  expect(printer.prints).toHaveLength(0);

  printer.state = 'ok';
  const [bytes] = await printer.waitForPrints(1);
  expect(bytes?.toString('latin1')).toContain('"EAN13"');
  await watcher.waitFor('print.status', (d) => d.jobId === jobId && d.state === 'printed');
});
