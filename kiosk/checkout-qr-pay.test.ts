import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewaysOf } from '../server/domain/payments/gateways.js';
import type { PaymentSimulator } from '../server/domain/payments/simulator/server.js';
import { payDataDir } from '../server/domain/payments/test-payments.js';
import { pairDevice } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { dropDatabaseFor } from '../server/testing/test-database.js';
import {
  collectProblems,
  KIOSK_DIST,
  launchChromium,
  readyForBrowserTests,
  shot,
} from './testing/browser.js';
import { openShift } from './testing/shift.js';
import { openTill, setUpCounter } from './testing/till.js';
import { scan } from './wedge-scanner.js';

/**
 * The customer's phone screen cannot be read by the scanner, so the customer scans the shop's
 * code: the cashier presses 顾客扫码 for WeChat Pay, the till's customer display (1024×600)
 * shows the QR code for the exact amount, the simulated customer scans and pays, the code goes
 * and the sale completes with the provider's transaction number.
 */

const DISPLAY_SIZES = [
  { width: 1024, height: 600 },
  { width: 1280, height: 800 },
  { width: 800, height: 480 },
];

let store: TestStore;
let browser: Browser;
let owner = '';
let barcode = '';
const dataDir = payDataDir();

beforeAll(async () => {
  readyForBrowserTests('checkout', 'display');
  store = await startTestStore({ kioskDir: KIOSK_DIST, dataDir });
  browser = await launchChromium();
  const counter = await setUpCounter(store);
  owner = counter.owner;
  const style = await counter.api<{ skus: { id: string; barcode: string }[] }>('POST', '/api/products', {
    styleCode: 'K2002',
    name: '羊绒围巾',
    category: '配饰/围巾',
    price: 39900,
    colors: ['驼'],
    sizes: ['均码'],
  });
  barcode = style.skus[0]?.barcode as string;
  await counter.api('POST', '/api/stock/receipts', { lines: [{ skuId: style.skus[0]?.id, qty: 3 }] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabaseFor(dataDir);
});

async function openDisplay(token: string): Promise<Page> {
  const context = await browser.newContext({
    viewport: DISPLAY_SIZES[0],
    deviceScaleFactor: 1,
    baseURL: store.url,
  });
  await context.addInitScript((t) => localStorage.setItem('hanger.device.display', t), token);
  const page = await context.newPage();
  await page.goto('/display');
  await page.locator('hg-display-app hg-connection-indicator[state="online"]').waitFor();
  return page;
}

describe('the customer scans the shop’s QR code on the customer display', () => {
  it('WeChat Native: the display shows the code and amount, the customer pays, the sale completes', async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const screen = await pairDevice(store, owner, 'display', terminal.id);
    const display = await openDisplay(screen.token);
    const shownProblems = collectProblems(display);
    const { page, problems } = await openTill(browser, store, owner, { width: 1366, height: 768 }, terminal);
    try {
      await openShift(page);
      const sale = page.locator('hg-checkout-sale');
      await sale.locator('hg-scan-input input').focus();
      await scan(page, barcode);
      await sale.locator('[data-total="39900"]').waitFor();
      await display.locator('[data-total="39900"]').waitFor();
      await page.keyboard.press('F10');
      const pay = page.locator('hg-checkout-pay');
      await pay.locator('[data-method="wechat"]').click();
      await pay.locator('[data-mobile-pay]').click();
      const mobile = pay.locator('hg-checkout-mobile-pay');
      await mobile.locator('[data-qr-pay]').waitFor();
      expect(await mobile.locator('[data-qr-pay]').textContent()).toContain('顾客扫码');
      await shot(page, 'checkout-qr-pay-choice');
      await mobile.locator('[data-qr-pay]').click();
      const waiting = mobile.locator('[data-waiting="qr"]');
      await waiting.waitFor();
      expect(await waiting.textContent()).toContain('等待顾客扫码支付');
      await shot(page, 'checkout-qr-pay-waiting');

      const code = display.locator('[data-qr-payment]');
      await code.waitFor({ timeout: 30_000 });
      const qrUrl = (await code.getAttribute('data-qr-url')) as string;
      expect(qrUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
      expect(await code.locator('[data-amount="39900"]').textContent()).toContain('399.00');
      expect(await code.textContent()).toContain('微信支付');
      for (const size of DISPLAY_SIZES) {
        await display.setViewportSize(size);
        const box = await code.locator('.code').boundingBox();
        // Big enough to scan from a step away: most of the screen's height.
        expect(box?.height ?? 0).toBeGreaterThan(size.height * 0.5);
        expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(size.width);
        await shot(display, `display-qr-pay-${size.width}x${size.height}`);
      }
      await display.setViewportSize(DISPLAY_SIZES[0] as { width: number; height: number });

      // The customer scans and pays; the server's follow-up finds out (its clock moved by the test).
      const simulator = (await gatewaysOf(store.ctx)).simulator as PaymentSimulator;
      expect(simulator.scanAndPay(qrUrl)?.state).toBe('SUCCESS');
      await expect
        .poll(
          async () => {
            store.clock.advance(4000);
            return pay.locator('tr[data-tender="wechat"]').count();
          },
          { timeout: 60_000, interval: 1500 },
        )
        .toBe(1);
      await code.waitFor({ state: 'detached', timeout: 30_000 });
      await pay.locator('[data-remaining="0"]').waitFor();
      await page.keyboard.press('F10');
      await sale.locator('[data-paid]').waitFor();
      await display.locator('[data-completed]').waitFor({ timeout: 30_000 });
      await shot(display, 'display-qr-pay-thanks-1024x600');
      expect(problems).toEqual([]);
      expect(shownProblems).toEqual([]);
    } finally {
      await page.context().close();
      await display.context().close();
    }
  }, 180_000);

  it('a display reloaded while the customer is to scan shows the code again, in either language, and drops it when cancelled', async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const screen = await pairDevice(store, owner, 'display', terminal.id);
    const display = await openDisplay(screen.token);
    const shownProblems = collectProblems(display);
    const { page, problems } = await openTill(browser, store, owner, { width: 1366, height: 768 }, terminal);
    try {
      await openShift(page);
      const sale = page.locator('hg-checkout-sale');
      await sale.locator('hg-scan-input input').focus();
      await scan(page, barcode);
      await sale.locator('[data-total="39900"]').waitFor();
      await page.keyboard.press('F10');
      const pay = page.locator('hg-checkout-pay');
      await pay.locator('[data-method="wechat"]').click();
      await pay.locator('[data-mobile-pay]').click();
      const mobile = pay.locator('hg-checkout-mobile-pay');
      await mobile.locator('[data-qr-pay]').click();
      await mobile.locator('[data-waiting="qr"]').waitFor();
      const code = display.locator('[data-qr-payment]');
      await code.waitFor({ timeout: 30_000 });
      const qrUrl = await code.getAttribute('data-qr-url');

      // The display is reloaded (power blip, someone pressed F5): the same code comes back.
      await display.reload();
      await display.locator('hg-display-app hg-connection-indicator[state="online"]').waitFor();
      await code.waitFor({ timeout: 30_000 });
      expect(await code.getAttribute('data-qr-url')).toBe(qrUrl);
      expect(await code.locator('[data-amount="39900"]').textContent()).toContain('399.00');
      expect(await code.textContent()).toContain('请用微信扫一扫付款');
      await shot(display, 'display-qr-pay-reloaded-1024x600');
      await display.evaluate(() => localStorage.setItem('hanger.language', 'en'));
      await display.reload();
      await code.waitFor({ timeout: 30_000 });
      expect(await code.getAttribute('data-qr-url')).toBe(qrUrl);
      expect(await code.textContent()).toContain('Scan with WeChat to pay');
      await shot(display, 'display-qr-pay-reloaded-en-1024x600');

      // The cashier cancels: the code comes down on the reloaded display too.
      await mobile.locator('[data-cancel]').click();
      await code.waitFor({ state: 'detached', timeout: 30_000 });
      expect(problems).toEqual([]);
      expect(shownProblems).toEqual([]);
    } finally {
      await page.context().close();
      await display.context().close();
    }
  }, 180_000);
});
