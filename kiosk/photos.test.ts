import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { toString as qrSvg } from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken, pairDevice } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import {
  collectProblems,
  KIOSK_DIST,
  launchChromium,
  readyForBrowserTests,
  shot,
} from './testing/browser.js';
import { scan } from './wedge-scanner.js';

/**
 * Product photos, the customer display's idle screen and joining from a phone, end to end
 * against a real server: the owner uploads a photo in the style editor and marks it for the
 * customer display; the photo is drawn (fetched with each screen's token) in the editor, on the
 * lookup kiosk and beside the line at the till; the display's idle screen shows it with the
 * name and price; its QR code carries a join ticket, and a phone opening that address joins.
 */

const ADMIN = { width: 1440, height: 900 };
const KIOSK = { width: 1080, height: 1920 };
const TERMINAL = { width: 1024, height: 768 };
const DISPLAY = { width: 1920, height: 1080 };
const PHONE = { width: 390, height: 844 };

let store: TestStore;
let browser: Browser;
let owner = '';
let admin: { token: string; expiresAt: string; staff: unknown };
let style: { id: string; skus: { id: string; barcode: string }[] };
let terminal: { id: string; token: string };
let display: { id: string; token: string };
let kiosk: { id: string; token: string };

beforeAll(async () => {
  readyForBrowserTests('join');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  owner = await ownerToken(store);
  const login = await call(store, 'POST', '/api/auth/login', {
    body: { username: 'owner', password: 'owner-secret-1' },
  });
  admin = login.body;
  const created = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: 'P2601', name: '羊绒高领毛衣', price: 69900, colors: ['燕麦'], sizes: ['S', 'M'] },
  });
  style = created.body;
  await call(store, 'POST', '/api/stock/receipts', {
    token: owner,
    body: { lines: style.skus.map((sku) => ({ skuId: sku.id, qty: 5 })) },
  });
  await call(store, 'POST', '/api/staff', {
    token: owner,
    body: { username: 'mei', name: '美', role: 'cashier', password: 'cashier-pass-1', pin: '1357' },
  });
  terminal = await pairDevice(store, owner, 'checkout');
  display = await pairDevice(store, owner, 'display', terminal.id);
  kiosk = await pairDevice(store, owner, 'lookup');
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

async function openPage(
  viewport: { width: number; height: number },
  init: {
    language?: 'en';
    device?: { kind: string; token: string };
    session?: unknown;
    admin?: unknown;
  } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, baseURL: store.url });
  await context.addInitScript(({ language, device, session, admin }) => {
    if (language) localStorage.setItem('hanger.language', language);
    if (device) localStorage.setItem(`hanger.device.${device.kind}`, device.token);
    if (session) sessionStorage.setItem('hanger.checkout.session', JSON.stringify(session));
    if (admin) sessionStorage.setItem('hanger.admin.session', JSON.stringify(admin));
  }, init);
  const page = await context.newPage();
  return { context, page, problems: collectProblems(page) };
}

/** A product photo drawn in the browser (a jumper on a coloured ground), as PNG bytes. */
async function drawPhoto(page: Page, ground: string): Promise<Buffer> {
  const dataUrl = await page.evaluate((colour) => {
    const canvas = document.createElement('canvas');
    canvas.width = 480;
    canvas.height = 600;
    const g = canvas.getContext('2d');
    if (!g) throw new Error('no 2d context');
    g.fillStyle = colour;
    g.fillRect(0, 0, 480, 600);
    g.fillStyle = '#e9dfcf';
    g.beginPath();
    g.moveTo(150, 110);
    g.lineTo(330, 110);
    g.lineTo(440, 200);
    g.lineTo(400, 300);
    g.lineTo(350, 260);
    g.lineTo(350, 520);
    g.lineTo(130, 520);
    g.lineTo(130, 260);
    g.lineTo(80, 300);
    g.lineTo(40, 200);
    g.closePath();
    g.fill();
    g.fillStyle = '#d4c6b0';
    g.fillRect(195, 80, 90, 50);
    return canvas.toDataURL('image/png');
  }, ground);
  return Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
}

/** The photo is really drawn: its image decoded to a real size. */
async function drawnWidth(photo: Locator): Promise<number> {
  await photo.and(photo.page().locator('hg-photo[state="loaded"]')).waitFor();
  return photo.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth);
}

describe('photos, the display idle screen and joining from a phone', () => {
  it('shows an uploaded photo in the editor, on the kiosk, at the till and on the display', async () => {
    const a = await openPage(ADMIN, { admin });
    const k = await openPage(KIOSK, { device: { kind: 'lookup', token: kiosk.token } });
    const pin = await call(store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: 'mei', pin: '1357' },
    });
    const c = await openPage(TERMINAL, {
      device: { kind: 'checkout', token: terminal.token },
      session: pin.body,
    });
    const d = await openPage(DISPLAY, { device: { kind: 'display', token: display.token } });
    try {
      // The display before any picture: the shop's name and logo, and the join QR code.
      await d.page.goto('/display');
      const idle = d.page.locator('hg-display-app [data-idle][data-pictures="0"]');
      await idle.waitFor();
      await idle.locator('svg.logo').waitFor();
      await idle.locator('.qr[data-join-url]').waitFor();
      await shot(d.page, 'display-idle-no-pictures');

      // The owner uploads a photo in the style editor and sees it drawn.
      await a.page.goto('/admin#/catalog');
      const catalog = a.page.locator('hg-admin-catalog');
      await catalog.getByRole('button', { name: 'P2601' }).click();
      const photos = catalog.locator('section[aria-labelledby="photos-title"]');
      await photos.getByText('还没有图片').waitFor();
      await photos.getByLabel('上传图片').setInputFiles({
        name: 'jumper.png',
        mimeType: 'image/png',
        buffer: await drawPhoto(a.page, '#6b7f8e'),
      });
      await catalog.getByText('图片已上传').waitFor();
      const editorPhoto = photos.locator('li hg-photo').first();
      expect(await drawnWidth(editorPhoto)).toBe(480);
      await photos.getByText('封面', { exact: true }).waitFor();

      // A second photo, made the cover, and marked for the customer display.
      await photos.getByLabel('上传图片').setInputFiles({
        name: 'jumper-2.png',
        mimeType: 'image/png',
        buffer: await drawPhoto(a.page, '#8e6b6b'),
      });
      await photos.locator('li').nth(1).waitFor();
      const second = await photos.locator('li').nth(1).getAttribute('data-photo');
      await photos.locator('li').nth(1).getByRole('button', { name: '设为封面' }).click();
      await photos.locator(`li[data-photo="${second}"]`).first().and(photos.locator('li').first()).waitFor();
      await photos.locator('li').first().getByLabel('在顾客显示屏展示').check();
      await catalog.getByText('已更新顾客显示屏的展示图片').waitFor();
      expect(await drawnWidth(photos.locator('li hg-photo').nth(1))).toBe(480);
      await shot(a.page, 'admin-catalog-photos', true);
      const read = await call(store, 'GET', `/api/products/${style.id}`, { token: owner });
      expect(read.body.photos.map((p: { id: string; showcase: boolean }) => [p.id, p.showcase])).toEqual([
        [second, true],
        [expect.any(String), false],
      ]);

      // The kiosk: a scanned tag shows the cover photo.
      await k.page.goto('/lookup');
      await k.page.locator('hg-lookup-app hg-connection-indicator[state="online"]').waitFor();
      await scan(k.page, style.skus[0]?.barcode ?? '');
      const product = k.page.locator('hg-lookup-product');
      await product.locator('h2', { hasText: '羊绒高领毛衣' }).waitFor();
      const cover = product.locator('.photo hg-photo');
      expect(await drawnWidth(cover)).toBe(480);
      expect(await cover.getAttribute('src')).toContain(second ?? 'none');
      await shot(k.page, 'lookup-product-photo');

      // The till: the scanned line carries a thumbnail of the cover.
      await c.page.goto('/checkout');
      await c.page.locator('hg-checkout-sale .empty').waitFor();
      await scan(c.page, style.skus[1]?.barcode ?? '');
      const line = c.page.locator('hg-checkout-sale tr.line').first();
      await line.waitFor();
      expect(await drawnWidth(line.locator('hg-photo.thumb'))).toBe(480);
      await shot(c.page, 'checkout-line-photo');

      // The display mirrors the cart; cleared, it rests on the shop's picture with name and price.
      await d.page.locator('hg-display-app .line', { hasText: '羊绒高领毛衣' }).waitFor();
      await c.page.keyboard.press('F9');
      await c.page.locator('hg-checkout-sale .empty').waitFor();
      await d.page.reload();
      const showcase = d.page.locator('hg-display-app [data-idle][data-pictures="1"]');
      await showcase.waitFor();
      const slide = showcase.locator(`figure.current[data-slide="${second}"]`);
      expect(await drawnWidth(slide.locator('hg-photo'))).toBe(480);
      await slide.locator('figcaption', { hasText: '羊绒高领毛衣' }).filter({ hasText: '¥699.00' }).waitFor();
      await shot(d.page, 'display-idle-pictures');

      // The owner stops showing it: the display goes back to name and logo at its next look.
      await photos.locator('li').first().getByLabel('在顾客显示屏展示').uncheck();
      await catalog.getByText('已更新顾客显示屏的展示图片').waitFor();
      await d.page.reload();
      await d.page.locator('hg-display-app [data-idle][data-pictures="0"] svg.logo').waitFor();

      for (const page of [a, k, c, d]) expect(page.problems).toEqual([]);
    } finally {
      for (const page of [a, k, c, d]) await page.context.close();
    }
  }, 90_000);

  it("the display's QR code opens a join page on which a phone joins, in both languages", async () => {
    const d = await openPage(DISPLAY, { device: { kind: 'display', token: display.token }, language: 'en' });
    const phone = await openPage(PHONE);
    const english = await openPage(PHONE, { language: 'en' });
    try {
      await d.page.goto('/display');
      const qr = d.page.locator('hg-display-app .qr[data-join-url]');
      await qr.waitFor();
      const url = (await qr.getAttribute('data-join-url')) ?? '';
      expect(url).toMatch(new RegExp(`^${store.url}/join#[\\w.-]+$`));
      expect(url.length, 'short enough for a QR code a phone reads at a glance').toBeLessThan(120);
      // What the QR code says is that address: the same code drawn from it here.
      const drawn = await qr.locator('svg').evaluate((svg) => svg.outerHTML);
      const expected = await qrSvg(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
      const modules = (svg: string) => /<path[^>]*stroke="#000000"[^>]*d="([^"]+)"/.exec(svg)?.[1];
      expect(modules(drawn)).toBe(modules(expected));
      expect(modules(drawn)).toBeTruthy();
      await shot(d.page, 'display-idle-en');

      // The phone, with no token of its own, opens the address and joins.
      const p = phone.page;
      await p.goto(url.replace(store.url, ''));
      const app = p.locator('hg-join-app');
      await app.locator('h1', { hasText: '加入会员' }).waitFor();
      await app.locator('hg-connection-indicator[state="online"]').waitFor();
      await app.getByLabel('手机号').fill('13700137000');
      await app.getByLabel('称呼（如：王女士）').fill('林小姐');
      await app.getByLabel('会员密码（4–6 位数字，可不填）').fill('2468');
      const submit = app.getByRole('button', { name: '加入会员' });
      expect(await submit.isDisabled()).toBe(true);
      await app.getByLabel('我已阅读并同意《会员条款》和《隐私政策》（必选）').check();
      await shot(p, 'join-phone');
      await submit.click();
      const code = app.locator('[data-member-code]');
      await code.waitFor();
      expect(await code.getAttribute('data-member-code')).toMatch(/^\d{16}$/);
      await app.getByText('欢迎加入，林**').waitFor();
      await shot(p, 'join-phone-welcome');
      const member = await call(store, 'GET', '/api/members?phone=13700137000', { token: owner });
      expect(member.body.items).toEqual([
        expect.objectContaining({ name: '林小姐', code: await code.getAttribute('data-member-code') }),
      ]);
      expect(member.body.items[0].consents).toBeTruthy();
      const size = await p.evaluate(() => document.documentElement.scrollWidth);
      expect(size, 'no sideways scrolling on a phone').toBeLessThanOrEqual(PHONE.width);

      // Without a ticket (typed by hand) or with a spoiled one, the page says where to scan.
      await p.goto('/join');
      await app.locator('[data-no-ticket]', { hasText: '请用手机扫描收银台顾客显示屏上的二维码' }).waitFor();
      await shot(p, 'join-phone-no-ticket');
      const e = english.page;
      await e.goto(`/join#${url.split('#')[1]}x`);
      await e.locator('hg-join-app h1', { hasText: 'Join as a member' }).waitFor();
      await e.getByLabel('Mobile number').fill('13700137001');
      await e.getByLabel('Name (e.g. Ms Wang)').fill('Lin');
      await e.getByLabel(/I have read and accept/).check();
      await shot(e, 'join-phone-en');
      await e.getByRole('button', { name: 'Join', exact: true }).click();
      await e.locator('[data-no-ticket]', { hasText: 'This QR code has expired' }).waitFor();
      english.problems.length = 0; // the 400 of the spoiled ticket was the point

      for (const page of [d, phone, english]) expect(page.problems).toEqual([]);
    } finally {
      for (const page of [d, phone, english]) await page.context.close();
    }
  }, 60_000);
});
