import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairDevice } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, shot } from './testing/browser.js';
import { type StoreApi, setUpCounter, signInCashier } from './testing/till.js';
import { scan } from './wedge-scanner.js';

/**
 * No English in zh-CN: every screen and dialog of the till, and the customer display, walked
 * in Chinese at 1366×768 (the display at 1024×600), every visible text, placeholder, label and
 * title read for Latin words. Allowed: what is data or a key (anything with a digit — SKU and
 * receipt numbers, F-keys —, this test's coupon code), the brand "Hanger", the key names Esc
 * and Alt, and the language switch, which names English in English. Screenshots under artifacts/screens/latin-*.png.
 */

const TILL = { width: 1366, height: 768 };
const DISPLAY = { width: 1024, height: 600 };
const ALLOWED = new Set(['Hanger', 'Esc', 'Alt']);

let store: TestStore;
let browser: Browser;
let owner = '';
const codes = { cardigan: '', tee: '' };
let couponCode = '';

let api: StoreApi;

beforeAll(async () => {
  readyForBrowserTests('checkout', 'display');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  ({ owner, api } = await setUpCounter(store));
  for (const [key, styleCode, name, price] of [
    ['cardigan', 'K2601', '羊毛针织开衫', 29900],
    ['tee', 'T1102', '纯棉短袖T恤', 9900],
  ] as const) {
    const made = await api<{ skus: { id: string; barcode: string }[] }>('POST', '/api/products', {
      styleCode,
      name,
      category: '女装/上衣',
      price,
      colors: ['米白'],
      sizes: ['M'],
    });
    await api('POST', '/api/stock/receipts', { lines: made.skus.map((sku) => ({ skuId: sku.id, qty: 20 })) });
    codes[key] = made.skus[0]?.barcode ?? '';
  }
  const member = await api<{ id: string }>('POST', '/api/members', { phone: '13800138000', name: '陈静' });
  const template = await api<{ id: string }>('POST', '/api/coupon-templates', {
    name: '满1000减100',
    kind: 'amount',
    value: 10000,
    minSpend: 100000,
    validDays: 30,
  });
  const issued = await api<{ issued: { code: string }[] }>('POST', '/api/coupons/issue', {
    templateId: template.id,
    memberIds: [member.id],
  });
  couponCode = issued.issued[0]?.code ?? '';
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

/**
 * The Latin words a person sees on the page now: text nodes that are rendered, and the
 * placeholder, aria-label and title of what is rendered, through every shadow root; a word
 * inside <kbd> is a key name. Each with the element it is in.
 */
function strayLatin(page: Page, allowed: string[]): Promise<string[]> {
  return page.evaluate((allow) => {
    const ok = new Set(allow);
    const found: string[] = [];
    const seen = (el: Element) => {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      return box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
    };
    const check = (text: string, where: Element) => {
      for (const chunk of text.split(/[\s·/|,，、:：()（）[\]"“”]+/)) {
        if (!/[A-Za-z]{2}/.test(chunk) || /\d/.test(chunk) || ok.has(chunk)) continue;
        const words = chunk.match(/[A-Za-z][A-Za-z'’-]*/g) ?? [];
        if (words.every((word) => ok.has(word))) continue;
        found.push(
          `${where.localName}${where.className ? `.${String(where.className).split(' ')[0]}` : ''}: ${chunk}`,
        );
      }
    };
    const walk = (root: Document | ShadowRoot) => {
      const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let node = texts.nextNode(); node; node = texts.nextNode()) {
        const parent = node.parentElement;
        if (!parent || parent.closest('kbd, style, script, template') || !seen(parent)) continue;
        check(node.textContent ?? '', parent);
      }
      for (const el of root.querySelectorAll('*')) {
        if (seen(el)) {
          for (const name of ['placeholder', 'aria-label', 'title']) {
            const value = el.getAttribute(name);
            if (value && !el.closest('kbd')) check(value, el);
          }
        }
        // The language switch names each language in its own words ("English"), as everywhere.
        if (el.shadowRoot && el.localName !== 'hg-language-toggle') walk(el.shadowRoot);
      }
    };
    walk(document);
    return [...new Set(found)];
  }, allowed);
}

describe('no English on the zh-CN till and display', () => {
  it('walks every screen and dialog of the till and the display in Chinese', async () => {
    const strays: Record<string, string[]> = {};
    const data = () => [...ALLOWED, couponCode];
    const look = async (page: Page, name: string) => {
      await page.evaluate(() => document.fonts.ready);
      await page.waitForTimeout(150);
      const found = await strayLatin(page, data());
      if (found.length) strays[name] = found;
      await shot(page, `latin-${name}`);
    };

    // The till before it is paired, and the display before it is.
    const tillContext = await browser.newContext({
      viewport: TILL,
      deviceScaleFactor: 1,
      baseURL: store.url,
    });
    const displayContext = await browser.newContext({
      viewport: DISPLAY,
      deviceScaleFactor: 1,
      baseURL: store.url,
    });
    try {
      const c = await tillContext.newPage();
      await c.goto('/checkout');
      await c.locator('hg-pairing [data-code]').waitFor();
      await look(c, 'till-pairing');
      const d = await displayContext.newPage();
      await d.goto('/display');
      await d.locator('hg-pairing [data-code]').waitFor();
      await look(d, 'display-pairing');

      const terminal = await pairDevice(store, owner, 'checkout');
      const screen = await pairDevice(store, owner, 'display', terminal.id);
      await tillContext.addInitScript(
        (token) => localStorage.setItem('hanger.device.checkout', token),
        terminal.token,
      );
      await displayContext.addInitScript(
        (token) => localStorage.setItem('hanger.device.display', token),
        screen.token,
      );
      await c.goto('/checkout');
      await d.goto('/display');
      await d.locator('hg-display-app [data-idle]').waitFor({ timeout: 15_000 });
      await look(d, 'display-idle');

      await c.locator('hg-checkout-signin input[name="username"]').waitFor();
      await look(c, 'signin');
      await signInCashier(c);
      await look(c, 'sale-empty');

      await c.keyboard.press('F7');
      await c.locator('hg-checkout-shift input[name="cash"]').waitFor();
      await look(c, 'shift-closed');
      await c.locator('hg-checkout-shift input[name="cash"]').fill('200');
      await c.keyboard.press('Enter');
      await c.locator('hg-checkout-shift [data-shift="open"]').waitFor();
      await look(c, 'shift-open');
      await c.keyboard.press('Escape');

      // A sale: two lines, the member, a coupon the sale does not reach.
      await scan(c, codes.cardigan);
      await scan(c, codes.tee);
      await c.locator('hg-checkout-sale tr.line').nth(1).waitFor();
      const member = c.locator('hg-checkout-member');
      await member.locator('input').first().fill('13800138000');
      await member.locator('input').first().press('Enter');
      await member.locator('[data-member-name="陈静"]').waitFor();
      await member.locator('.coupons button').first().click();
      await member.locator(`[data-rejected="${couponCode}"]`).waitFor();
      await d.locator('hg-display-app [data-total]').first().waitFor();
      await look(c, 'sale-member-coupon');
      await look(d, 'display-cart');

      await c.locator('hg-checkout-sale tr.line button.link').first().click();
      await c.locator('hg-checkout-price input[name="price"]').waitFor();
      await look(c, 'price');
      await c.keyboard.press('Escape');

      // The coupon off again: the sale is paid without it.
      await member.locator('.coupons button').first().click();
      await member.locator(`[data-rejected="${couponCode}"]`).waitFor({ state: 'detached' });
      await c.keyboard.press('F10');
      await c.locator('hg-checkout-pay input[name="amount"]').waitFor();
      await look(c, 'pay');
      await c.keyboard.press('Enter');
      await c.locator('hg-checkout-paid [data-paid]').waitFor();
      await look(c, 'paid');
      await look(d, 'display-paid');
      const number = (await c.locator('hg-checkout-paid [data-paid]').getAttribute('data-paid')) ?? '';
      await c.keyboard.press('Enter');

      // 挂单 and 取单.
      await scan(c, codes.tee);
      await c.locator('hg-checkout-sale tr.line').first().waitFor();
      await c.keyboard.press('F3');
      await c.locator('hg-checkout-sale .empty').waitFor();
      await c.keyboard.press('F4');
      await c.locator('hg-checkout-held section').waitFor();
      await look(c, 'held');
      await c.keyboard.press('Escape');

      // 练习模式.
      await c.keyboard.press('F8');
      await c.locator('hg-checkout-sale [data-training]').waitFor();
      await look(c, 'training');
      await c.keyboard.press('F8');
      await c.locator('hg-checkout-sale [data-training]').waitFor({ state: 'detached' });

      // 退货 with its preview, 换货, 无小票退货, 无小票换货.
      await c.keyboard.press('F6');
      const back = c.locator('hg-checkout-return');
      await back.locator('input[name="receipt"]').waitFor();
      await look(c, 'return-empty');
      await back.locator('input[name="receipt"]').fill(number);
      await back.locator('input[name="receipt"]').press('Enter');
      await back.locator('tr[data-line] input').first().fill('1');
      await back.locator('.preview').waitFor();
      await look(c, 'return-preview');
      await c.keyboard.press('Escape');
      await c.keyboard.press('Alt+KeyE');
      await back.locator('input[name="receipt"]').fill(number);
      await back.locator('input[name="receipt"]').press('Enter');
      await back.locator('tr[data-line] input').first().fill('1');
      await back.locator('input[name="newBarcode"]').fill(codes.tee);
      await back.locator('input[name="newBarcode"]').press('Enter');
      await back.locator('[data-difference]').waitFor();
      await look(c, 'exchange');
      await c.keyboard.press('Escape');
      await c.keyboard.press('F6');
      await back.locator('button[data-do="receiptless"]').click();
      await c.locator('hg-checkout-receiptless input[name="returnTag"]').waitFor();
      await look(c, 'receiptless');
      await c.keyboard.press('Escape');
      await c.keyboard.press('Alt+KeyE');
      await back.locator('button[data-do="receiptless"]').click();
      const swap = c.locator('hg-checkout-receiptless[mode="exchange"]');
      await swap.locator('input[name="returnTag"]').fill(codes.tee);
      await swap.locator('input[name="returnTag"]').press('Enter');
      await swap.locator('tr[data-return-sku]').waitFor();
      await swap.locator('input[name="newBarcode"]').fill(codes.tee);
      await swap.locator('input[name="newBarcode"]').press('Enter');
      await swap.locator('[data-difference]').waitFor();
      await look(c, 'receiptless-exchange');
      await c.keyboard.press('Escape');

      // 查单, 充值, 存取款, 开钱箱 with the manager's approval.
      await c.keyboard.press('F1');
      const find = c.locator('hg-checkout-find');
      await find.locator(`tr[data-sale="${number}"]`).waitFor();
      await find.locator(`tr[data-sale="${number}"]`).click();
      await find.locator(`[data-detail="${number}"]`).waitFor();
      await look(c, 'find');
      await c.keyboard.press('Escape');
      await c.keyboard.press('Alt+KeyC');
      await c.locator('hg-checkout-topup input[name="topUpPhone"]').waitFor();
      await look(c, 'topup');
      await c.keyboard.press('Escape');
      await c.keyboard.press('Alt+KeyM');
      await c.locator('hg-checkout-cash input[name="cashAmount"]').waitFor();
      await look(c, 'cash');
      await c.keyboard.press('Escape');
      await c.keyboard.press('Alt+KeyD');
      await c.locator('hg-checkout-cash input[name="cashReason"]').fill('找零钱');
      await c.locator('hg-checkout-cash input[name="cashReason"]').press('Enter');
      await c.locator('hg-checkout-approval input[name="approver"]').waitFor();
      await look(c, 'approval');

      expect(strays).toEqual({});
    } finally {
      await tillContext.close();
      await displayContext.close();
    }
  }, 300_000);
});
