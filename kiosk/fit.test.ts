import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addStaff, call, ownerToken, pairDevice, type TestStaff } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, shot, signInToAdmin } from './testing/browser.js';
import { scan } from './wedge-scanner.js';

/**
 * The screens on the hardware shops buy (issue 18): the till at 1366×768 (the common
 * all-in-one), 1024×768 and 1280×800 touch; the customer display at 1024×600 (the usual 10-inch
 * second screen), 1280×800 and 800×480; the lookup kiosk in portrait; the admin page from
 * 1280×800. At each size, in both languages, with 1, 7 and 30 lines, a member and a coupon: the
 * page never scrolls, the pay key and every function key are inside the window, the newest line
 * is in view, touch targets are at least 44 px. One browser, one page per screen, resized.
 * Screenshots: artifacts/screens/fit-*.png.
 */

const TILL = [
  { width: 1366, height: 768 },
  { width: 1024, height: 768 },
  { width: 1280, height: 800 },
] as const;
const DISPLAY = [
  { width: 1024, height: 600 },
  { width: 1280, height: 800 },
  { width: 800, height: 480 },
] as const;
const LANGUAGES = ['zh', 'en'] as const;
/** The smallest target a finger hits reliably. */
const TOUCH_PX = 44;

let store: TestStore;
let browser: Browser;
let owner = '';
let cashier: TestStaff;
let barcodes: string[] = [];
let memberPhone = '';
let till: Page;
let display: Page;

async function api<T>(method: string, path: string, body?: unknown, token = owner): Promise<T> {
  const reply = await call(store, method, path, { token, body });
  if (reply.status >= 300)
    throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as T;
}

/** A page with a paired device (and, for the till, a cashier signed in by PIN). */
async function openScreen(kind: 'checkout' | 'display', token: string, session?: unknown): Promise<Page> {
  const context = await browser.newContext({ viewport: TILL[0], deviceScaleFactor: 1, baseURL: store.url });
  await context.addInitScript(
    ({ kind, token, session }) => {
      localStorage.setItem(`hanger.device.${kind}`, token);
      if (session) sessionStorage.setItem('hanger.checkout.session', JSON.stringify(session));
    },
    { kind, token, session },
  );
  const page = await context.newPage();
  await page.goto(`/${kind}`);
  return page;
}

beforeAll(async () => {
  readyForBrowserTests('checkout', 'display', 'lookup', 'admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  owner = await ownerToken(store);
  cashier = await addStaff(store, owner, 'cashier');
  // Thirty SKUs of one style with a long name, so that thirty scans make thirty lines.
  const style = await api<{ skus: { id: string; barcode: string }[] }>('POST', '/api/products', {
    styleCode: 'F2518',
    name: '法式复古收腰碎花连衣裙',
    category: '女装/连衣裙',
    price: 39900,
    colors: ['黑色', '白色', '藏青', '酒红', '燕麦', '雾霾蓝'],
    sizes: ['S', 'M', 'L', 'XL', 'XXL'],
  });
  await api('POST', '/api/stock/receipts', { lines: style.skus.map((sku) => ({ skuId: sku.id, qty: 5 })) });
  barcodes = style.skus.map((sku) => sku.barcode);
  await api('POST', '/api/promotions', { kind: 'percent_off', offBp: 1000, label: '秋季九折' });
  memberPhone = '13912345678';
  const member = await api<{ id: string }>('POST', '/api/members', { phone: memberPhone, name: '欧阳娜娜' });
  await api('POST', `/api/members/${member.id}/top-ups`, {
    id: '0190f5a4-0000-7000-8000-0000000000f1',
    amount: 50000,
    method: 'cash',
  });
  const template = await api<{ id: string }>('POST', '/api/coupon-templates', {
    name: '满300减30',
    kind: 'amount',
    value: 3000,
    minSpend: 30000,
    validDays: 30,
  });
  await api('POST', '/api/coupons/issue', { templateId: template.id, memberIds: [member.id] });

  const terminal = await pairDevice(store, owner, 'checkout');
  const screen = await pairDevice(store, owner, 'display', terminal.id);
  const session = await api(
    'POST',
    '/api/auth/pin',
    { username: cashier.username, pin: cashier.pin },
    terminal.token,
  );
  till = await openScreen('checkout', terminal.token, session);
  await till.locator('hg-checkout-sale .empty').waitFor();
  display = await openScreen('display', screen.token);
  await display.setViewportSize(DISPLAY[0]);
  await display.locator('hg-display-app [data-idle] .qr').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

/** Switches the page's language with its toggle (the cart is the server's: nothing is lost). */
async function speak(page: Page, language: (typeof LANGUAGES)[number]): Promise<void> {
  const lang = await page.evaluate(() => document.documentElement.lang);
  if (lang.startsWith(language)) return;
  await page.locator('hg-language-toggle button').first().click();
  await expect
    .poll(() => page.evaluate(() => document.documentElement.lang))
    .toMatch(new RegExp(`^${language}`));
}

/** The page does not scroll, either way. */
async function expectNoScroll(page: Page, what: string): Promise<void> {
  const size = await page.evaluate(() => ({
    height: document.documentElement.scrollHeight,
    width: document.documentElement.scrollWidth,
    innerHeight,
    innerWidth,
  }));
  expect(size.height, `${what}: page height`).toBeLessThanOrEqual(size.innerHeight);
  expect(size.width, `${what}: page width`).toBeLessThanOrEqual(size.innerWidth);
}

/** `element` lies wholly inside the window (and, if given, inside `within`'s box). */
async function expectInside(page: Page, element: Locator, what: string, within?: Locator): Promise<void> {
  const box = await element.boundingBox();
  expect(box, `${what}: on screen`).not.toBeNull();
  if (!box) return;
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  const outer = within ? await within.boundingBox() : null;
  const area = outer ?? { x: 0, y: 0, width: viewport.width, height: viewport.height };
  expect(box.x, `${what}: left`).toBeGreaterThanOrEqual(Math.max(0, area.x) - 1);
  expect(box.y, `${what}: top`).toBeGreaterThanOrEqual(Math.max(0, area.y) - 1);
  expect(box.x + box.width, `${what}: right`).toBeLessThanOrEqual(
    Math.min(viewport.width, area.x + area.width) + 1,
  );
  expect(box.y + box.height, `${what}: bottom`).toBeLessThanOrEqual(
    Math.min(viewport.height, area.y + area.height) + 1,
  );
}

/** The till at every size, in both languages: the checks of the issue, and a screenshot. */
async function checkTill(lines: number, label: string): Promise<void> {
  const sale = till.locator('hg-checkout-sale');
  for (const language of LANGUAGES) {
    await speak(till, language);
    for (const size of TILL) {
      const what = `till ${size.width}×${size.height} ${language} ${label}`;
      await till.setViewportSize(size);
      await expect.poll(() => sale.locator('tr.line').count()).toBe(lines);
      await expectNoScroll(till, what);
      const keys = sale.locator('.keys button[data-action]');
      expect(await keys.count(), what).toBeGreaterThanOrEqual(8);
      for (const key of await keys.all()) {
        const action = await key.getAttribute('data-action');
        await expectInside(till, key, `${what}: key ${action}`);
        const box = await key.boundingBox();
        expect(box?.height, `${what}: key ${action} height`).toBeGreaterThanOrEqual(TOUCH_PX);
        expect(box?.width, `${what}: key ${action} width`).toBeGreaterThanOrEqual(TOUCH_PX);
      }
      await expectInside(till, sale.locator('[data-total]').first(), `${what}: total`);
      const newest = sale.locator('tr.line').last();
      await expect.poll(() => newest.getAttribute('data-barcode')).toBe(barcodes[lines - 1]);
      await expectInside(till, newest, `${what}: newest line`, sale.locator('.table'));
      // The line's − and +, and the member card's buttons (coupons, points, remove), take a finger.
      for (const button of [
        ...(await newest.locator('.qty button').all()),
        ...(await sale.locator('hg-checkout-member button').all()),
      ]) {
        const box = await button.boundingBox();
        const name = (await button.getAttribute('aria-label')) ?? (await button.textContent())?.trim();
        expect(box?.height, `${what}: button ${name}`).toBeGreaterThanOrEqual(TOUCH_PX);
      }
      await shot(till, `fit-till-${size.width}x${size.height}-${language}-${label}`);
    }
  }
}

/** The customer display at its sizes, in both languages, with the cart the till has now. */
async function checkDisplay(lines: number, label: string, qr: boolean): Promise<void> {
  const app = display.locator('hg-display-app');
  for (const language of LANGUAGES) {
    await speak(display, language);
    for (const size of DISPLAY) {
      const what = `display ${size.width}×${size.height} ${language} ${label}`;
      await display.setViewportSize(size);
      await expect.poll(() => app.locator('.line').count()).toBe(lines);
      await expectNoScroll(display, what);
      const newest = app.locator('.line').last();
      await expectInside(display, newest, `${what}: newest line`, app.locator('.lines'));
      // A name on one line, not wrapped every two characters.
      const name = newest.locator('.name');
      const rows = await name.evaluate((element) => element.getClientRects().length);
      expect(rows, `${what}: name lines`).toBe(1);
      await expectInside(display, app.locator('[data-total]').first(), `${what}: total`);
      if (qr) await expectInside(display, app.locator('.qr'), `${what}: join QR`);
      await shot(display, `fit-display-${size.width}x${size.height}-${language}-${label}`);
    }
  }
}

/** Scans until the cart has `lines` lines. */
async function fillTo(lines: number): Promise<void> {
  const rows = till.locator('hg-checkout-sale tr.line');
  for (let i = await rows.count(); i < lines; i++) {
    await scan(till, barcodes[i] ?? '');
    await rows.nth(i).waitFor();
  }
}

describe('the screens fit the devices shops buy', () => {
  it('customer display: the idle page fits, QR and all, at every size', async () => {
    const app = display.locator('hg-display-app');
    for (const language of LANGUAGES) {
      await speak(display, language);
      for (const size of DISPLAY) {
        const what = `display idle ${size.width}×${size.height} ${language}`;
        await display.setViewportSize(size);
        await expectNoScroll(display, what);
        await expectInside(display, app.locator('[data-idle] .qr'), `${what}: join QR`);
        await expectInside(display, app.locator('[data-idle] h2'), `${what}: welcome`);
        await shot(display, `fit-display-${size.width}x${size.height}-${language}-idle`);
      }
    }
  }, 120_000);

  it('one line, no member: till and display fit, the QR in the display corner', async () => {
    await fillTo(1);
    await checkTill(1, '1-line');
    await checkDisplay(1, '1-line', true);
  }, 120_000);

  it('one line with a member and a coupon: the member card folds, every key stays', async () => {
    await speak(till, 'zh');
    const member = till.locator('hg-checkout-member');
    await member.locator('input[name="memberQuery"]').fill(memberPhone);
    await member.locator('input[name="memberQuery"]').press('Enter');
    await member.locator('[data-member-name="欧阳娜娜"]').waitFor();
    await member.locator('.coupons button').first().click();
    await member.locator('.coupons button[aria-pressed="true"]').waitFor();
    await display.locator('hg-display-app [data-member]').waitFor();
    await checkTill(1, '1-line-member');
    await checkDisplay(1, '1-line-member', false);
  }, 120_000);

  it('seven lines: the newest is in view on the till and the display', async () => {
    await fillTo(7);
    await checkTill(7, '7-lines');
    await checkDisplay(7, '7-lines', false);
  }, 120_000);

  it('thirty lines: the cart scrolls inside its area, the page never does', async () => {
    await fillTo(30);
    await checkTill(30, '30-lines');
    await checkDisplay(30, '30-lines', false);
  }, 120_000);

  it('lookup kiosk in portrait and the admin page from 1280×800 fit their width', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const context = await browser.newContext({ viewport: { width: 1080, height: 1920 }, baseURL: store.url });
    await context.addInitScript((token) => localStorage.setItem('hanger.device.lookup', token), kiosk.token);
    const page = await context.newPage();
    await page.goto('/lookup');
    await page.locator('hg-lookup-app hg-connection-indicator[state="online"]').waitFor();
    for (const language of LANGUAGES) {
      await speak(page, language);
      for (const size of [
        { width: 1080, height: 1920 },
        { width: 768, height: 1024 },
      ]) {
        const what = `lookup ${size.width}×${size.height} ${language}`;
        await page.setViewportSize(size);
        await page.locator('hg-lookup-app .scan h2').waitFor();
        await expectNoScroll(page, what);
        await shot(page, `fit-lookup-${size.width}x${size.height}-${language}-scan`);
        await scan(page, barcodes[0] ?? '');
        await page.locator('hg-lookup-product h2').waitFor();
        await expectNoScroll(page, `${what} product`);
        await shot(page, `fit-lookup-${size.width}x${size.height}-${language}-product`);
        await page.locator('hg-lookup-app .nav button').first().click();
      }
    }
    await context.close();

    // The admin page may scroll down, never sideways, from 1280×800 up.
    const admin = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: store.url });
    const adminPage = await admin.newPage();
    await signInToAdmin(adminPage);
    for (const language of LANGUAGES) {
      await speak(adminPage, language);
      await adminPage.locator('hg-admin-dashboard h2').waitFor();
      const width = await adminPage.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
      expect(width[0], `admin 1280×800 ${language}: page width`).toBeLessThanOrEqual(width[1] ?? 0);
      await shot(adminPage, `fit-admin-1280x800-${language}`);
    }
    await admin.close();
  }, 120_000);
});
