import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, shot } from './testing/browser.js';
import { approve, MANAGER, openTill, type StoreApi, setUpCounter } from './testing/till.js';

/**
 * 退货 with its preview and the refund tender, and 换货, at the till against a real server: the
 * return dialog shows what comes back (goods, points, the refund per tender) before anything
 * is done; all in cash for a mostly-card sale is the manager's exception with a reason; 换货
 * takes a size back, sells a dearer coat and collects the difference in one command; without
 * the receipt (没有小票) by keyboard alone, with a manager. At 1366×768 in Chinese, the dialogs
 * also at 1024×768 (in English). Screenshots under artifacts/screens/exchange-*.png.
 */

let store: TestStore;
let browser: Browser;
let owner = '';
const codes = { cardiganM: '', cardiganL: '', tee: '', coat: '' };
let memberId = '';

let api: StoreApi;

async function style(styleCode: string, name: string, price: number, sizes: string[]) {
  const made = await api<{ skus: { id: string; barcode: string; size: string }[] }>('POST', '/api/products', {
    styleCode,
    name,
    category: '女装/上衣',
    price,
    colors: ['米白'],
    sizes,
  });
  await api('POST', '/api/stock/receipts', { lines: made.skus.map((sku) => ({ skuId: sku.id, qty: 10 })) });
  return made.skus;
}

/** A sale rung up in the back office (no till, so no shift needed), as the receipt the customer brings. */
async function soldEarlier(payments: { method: string; amount: number }[]): Promise<string> {
  const sold = await api<{ number: string }>('POST', '/api/sales', {
    id: crypto.randomUUID(),
    memberId,
    lines: [
      { barcode: codes.cardiganM, qty: 1 },
      { barcode: codes.tee, qty: 1 },
    ],
    payments,
  });
  return sold.number;
}

beforeAll(async () => {
  readyForBrowserTests('checkout');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  ({ owner, api } = await setUpCounter(store));
  const [m, l] = await style('K2601', '羊毛针织开衫', 29900, ['M', 'L']);
  const [tee] = await style('T1102', '纯棉短袖T恤', 9900, ['M']);
  const [coat] = await style('C3301', '双面呢大衣', 39900, ['M']);
  codes.cardiganM = m?.barcode ?? '';
  codes.cardiganL = l?.barcode ?? '';
  codes.tee = tee?.barcode ?? '';
  codes.coat = coat?.barcode ?? '';
  memberId = (await api<{ id: string }>('POST', '/api/members', { phone: '13800138000', name: '陈静' })).id;
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

async function till(viewport: { width: number; height: number }) {
  const { context, page, problems } = await openTill(browser, store, owner, viewport);
  // 开班: the exchange's new sale is sold on this till.
  await page.keyboard.press('F7');
  await page.locator('hg-checkout-shift input[name="cash"]').fill('200');
  await page.keyboard.press('Enter');
  await page.locator('hg-checkout-shift [data-shift="open"]').waitFor();
  await page.keyboard.press('Escape');
  return { context, page, problems };
}

const dialog = (page: Page) => page.locator('hg-checkout-return');

async function openSale(page: Page, key: string, number: string): Promise<void> {
  await page.keyboard.press(key);
  await dialog(page).locator('input[name="receipt"]').fill(number);
  await dialog(page).locator('input[name="receipt"]').press('Enter');
  await dialog(page).locator('.muted', { hasText: number }).waitFor();
}

async function returnQty(page: Page, barcode: string, qty: number): Promise<void> {
  await dialog(page).locator(`tr[data-line="${barcode}"] input`).fill(String(qty));
}

/** The page itself never scrolls, and the dialog's confirm key can be reached inside the window. */
async function fits(page: Page, open = dialog(page)): Promise<void> {
  const size = await page.evaluate(() => ({
    page: document.documentElement.scrollHeight,
    window: window.innerHeight,
  }));
  expect(size.page).toBeLessThanOrEqual(size.window);
  const confirm = open.locator('button[data-do="confirm"]');
  await confirm.scrollIntoViewIfNeeded();
  const box = await confirm.boundingBox();
  expect(box && box.y + box.height).toBeLessThanOrEqual(size.window);
}

/**
 * Typed at a person's pace: keys as fast as a scanner's, ending in Enter, would be taken out of
 * the field as a scan (the till's guard against a scanner firing into a field).
 */
async function typed(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 120 });
}

describe('退货 preview and 换货 at the till', () => {
  it('previews a return, refunds all in cash with a manager, then exchanges a size for a dearer coat', async () => {
    const number = await soldEarlier([
      { method: 'card', amount: 30000 },
      { method: 'cash', amount: 9800 },
    ]);
    const { context, page, problems } = await till({ width: 1366, height: 768 });
    try {
      // 退货: the T-shirt back; the preview splits ¥99 between card and cash as they paid.
      await openSale(page, 'F6', number);
      await returnQty(page, codes.tee, 1);
      const preview = dialog(page).locator('.preview');
      await preview.getByText('退回商品 1 件，价值 ¥99.00').waitFor();
      await preview.locator('[data-tender="card"]').getByText('银行卡').waitFor();
      await preview.locator('[data-tender="cash"]').getByText('现金').waitFor();
      expect(await preview.getAttribute('data-preview')).toBe('9900');
      await fits(page);
      await shot(page, 'exchange-return-preview');

      // All in cash: ¥1.00 more than the cash paid, so a manager approves and a reason is needed.
      await dialog(page).locator('select[name="refundTo"]').selectOption('cash');
      await preview.locator('[data-beyond="100"]').waitFor();
      await preview.locator('[data-tender="cash"]').getByText('¥99.00').waitFor();
      const confirm = dialog(page).locator('button[data-do="confirm"]');
      expect(await confirm.isDisabled()).toBe(true);
      await dialog(page).locator('input[name="reason"]').fill('顾客的银行卡已注销');
      await shot(page, 'exchange-return-cash');
      await confirm.click();
      await approve(page);
      expect(problems.every((problem) => problem.includes('403'))).toBe(true);
      problems.length = 0;
      await page.locator('hg-checkout-sale .notice').getByText('退款 ¥99.00').waitFor();
      const sale = await api<{ id: string; returns: { id: string }[] }>(
        'GET',
        `/api/sales/${(await api<{ items: { id: string }[] }>('GET', `/api/sales?number=${number}`)).items[0]?.id}`,
      );
      const back = await api<{ refund: { method: string; amount: number }[]; approverId: string | null }>(
        'GET',
        `/api/returns/${sale.returns[0]?.id}`,
      );
      expect(back.refund).toEqual([{ method: 'cash', amount: 9900 }]);
      expect(back.approverId).toBeTruthy();

      // 换货 (Alt+E): the cardigan back, a ¥399 coat out; the customer pays ¥100 in cash.
      await page.keyboard.press('Escape');
      await openSale(page, 'Alt+KeyE', number);
      await returnQty(page, codes.cardiganM, 1);
      await dialog(page).locator('.preview').getByText('价值 ¥299.00').waitFor();
      await dialog(page).locator('input[name="newBarcode"]').fill(codes.coat);
      await dialog(page).locator('input[name="newBarcode"]').press('Enter');
      await dialog(page).locator(`tr[data-new="${codes.coat}"]`).waitFor();
      // The field is empty again for the next item.
      expect(await dialog(page).locator('input[name="newBarcode"]').inputValue()).toBe('');
      const difference = dialog(page).locator('[data-difference]');
      await difference.getByText('顾客补差价 ¥100.00').waitFor();
      expect(await difference.getAttribute('data-difference')).toBe('10000');
      await fits(page);
      await shot(page, 'exchange-difference');
      await dialog(page).locator('button[data-do="confirm"]').click();
      await dialog(page).locator('[data-exchanged="10000"]').waitFor();
      await page.locator('hg-checkout-sale .notice').getByText('顾客补差价 ¥100.00').waitFor();
      await shot(page, 'exchange-done');
      const after = await api<{ returned: { qty: number; returnedQty: number }[]; returns: unknown[] }>(
        'GET',
        `/api/sales/${sale.id}`,
      );
      expect(after.returns).toHaveLength(2);
      expect(after.returned.map((line) => line.returnedQty)).toEqual([1, 1]);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('a size swap at 1024×768 in English: nothing to pay, one command, from 查单', async () => {
    const number = await soldEarlier([{ method: 'cash', amount: 39800 }]);
    const { context, page, problems } = await till({ width: 1024, height: 768 });
    try {
      await page.locator('hg-language-toggle button').first().click();
      await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toMatch(/^en/);
      // From 查单: the sale found opens into the exchange.
      await page.keyboard.press('F1');
      const find = page.locator('hg-checkout-find');
      await find.locator('input[name="saleQuery"]').fill(number);
      await find.locator('input[name="saleQuery"]').press('Enter');
      await find.locator(`[data-detail="${number}"] button[data-do="exchange"]`).click();
      await dialog(page).locator('[data-mode="exchange"]').waitFor();
      await dialog(page).locator('.muted', { hasText: number }).waitFor();
      await returnQty(page, codes.cardiganM, 1);
      await dialog(page).locator('.preview').getByText('worth ¥299.00').waitFor();
      await dialog(page).locator('input[name="newBarcode"]').fill(codes.cardiganL);
      await dialog(page).locator('input[name="newBarcode"]').press('Enter');
      await dialog(page).locator('[data-difference="0"]').getByText('Nothing to pay or refund').waitFor();
      await fits(page);
      await shot(page, 'exchange-size-swap-en-1024');
      await dialog(page).locator('button[data-do="confirm"]').click();
      await dialog(page).locator('[data-exchanged="0"]').waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('换货 for cheaper goods at 1366×768: the refund method shows and the sheet still fits without scrolling', async () => {
    const number = await soldEarlier([{ method: 'card', amount: 39800 }]);
    const { context, page, problems } = await till({ width: 1366, height: 768 });
    try {
      await openSale(page, 'Alt+KeyE', number);
      await returnQty(page, codes.cardiganM, 1);
      await dialog(page).locator('.preview').getByText('价值 ¥299.00').waitFor();
      await dialog(page).locator('input[name="newBarcode"]').fill(codes.tee);
      await dialog(page).locator('input[name="newBarcode"]').press('Enter');
      await dialog(page).locator('[data-difference="-20000"]').waitFor();
      await dialog(page).locator('select[name="refundTo"]').waitFor();
      await shot(page, 'exchange-refund-method-1366');
      await fits(page);
      // Nothing in the sheet is out of sight: it does not scroll inside itself either.
      const sheet = dialog(page).locator('section.sheet');
      const inside = await sheet.evaluate((el) => ({ content: el.scrollHeight, shown: el.clientHeight }));
      expect(inside.content).toBeLessThanOrEqual(inside.shown);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('无小票换货 by keyboard alone: the tag back, the new coat, a reason, a manager, the difference paid', async () => {
    const stock = async (barcode: string) =>
      (await api<{ stock: number }>('GET', `/api/skus/by-barcode/${barcode}`)).stock;
    const before = { back: await stock(codes.cardiganM), out: await stock(codes.coat) };
    const { context, page, problems } = await till({ width: 1366, height: 768 });
    try {
      // 换货 (Alt+E) opens on the receipt field; the customer has none: Tab to 没有小票.
      await page.keyboard.press('Alt+KeyE');
      await dialog(page).locator('input[name="receipt"]').waitFor();
      await expect
        .poll(() =>
          dialog(page)
            .locator('input[name="receipt"]')
            .evaluate((el) => el.matches(':focus')),
        )
        .toBe(true);
      const noReceipt = dialog(page).locator('button[data-do="receiptless"]');
      expect(await noReceipt.textContent()).toContain('没有小票');
      for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
      expect(await noReceipt.evaluate((el) => el.matches(':focus'))).toBe(true);
      await page.keyboard.press('Enter');

      // The tag typed in.
      const swap = page.locator('hg-checkout-receiptless[mode="exchange"]');
      await swap.locator('h2', { hasText: '无小票换货' }).waitFor();
      await typed(page, codes.cardiganM);
      await page.keyboard.press('Enter');
      await swap.locator(`tr[data-return-sku="${codes.cardiganM}"]`).waitFor();
      await swap.getByText('退回商品按现价共 ¥299.00').waitFor();
      // Enter on the empty field: on to the new goods, then to the reason, then to 确认换货.
      await page.keyboard.press('Enter');
      await typed(page, codes.coat);
      await page.keyboard.press('Enter');
      await swap.locator(`tr[data-new="${codes.coat}"]`).waitFor();
      const difference = swap.locator('[data-difference]');
      await difference.getByText('顾客补差价 ¥100.00').waitFor();
      expect(await difference.getAttribute('data-difference')).toBe('10000');
      await page.keyboard.press('Enter');
      await typed(page, '顾客没带小票，换大衣');
      await page.keyboard.press('Enter');
      const confirm = swap.locator('button[data-do="confirm"]');
      expect(await confirm.evaluate((el) => el.matches(':focus'))).toBe(true);
      await fits(page, swap);
      await shot(page, 'exchange-receiptless');
      await page.setViewportSize({ width: 1024, height: 768 });
      await fits(page, swap);
      await shot(page, 'exchange-receiptless-1024');

      // Confirmed: a cashier may not alone, so the manager signs it off by keyboard too.
      await page.keyboard.press('Enter');
      await page.locator('hg-checkout-approval input[name="approver"]').waitFor();
      await typed(page, MANAGER.username);
      await page.keyboard.press('Tab');
      await typed(page, MANAGER.pin);
      await page.keyboard.press('Enter');
      await page.locator('hg-checkout-sale .notice').getByText('顾客补差价 ¥100.00').waitFor();
      await swap.waitFor({ state: 'detached' });
      await shot(page, 'exchange-receiptless-done');
      expect(problems.every((problem) => problem.includes('403'))).toBe(true);

      expect(await stock(codes.cardiganM)).toBe(before.back + 1);
      expect(await stock(codes.coat)).toBe(before.out - 1);
      const audit = await api<{ items: { approverId: string | null; detail: Record<string, unknown> }[] }>(
        'GET',
        '/api/audit?kind=sale.exchanged',
      );
      expect(audit.items[0]?.detail).toMatchObject({ receiptless: true, difference: 10000 });
      expect(audit.items[0]?.approverId).toBeTruthy();
    } finally {
      await context.close();
    }
  }, 180_000);
});
