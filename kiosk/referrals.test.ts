import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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
import { scan } from './wedge-scanner.js';

/**
 * Referrals end to end against a real server: a member's invitation QR opens the phone join
 * page with the code; the newcomer reads the terms the owner published, joins, and sees their
 * own invitation; a first purchase rewards both sides; the lookup kiosk shows the member's
 * invitation, its home screen and the terms page, in both languages.
 */

const PHONE = { width: 390, height: 844 };
const KIOSK = { width: 1080, height: 1920 };
const TABLET = { width: 768, height: 1024 };
const TERMS = '第一条 会员资格\n凡在本店登记手机号的顾客均可成为会员。\n\n第二条 积分\n每消费 1 元积 1 分。';

let store: TestStore;
let browser: Browser;
let owner = '';
let cashier: TestStaff;
let kiosk: { id: string; token: string };
let skuId = '';
let barcode = '';
let referrer = '';
let inviteCode = '';

beforeAll(async () => {
  readyForBrowserTests('join', 'lookup');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  owner = await ownerToken(store);
  cashier = await addStaff(store, owner, 'cashier');
  kiosk = await pairDevice(store, owner, 'lookup');
  const created = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: 'R2601', name: '羊毛开衫', price: 39900, colors: ['驼色'], sizes: ['M'] },
  });
  skuId = created.body.skus[0].id;
  barcode = created.body.skus[0].barcode;
  const scarf = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: 'R2602', name: '真丝印花围巾', price: 19900, colors: ['藏青'], sizes: ['均码'] },
  });
  await call(store, 'POST', '/api/stock/receipts', {
    token: owner,
    body: { lines: [{ skuId: scarf.body.skus[0].id, qty: 5 }] },
  });
  // Bought together once, so the cardigan's page shows the scarf (which has no photo).
  const together = await call(store, 'POST', '/api/sales', {
    token: cashier.token,
    body: {
      id: randomUUID(),
      lines: [
        { skuId, qty: 1 },
        { skuId: scarf.body.skus[0].id, qty: 1 },
      ],
      payments: [{ method: 'cash', amount: 59800 }],
    },
  });
  expect(together.status).toBe(201);
  await call(store, 'POST', '/api/stock/receipts', { token: owner, body: { lines: [{ skuId, qty: 5 }] } });
  const template = await call(store, 'POST', '/api/coupon-templates', {
    token: owner,
    body: { name: '新人券 减30', kind: 'amount', value: 3000, minSpend: 0, validDays: 30 },
  });
  const saved = await call(store, 'PUT', '/api/loyalty/settings/referral', {
    token: owner,
    body: {
      enabled: true,
      referrer: { kind: 'points', points: 500 },
      newcomer: { kind: 'coupon', templateId: template.body.id },
      onReceipt: true,
      joinAddress: store.url,
    },
  });
  expect(saved.status).toBe(200);
  expect(
    (await call(store, 'PUT', '/api/member-documents/terms', { token: owner, body: { text: TERMS } })).status,
  ).toBe(200);
  const member = await call(store, 'POST', '/api/members', {
    token: owner,
    body: { phone: '13800138111', name: '周老师' },
  });
  referrer = member.body.id;
  inviteCode = member.body.inviteCode;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

async function openPage(
  viewport: { width: number; height: number },
  init: { language?: 'en'; lookup?: string } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, baseURL: store.url });
  await context.addInitScript(({ language, lookup }) => {
    if (language) localStorage.setItem('hanger.language', language);
    if (lookup) localStorage.setItem('hanger.device.lookup', lookup);
  }, init);
  const page = await context.newPage();
  return { context, page, problems: collectProblems(page) };
}

describe('referrals in the browser', () => {
  it('a friend joins with the code on the phone, buys, and both are rewarded', async () => {
    expect(inviteCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const phone = await openPage(PHONE);
    const english = await openPage(PHONE, { language: 'en' });
    try {
      const p = phone.page;
      await p.goto(`/join?invite=${inviteCode}`);
      const app = p.locator('hg-join-app');
      await app.locator('[data-invited]', { hasText: inviteCode }).waitFor();
      // The terms open as a page of their own, in the owner's words, and back to the form.
      await app.locator('[data-open-document="terms"]').click();
      const terms = app.locator('hg-member-document article[data-document="terms"]');
      await terms.getByText('第一条 会员资格', { exact: false }).waitFor();
      await shot(p, 'referrals-phone-terms');
      await app.locator('hg-member-document footer button').click();
      await app.getByLabel('手机号').fill('13700137777');
      await app.getByLabel('称呼（如：王女士）').fill('沈小姐');
      await app.getByLabel('我已阅读并同意《会员条款》和《隐私政策》（必选）').check();
      await shot(p, 'referrals-phone-join');
      await app.getByRole('button', { name: '加入会员' }).click();
      const card = app.locator('hg-invite-card [data-invite-code]');
      await card.waitFor();
      const ownCode = (await card.getAttribute('data-invite-code')) ?? '';
      expect(ownCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
      expect(ownCode).not.toBe(inviteCode);
      await app.locator('hg-invite-card svg').waitFor();
      await shot(p, 'referrals-phone-welcome', true);
      expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

      // The first purchase, as the till sends it: both sides rewarded in the same transaction.
      const newcomer = (await call(store, 'GET', '/api/members?phone=13700137777', { token: owner })).body
        .items[0];
      expect(newcomer.referrerId).toBe(referrer);
      const sale = await call(store, 'POST', '/api/sales', {
        token: cashier.token,
        body: {
          id: randomUUID(),
          memberId: newcomer.id,
          lines: [{ skuId, qty: 1 }],
          payments: [{ method: 'cash', amount: 39900 }],
        },
      });
      expect(sale.status).toBe(201);
      const after = await call(store, 'GET', `/api/members/${referrer}`, { token: owner });
      expect(after.body.points).toBe(500);
      const coupons = await call(store, 'GET', `/api/members/${newcomer.id}/coupons`, { token: owner });
      expect(coupons.body.items).toEqual([
        expect.objectContaining({ issueReason: 'referral', name: '新人券 减30' }),
      ]);
      const receipt = await call(store, 'GET', `/api/sales/${sale.body.id}/receipt`, { token: owner });
      expect(receipt.body.invite).toEqual({ code: ownCode, url: `${store.url}/join?invite=${ownCode}` });

      // In English, the same page reads in English.
      const e = english.page;
      await e.goto(`/join?invite=${inviteCode}`);
      await e.locator('hg-join-app [data-invited]', { hasText: 'invitation code' }).waitFor();
      await e.locator('hg-join-app [data-open-document="privacy"]').click();
      await e.locator('hg-member-document', { hasText: 'The shop has not published this yet' }).waitFor();
      await shot(e, 'referrals-phone-privacy-en');
      for (const page of [phone, english]) expect(page.problems).toEqual([]);
    } finally {
      for (const page of [phone, english]) await page.context.close();
    }
  }, 120_000);

  it('the lookup kiosk shows the member’s invitation, its home screen and the terms page', async () => {
    const member = await call(store, 'GET', `/api/members/${referrer}`, { token: owner });
    for (const [language, viewport] of [
      ['zh', KIOSK],
      ['en', TABLET],
    ] as const) {
      const k = await openPage(viewport, { lookup: kiosk.token, ...(language === 'en' && { language }) });
      try {
        const page = k.page;
        await page.goto('/lookup');
        await page.locator('hg-lookup-app hg-connection-indicator[state="online"]').waitFor();
        // The home screen uses its space: the QR code to join from a phone.
        const qr = page.locator('hg-lookup-home .qr');
        await qr.locator('svg').waitFor();
        expect(await qr.getAttribute('data-join-url')).toMatch(new RegExp(`^${store.url}/join#[\\w.-]+$`));
        await shot(page, `referrals-lookup-home-${language}-${viewport.width}`);
        // "Bought with" shows a style without a photo as a designed card with its name.
        await scan(page, barcode);
        await page.locator('hg-lookup-product h2', { hasText: '羊毛开衫' }).waitFor({ timeout: 60_000 });
        const tile = page.locator('hg-lookup-product .also hg-style-placeholder');
        await tile.waitFor({ timeout: 60_000 });
        expect(await tile.evaluate((el) => el.shadowRoot?.textContent ?? '')).toContain('真丝印花围巾');
        await tile.scrollIntoViewIfNeeded();
        await shot(page, `referrals-lookup-bought-with-${language}`);
        await page.locator('hg-lookup-app .nav button').first().click();
        await scan(page, member.body.code);
        const card = page.locator('hg-lookup-member hg-invite-card [data-invite-code]');
        await card.waitFor();
        expect(await card.getAttribute('data-invite-code')).toBe(inviteCode);
        await page.locator('hg-lookup-member hg-invite-card svg').waitFor();
        await card.scrollIntoViewIfNeeded();
        await shot(page, `referrals-lookup-member-${language}`);
        await page.locator('hg-lookup-member button.primary').last().click();
        // Joining at the kiosk: the terms open as a page.
        await page.locator('hg-lookup-app .corner button').nth(1).click();
        await page.locator('hg-lookup-join [data-open-document="terms"]').click();
        await page.locator('hg-member-document article').getByText('第二条 积分', { exact: false }).waitFor();
        await shot(page, `referrals-lookup-terms-${language}`);
        expect(k.problems).toEqual([]);
      } finally {
        await k.context.close();
      }
    }
  }, 300_000);
});
