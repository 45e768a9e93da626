import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { type Counter, setUpCounter } from './testing/till.js';

/**
 * Pieces of the owner's back office (issue 21) walked in a browser at 1280×800, in both
 * languages: the style form takes cost, brand, season, year, supplier and the low-stock
 * threshold, and keeps them; the dashboard's 今日销售 is net of today's returns, as the reports
 * say; the size curve on 报表 is narrowed to one category.
 */
let store: TestStore;
let counter: Counter;
let browser: Browser;
let session: unknown;
const VIEWPORT = { width: 1280, height: 800 };

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  counter = await setUpCounter(store);
  browser = await launchChromium();
  session = await ownerAdminSession(store);
  // Today: two dresses sold at ¥300, one brought back.
  const style = await counter.api<{ skus: { id: string }[] }>('POST', '/api/products', {
    styleCode: 'DB01',
    name: '羊毛连衣裙',
    price: 30000,
    colors: ['黑'],
    sizes: ['M'],
  });
  const skuId = style.skus[0]?.id ?? '';
  await counter.api('POST', '/api/stock/receipts', { lines: [{ skuId, qty: 5 }] });
  const sale = await counter.api<{ id: string }>('POST', '/api/sales', {
    id: randomUUID(),
    lines: [{ skuId, qty: 2 }],
    payments: [{ method: 'cash', amount: 60000 }],
  });
  await counter.api('POST', `/api/sales/${sale.id}/returns`, {
    id: randomUUID(),
    lines: [{ skuId, qty: 1 }],
  });
  // Jeans in waist sizes, in their own category, received but not sold yet.
  const jeans = await counter.api<{ skus: { id: string }[] }>('POST', '/api/products', {
    styleCode: 'JN01',
    name: '直筒牛仔裤',
    category: '男装/牛仔裤',
    price: 25900,
    colors: ['蓝'],
    sizes: ['29', '30', '31'],
  });
  await counter.api('POST', '/api/stock/receipts', {
    lines: jeans.skus.map((sku) => ({ skuId: sku.id, qty: 4 })),
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

const section = async (page: Page, name: string, heading: string) => {
  await page.getByRole('link', { name, exact: true }).click();
  await page.locator('main h2', { hasText: heading }).waitFor({ timeout: 30_000 });
};

describe("the owner's style form and today's sales on the dashboard", () => {
  it('shows 今日销售 net of returns, as the day report does, in both languages', async () => {
    const context = await adminContext(browser, store, session, VIEWPORT);
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await page.goto('/admin');
      const tile = page.locator('hg-admin-dashboard section[aria-labelledby="t-sales"]');
      await tile.locator('strong[data-takings="30000"]').waitFor({ timeout: 30_000 });
      expect(await tile.locator('#t-sales').innerText()).toBe('今日销售');
      expect(await tile.locator('strong').innerText()).toBe('¥300.00');
      expect(await tile.locator('[data-returned]').innerText()).toBe('已扣除退货 ¥300.00');
      // The reports' net for today is the same figure.
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(store.clock.now());
      const day = await counter.api<{ totals: { net: number } }>(
        'GET',
        `/api/reports/sales-by-day?from=${today}&to=${today}`,
      );
      expect(day.totals.net).toBe(30000);
      await shot(page, 'dashboard-net-sales');
      await page.locator('hg-admin-app hg-language-toggle button').click();
      await tile.locator('#t-sales', { hasText: "Today's sales" }).waitFor();
      expect(await tile.locator('[data-returned]').innerText()).toBe('Returns of ¥300.00 taken off');
      await shot(page, 'dashboard-net-sales-en');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('creates a style with cost, brand, season, year, supplier and low-stock threshold, and shows them again', async () => {
    const context = await adminContext(browser, store, session, VIEWPORT);
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await page.goto('/admin');
      await page.locator('hg-admin-dashboard h2').waitFor({ timeout: 30_000 });
      await section(page, '商品', '商品');
      const catalog = page.locator('hg-admin-catalog');
      await catalog.getByRole('button', { name: '新建款式' }).click();
      const form = catalog.locator('form[aria-label="新建款式"]');
      await form.getByLabel('款号').fill('FW26');
      await form.getByLabel('品名').fill('羊绒大衣');
      await form.getByLabel('品牌').fill('衣架');
      await form.getByLabel('供应商').fill('杭州织造');
      await form.getByLabel('季节').fill('冬');
      await form.getByLabel('年份').fill('2026');
      await form.getByLabel('售价（元）').fill('1299');
      await form.getByLabel('成本价（元）').fill('520.5');
      await form.getByLabel('低库存提醒（件）').fill('3');
      await form.getByLabel('颜色').fill('驼色');
      await form.getByLabel('尺码', { exact: true }).fill('S, M, L');
      await shot(page, 'style-form-new', true);
      await form.getByRole('button', { name: '创建款式' }).click();
      const edit = catalog.locator('form[aria-label="修改款式"]');
      await edit.waitFor({ timeout: 30_000 });
      expect(await edit.getByLabel('成本价（元）').inputValue()).toBe('520.50');
      expect(await edit.getByLabel('品牌').inputValue()).toBe('衣架');
      expect(await edit.getByLabel('供应商').inputValue()).toBe('杭州织造');
      expect(await edit.getByLabel('季节').inputValue()).toBe('冬');
      expect(await edit.getByLabel('年份').inputValue()).toBe('2026');
      expect(await edit.getByLabel('低库存提醒（件）').inputValue()).toBe('3');
      const found = await counter.api<{ items: { id: string; styleCode: string }[] }>(
        'GET',
        '/api/products?q=FW26',
      );
      const id = found.items.find((s) => s.styleCode === 'FW26')?.id ?? '';
      expect(await counter.api('GET', `/api/products/${id}`)).toMatchObject({
        cost: 52050,
        brand: '衣架',
        supplier: '杭州织造',
        season: '冬',
        year: 2026,
        lowStockThreshold: 3,
        price: 129900,
      });
      // Changed in the editor, kept.
      await edit.getByLabel('低库存提醒（件）').fill('5');
      await edit.getByLabel('季节').fill('秋冬');
      await edit.getByRole('button', { name: '保存' }).first().click();
      await expect
        .poll(async () => counter.api('GET', `/api/products/${id}`), { timeout: 30_000 })
        .toMatchObject({ lowStockThreshold: 5, season: '秋冬' });
      await shot(page, 'style-form-saved');
      await page.locator('hg-admin-app hg-language-toggle button').click();
      const english = catalog.locator('form[aria-label="Edit style"]');
      await english.getByLabel('Cost (yuan)').waitFor();
      expect(await english.getByLabel('Supplier').inputValue()).toBe('杭州织造');
      expect(await english.getByLabel('Low-stock alert (pieces)').inputValue()).toBe('5');
      await shot(page, 'style-form-saved-en');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('narrows the size curve on 报表 to one category (chart and table), in both languages', async () => {
    const context = await adminContext(browser, store, session, VIEWPORT);
    const page = await context.newPage();
    const problems = collectProblems(page);
    try {
      await page.goto('/admin');
      await page.locator('hg-admin-dashboard h2').waitFor({ timeout: 30_000 });
      await section(page, '报表', '报表');
      const reports = page.locator('hg-admin-reports');
      const card = reports.locator('[data-chart="size-curve"]');
      await card.locator('hg-chart').waitFor({ timeout: 30_000 });
      await reports.locator('[data-report] select').first().selectOption('size-curve');
      const sizes = reports.locator('[data-report="size-curve"] tbody tr');
      const sizesShown = async () => (await sizes.allInnerTexts()).map((row) => row.split('\t')[1]?.trim());
      await expect.poll(sizesShown, { timeout: 30_000 }).toEqual(['M', '29', '30', '31']);
      const picker = card.getByLabel('品类');
      expect(await picker.locator('option').first().innerText()).toBe('全部品类');
      await picker.selectOption({ label: '男装 › 牛仔裤' });
      await expect.poll(sizesShown, { timeout: 30_000 }).toEqual(['29', '30', '31']);
      await card.scrollIntoViewIfNeeded();
      await shot(page, 'reports-size-curve-category');
      await page.locator('hg-admin-app hg-language-toggle button').click();
      await card.getByLabel('Category').waitFor();
      expect(await card.getByLabel('Category').locator('option').first().innerText()).toBe('All categories');
      await shot(page, 'reports-size-curve-category-en');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
