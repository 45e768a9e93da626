import type { Browser } from 'playwright-core';
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

/**
 * The lookup kiosk's idle home shows this week's promotions at this store, with what each gives
 * in the shop's words and when — on the portrait kiosk (1080×1920) and a tablet (768×1024), in
 * both languages. Promotions of other stores, of next month or paused are not shown.
 */
let store: TestStore;
let browser: Browser;
let kiosk = '';
const DAY = 86_400_000;
let midnight = 0;
/** A store day `days` from today, as the kiosk writes it in `language`. */
const shownDay = (days: number, language: string) =>
  new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'Asia/Shanghai' }).format(
    midnight + days * DAY,
  );

beforeAll(async () => {
  readyForBrowserTests('lookup');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  const owner = await ownerToken(store);
  kiosk = (await pairDevice(store, owner, 'lookup')).token;
  // Whole days from midnight in Shanghai, so the dates shown do not depend on when the test runs.
  midnight = Math.floor((store.clock.now().getTime() + 8 * 3_600_000) / DAY) * DAY - 8 * 3_600_000;
  const at = (days: number) => new Date(midnight + days * DAY).toISOString();
  const promotions = [
    {
      kind: 'spend_save',
      label: '冬装满减',
      steps: [
        { threshold: 30000, off: 5000 },
        { threshold: 50000, off: 10000 },
      ],
      priority: 1,
      conditions: { to: at(6) },
    },
    {
      kind: 'nth_item',
      label: '周末第二件半价',
      n: 2,
      offBp: 5000,
      priority: 2,
      conditions: { from: at(2), to: at(9), weekdays: [6, 7] },
    },
    {
      kind: 'member_day',
      label: '会员日',
      offBp: 500,
      priority: 3,
      conditions: { daysOfMonth: [8, 18, 28], membersOnly: true },
    },
    { kind: 'bundle', label: '袜子任选', qty: 3, price: 5900, priority: 4 },
    { kind: 'percent_off', label: '下月上新', offBp: 2000, conditions: { from: at(20) } },
    { kind: 'percent_off', label: '二店专享', offBp: 2000, conditions: { stores: ['another-store'] } },
    { kind: 'percent_off', label: '暂停的', offBp: 2000, active: false },
  ];
  for (const body of promotions) {
    const made = await call(store, 'POST', '/api/promotions', { token: owner, body });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
  }
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

async function openHome(viewport: { width: number; height: number }, language?: 'en') {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, baseURL: store.url });
  await context.addInitScript(
    ({ token, language }) => {
      localStorage.setItem('hanger.device.lookup', token);
      if (language) localStorage.setItem('hanger.language', language);
    },
    { token: kiosk, language },
  );
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto('/lookup');
  await page.locator('hg-lookup-app hg-connection-indicator[state="online"]').waitFor({ timeout: 30_000 });
  const tiles = page.locator('hg-lookup-home .promotions li');
  await tiles.nth(3).waitFor({ timeout: 30_000 });
  return { context, page, problems, tiles };
}

describe("the lookup kiosk's idle home: this week's promotions", () => {
  it('shows what each gives and when, in Chinese on the portrait kiosk', async () => {
    const { context, page, problems, tiles } = await openHome({ width: 1080, height: 1920 });
    try {
      expect(await page.locator('hg-lookup-home .promotions h3').innerText()).toBe('本周优惠');
      expect(await tiles.count()).toBe(4);
      const texts = (await tiles.allInnerTexts()).map((text) => text.replace(/\s+/g, ' '));
      // A promotion ending at midnight ran until the day before.
      expect(texts[0]).toBe(`冬装满减 满300减50，满500减100 截至 ${shownDay(5, 'zh-CN')}`);
      expect(texts[1]).toBe(
        `周末第二件半价 第2件5折 ${shownDay(2, 'zh-CN')} 至 ${shownDay(8, 'zh-CN')} · 每周六、周日`,
      );
      expect(texts[2]).toBe('会员日 会员日9.5折 会员专享 长期有效 · 每月 8、18、28 日');
      expect(texts[3]).toBe('袜子任选 任选3件 ¥59.00 长期有效');
      for (const text of texts) expect(text).not.toMatch(/[A-Za-z]/);
      await shot(page, 'lookup-home-promotions');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('fits a 768×1024 tablet, in English', async () => {
    const { context, page, problems, tiles } = await openHome({ width: 768, height: 1024 }, 'en');
    try {
      expect(await page.locator('hg-lookup-home .promotions h3').innerText()).toBe("This week's offers");
      const texts = (await tiles.allInnerTexts()).map((text) => text.replace(/\s+/g, ' '));
      expect(texts[0]).toBe(
        `冬装满减 Spend ¥300, save ¥50; Spend ¥500, save ¥100 Until ${shownDay(5, 'en')}`,
      );
      expect(texts[2]).toBe(
        '会员日 Member day: 5% off Members only Until further notice · On the 8, 18, 28 of each month',
      );
      await shot(page, 'lookup-home-promotions-tablet-en');
      // The page does not scroll: the row of tiles is on the screen, and slides sideways to the last.
      const first = await tiles.nth(0).boundingBox();
      expect(first && first.y + first.height).toBeLessThanOrEqual(1024);
      expect(first && first.x + first.width).toBeLessThanOrEqual(768);
      await tiles.nth(3).scrollIntoViewIfNeeded();
      const last = await tiles.nth(3).boundingBox();
      expect(last && last.x + last.width).toBeLessThanOrEqual(768);
      expect(last && last.y + last.height).toBeLessThanOrEqual(1024);
      expect(await page.evaluate(() => document.scrollingElement?.scrollTop ?? 0)).toBe(0);
      // The join QR below the offers still shows whole (the home clips what does not fit).
      const home = await page.locator('hg-lookup-home').boundingBox();
      const qr = await page.locator('hg-lookup-home .qr').boundingBox();
      expect(qr && home && qr.y + qr.height).toBeLessThanOrEqual((home?.y ?? 0) + (home?.height ?? 0));
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
