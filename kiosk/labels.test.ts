import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bridge } from '../bridge/bridge.js';
import { FakePrinter } from '../bridge/testing/fake-printer.js';
import { quietLog } from '../bridge/testing/fixtures.js';
import { EventWatcher } from '../bridge/testing/watch.js';
import { call, ownerToken, pairDevice } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import {
  adminContext,
  collectProblems,
  KIOSK_DIST,
  launchChromium,
  ownerAdminSession,
  readyForBrowserTests,
  shot,
} from './testing/browser.js';

/**
 * Price tags from the admin page, end to end: the owner clicks the catalogue's buttons and the
 * receiving screen's, and the tags come out of a fake TSPL printer driven by a real bridge.
 */

const ADMIN = { width: 1440, height: 900 };
let store: TestStore;
let browser: Browser;
let printer: FakePrinter;
let bridge: Bridge;
let admin: unknown;
let style: { id: string; skus: { id: string; barcode: string }[] };

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  const owner = await ownerToken(store);
  admin = await ownerAdminSession(store);
  style = (
    await call(store, 'POST', '/api/products', {
      token: owner,
      body: { styleCode: 'T2607', name: '亚麻衬衫', price: 29900, colors: ['白'], sizes: ['S', 'M', 'L'] },
    })
  ).body;
  const terminal = await pairDevice(store, owner, 'checkout');
  const bridgeToken = (await pairDevice(store, owner, 'bridge', terminal.id)).token;
  printer = new FakePrinter();
  await printer.start();
  const watcher = await EventWatcher.open(store.url, owner, ['device.status']);
  bridge = new Bridge({
    devices: [
      {
        id: 'labels-1',
        kind: 'printer',
        language: 'tspl',
        transport: { type: 'tcp', host: '127.0.0.1', port: printer.port },
      },
    ],
    dataDir: store.dataDir,
    serverUrl: store.url,
    token: bridgeToken,
    log: quietLog,
    probeEveryMs: 60_000,
    retry: { firstMs: 200, maxMs: 1000 },
    backoff: { firstMs: 100, maxMs: 1000 },
  });
  await bridge.start();
  await watcher.waitFor('device.status', (d) => d.hardwareId === 'labels-1' && d.status === 'online');
  watcher.close();
});

afterAll(async () => {
  await bridge?.stop();
  await printer?.stop();
  await browser?.close();
  await store?.close();
});

const barcodesIn = (bytes: Buffer | undefined) =>
  [...(bytes?.toString('latin1') ?? '').matchAll(/BARCODE [^\r]*"EAN13",[^\r]*"(\d{12})"/g)].map((m) => m[1]);

it("prints a style's size run, chosen SKUs and a delivery's tags from the admin page", async () => {
  const context = await adminContext(browser, store, admin, ADMIN);
  const page = await context.newPage();
  const problems = collectProblems(page);
  try {
    await page.goto('/admin#/catalog');
    const catalog = page.locator('hg-admin-catalog');
    await catalog.getByRole('button', { name: 'T2607' }).click();
    await catalog.getByRole('button', { name: '整款尺码各打一套' }).click();
    await catalog.getByText('吊牌已发送到标签打印机').waitFor();
    const [run] = await printer.waitForPrints(1);
    expect(barcodesIn(run)).toEqual(style.skus.map((sku) => sku.barcode.slice(0, 12)));

    // Three of the M only.
    const [, medium] = style.skus;
    await catalog.getByLabel('每个 SKU 张数 白 / M').fill('3');
    await shot(page, 'admin-catalog-print-tags');
    await catalog.getByRole('button', { name: '打印所选 SKU' }).click();
    const [, chosen] = await printer.waitForPrints(2);
    expect(barcodesIn(chosen)).toEqual([medium?.barcode.slice(0, 12)]);
    expect(chosen?.toString('latin1')).toContain('PRINT 1,3');

    // Receiving two of the S, then its tags: one per unit.
    await page.goto('/admin#/inventory');
    const inventory = page.locator('hg-admin-inventory');
    await inventory.locator('input[name="q"]').fill('T2607');
    await inventory.locator('input[name="q"]').press('Enter');
    await inventory.locator(`input[name="sku:${style.skus[0]?.id}"]`).fill('2');
    await inventory.getByRole('button', { name: '确认入库' }).click();
    await inventory.getByRole('button', { name: '为本次入库打印吊牌（每件一张）' }).click();
    const [, , delivery] = await printer.waitForPrints(3);
    expect(barcodesIn(delivery)).toEqual([style.skus[0]?.barcode.slice(0, 12)]);
    expect(delivery?.toString('latin1')).toContain('PRINT 1,2');
    await shot(page, 'admin-inventory-receipt-tags');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
