import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, payDataDir } from '../server/domain/payments/test-payments.js';
import { addStaff, call, ownerToken, pairDevice, type TestStaff } from '../server/testing/client.js';
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
import { scan } from './wedge-scanner.js';

/**
 * The till takes part of a sale in cash and the rest by WeChat Pay through the provider
 * simulator: the cashier scans the customer's 付款码, the dialog waits while the customer
 * confirms (等待顾客输入密码), the payment becomes a tender and the sale stores the provider's
 * transaction number with it.
 */

let store: TestStore;
let browser: Browser;
let owner = '';
let cashier: TestStaff;
let barcode = '';
const dataDir = payDataDir();

beforeAll(async () => {
  readyForBrowserTests('checkout');
  store = await startTestStore({ kioskDir: KIOSK_DIST, dataDir });
  browser = await launchChromium();
  owner = await ownerToken(store);
  cashier = await addStaff(store, owner, 'cashier');
  const style = await call(store, 'POST', '/api/products', {
    token: owner,
    body: {
      styleCode: 'K2001',
      name: '羊毛大衣',
      category: '女装/外套',
      price: 59900,
      colors: ['灰'],
      sizes: ['M'],
    },
  });
  barcode = style.body.skus[0].barcode;
  await call(store, 'POST', '/api/stock/receipts', {
    token: owner,
    body: { lines: [{ skuId: style.body.skus[0].id, qty: 5 }] },
  });
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabaseFor(dataDir);
});

async function till(size: { width: number; height: number }): Promise<Page> {
  const terminal = await pairDevice(store, owner, 'checkout');
  const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1, baseURL: store.url });
  await context.addInitScript(
    (token) => localStorage.setItem('hanger.device.checkout', token),
    terminal.token,
  );
  const page = await context.newPage();
  await page.goto('/checkout');
  const form = page.locator('hg-checkout-signin');
  await form.locator('input[name="username"]').fill(cashier.username);
  await form.locator('input[name="pin"]').fill(cashier.pin);
  await form.locator('button[type="submit"]').click();
  await page.locator('hg-checkout-sale').waitFor();
  await page.locator('hg-checkout-app hg-connection-indicator[state="online"]').waitFor();
  await openShift(page);
  return page;
}

describe('mobile payment at the till', () => {
  it('cash plus WeChat: scan the code, wait for the customer, the sale keeps the transaction number', async () => {
    const page = await till({ width: 1366, height: 768 });
    const problems = collectProblems(page);
    try {
      const sale = page.locator('hg-checkout-sale');
      await sale.locator('.empty').waitFor();
      await sale.locator('hg-scan-input input').focus();
      await scan(page, barcode);
      await sale.locator('[data-total="59900"]').waitFor();
      await page.keyboard.press('F10');
      const pay = page.locator('hg-checkout-pay');
      await pay.locator('[data-due="59900"]').waitFor();
      // ¥100 in cash first…
      await pay.locator('input[name="amount"]').fill('100');
      await page.keyboard.press('Enter');
      await pay.locator('[data-remaining="49900"]').waitFor();
      // …the rest by WeChat: the customer's code ends in 2 (they confirm on their phone).
      await pay.locator('[data-method="wechat"]').click();
      await pay.locator('[data-mobile-pay]').click();
      const mobile = pay.locator('hg-checkout-mobile-pay');
      await mobile.locator('[data-amount="49900"]').waitFor();
      await mobile.locator('input[name="authCode"]').fill(codeOf('wechat', '2'));
      await page.keyboard.press('Enter');
      await mobile.locator('[data-waiting]').waitFor();
      expect(await mobile.locator('[data-waiting]').textContent()).toContain('等待顾客输入密码');
      await shot(page, 'checkout-mobile-pay-waiting');
      // The server asks the provider every few seconds (its clock, moved by the test).
      await expect
        .poll(
          async () => {
            store.clock.advance(4000);
            return pay.locator('tr[data-tender="wechat"]').count();
          },
          { timeout: 40_000, interval: 1500 },
        )
        .toBe(1);
      await pay.locator('[data-remaining="0"]').waitFor();
      await shot(page, 'checkout-mobile-pay-tendered');
      await page.keyboard.press('F10');
      const paid = sale.locator('[data-paid]');
      await paid.waitFor();
      const number = await paid.getAttribute('data-paid');
      const found = await call(store, 'GET', `/api/sales?number=${encodeURIComponent(number ?? '')}`, {
        token: owner,
      });
      const stored = await call(store, 'GET', `/api/sales/${found.body.items[0].id}`, { token: owner });
      const wechat = stored.body.payments.find((p: { method: string }) => p.method === 'wechat');
      expect(wechat.amount).toBe(49900);
      expect(wechat.reference).toMatch(/^4200\d{24}$/);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 90_000);

  it('a refused code says why in Chinese; 取消 closes it and nothing is taken', async () => {
    const page = await till({ width: 1024, height: 768 });
    try {
      const sale = page.locator('hg-checkout-sale');
      await sale.locator('.empty').waitFor();
      await sale.locator('hg-scan-input input').focus();
      await scan(page, barcode);
      await sale.locator('[data-total="59900"]').waitFor();
      await page.keyboard.press('F10');
      const pay = page.locator('hg-checkout-pay');
      await pay.locator('[data-method="alipay"]').click();
      await pay.locator('[data-mobile-pay]').click();
      const mobile = pay.locator('hg-checkout-mobile-pay');
      await mobile.locator('input[name="authCode"]').fill(codeOf('alipay', '4'));
      await page.keyboard.press('Enter');
      const failure = mobile.locator('[data-failure="insufficient_balance"]');
      await failure.waitFor();
      expect(await failure.textContent()).toContain('余额不足');
      await shot(page, 'checkout-mobile-pay-refused-1024');
      await mobile.locator('[data-cancel]').click();
      await mobile.waitFor({ state: 'detached' });
      expect(await pay.locator('tr[data-tender]').count()).toBe(0);
    } finally {
      await page.context().close();
    }
  }, 90_000);
});
