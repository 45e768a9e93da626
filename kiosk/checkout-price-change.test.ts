import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, pairDevice, type TestStaff } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
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
 * The owner changes a style's price while the cashier is taking payment for it: the till's
 * checkout over the WebSocket is refused (409, the total the till showed is out of date) with
 * the cart priced now, and the till shows that total and takes payment for it, not the old one.
 */

const TILL = { width: 1366, height: 768 };

let store: TestStore;
let browser: Browser;
let owner = '';
let cashier: TestStaff;
let styleId = '';
let barcodes: string[] = [];

/** Fen as the screens show money: "¥518.00". */
const yuan = (fen: number) =>
  new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(fen / 100);

async function api(method: string, path: string, body?: unknown) {
  const reply = await call(store, method, path, { token: owner, body });
  if (reply.status >= 400)
    throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

beforeAll(async () => {
  readyForBrowserTests('checkout');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  owner = await ownerToken(store);
  cashier = await addStaff(store, owner, 'cashier');
  const style = await api('POST', '/api/products', {
    styleCode: 'K1501',
    name: '羊绒开衫',
    category: '女装/针织',
    price: 29900,
    colors: ['驼色'],
    sizes: ['S', 'M'],
  });
  styleId = style.id;
  barcodes = style.skus.map((sku: { barcode: string }) => sku.barcode);
  await api('POST', '/api/stock/receipts', {
    lines: style.skus.map((sku: { id: string }) => ({ skuId: sku.id, qty: 5 })),
  });
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

describe('a price changed while the cashier takes payment', () => {
  it('shows the new total, says the price changed, and the next payment stores the sale at it', async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const context = await browser.newContext({ viewport: TILL, deviceScaleFactor: 1, baseURL: store.url });
    await context.addInitScript(
      (token) => localStorage.setItem('hanger.device.checkout', token),
      terminal.token,
    );
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await page.goto('/checkout');
      const form = page.locator('hg-checkout-signin');
      await form.locator('input[name="username"]').fill(cashier.username);
      await form.locator('input[name="pin"]').fill(cashier.pin);
      await form.locator('button[type="submit"]').click();
      await page.locator('hg-checkout-app hg-connection-indicator[state="online"]').waitFor();
      const sale = page.locator('hg-checkout-sale');
      await sale.locator('.empty').waitFor();
      await openShift(page);
      for (const [i, code] of barcodes.entries()) {
        await scan(page, code);
        await sale.locator('tr.line').nth(i).waitFor();
      }
      await sale.locator('[data-total="59800"]').waitFor();

      // The cashier opens payment for ¥598 and counts the cash in…
      await page.keyboard.press('F10');
      const pay = page.locator('hg-checkout-pay');
      await pay.locator('[data-due="59800"]').waitFor();
      await pay.locator('input[name="amount"]').fill('598');
      await page.keyboard.press('Enter');
      await pay.locator('[data-remaining="0"]').waitFor();

      // …while the owner marks the style down to ¥259 in the back office.
      await api('POST', `/api/products/${styleId}/prices`, { price: 25900, reason: '周末特价' });

      // 收款 is refused: the dialog now asks for the new total and says why.
      await page.keyboard.press('F10');
      await pay.locator('[data-due="51800"]').waitFor();
      const notice = pay.getByRole('status');
      await expect.poll(() => notice.textContent()).toContain('价格刚刚变了');
      expect(await notice.textContent()).toContain(yuan(51800));
      // The sale behind shows the same new total.
      await sale.locator('.totals [data-total="51800"]').waitFor();
      expect(await pay.locator('tr[data-tender]').count()).toBe(0);
      await expect.poll(() => pay.locator('input[name="amount"]').inputValue()).toBe('518.00');
      await shot(page, 'checkout-price-changed');

      // The cashier takes the new total and pays again: Enter alone on the suggested amount is
      // exact cash, and it goes through.
      await page.keyboard.press('Enter');
      const paid = sale.locator('[data-paid]');
      await paid.waitFor();
      expect(await paid.locator('[data-change]').getAttribute('data-change')).toBe('0');
      const number = await paid.getAttribute('data-paid');
      const found = await api('GET', `/api/sales?number=${encodeURIComponent(number ?? '')}`);
      expect(found.items).toHaveLength(1);
      expect(found.items[0].total).toBe(51800);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
