import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, SHOTS, signInToAdmin } from './testing/browser.js';

/**
 * The admin page's Reports section against a real server with a few real sales: the range,
 * the charts, the member figures and a table downloaded as CSV. Screenshots in zh-CN and
 * English go to artifacts/screens/.
 */

let store: TestStore;
let browser: Browser;

async function seed(): Promise<void> {
  let token = await ownerToken(store);
  const skus: string[] = [];
  for (const [code, name, price, cost, category] of [
    ['RP-1', '法式连衣裙', 30000, 12000, '女装/连衣裙'],
    ['RP-2', '纯色衬衫', 10000, 4000, '男装/衬衫'],
    ['RP-3', '直筒牛仔裤', 20000, 8000, '男装/裤装'],
  ] as const) {
    const product = await call(store, 'POST', '/api/products', {
      token,
      body: { styleCode: code, name, category, price, cost, colors: ['黑', '白'], sizes: ['S', 'M', 'L'] },
    });
    if (product.status !== 201) throw new Error(JSON.stringify(product.body));
    for (const sku of product.body.skus as { id: string }[]) skus.push(sku.id);
  }
  await call(store, 'POST', '/api/stock/receipts', {
    token,
    body: { lines: skus.map((skuId) => ({ skuId, qty: 8 })) },
  });
  const member = await call(store, 'POST', '/api/members', {
    token,
    body: { phone: '13900000001', name: '王芳' },
  });
  const methods = ['cash', 'wechat', 'alipay', 'card'] as const;
  // Twelve sales over three days and several hours: every chart has something to draw.
  for (let i = 0; i < 12; i += 1) {
    if (i % 4 === 0 && i > 0) {
      store.clock.advance(20 * 3_600_000);
      token = await ownerToken(store);
    } else store.clock.advance(45 * 60_000);
    const lines = [{ skuId: skus[(i * 5) % skus.length], qty: 1 + (i % 2) }];
    const quote = await call(store, 'POST', '/api/sales/quote', { token, body: { lines } });
    const total = quote.body.total as number;
    const sale = await call(store, 'POST', '/api/sales', {
      token,
      body: {
        id: randomUUID(),
        ...(i % 3 === 0 && { memberId: member.body.id }),
        lines,
        payments: [{ method: methods[i % methods.length], amount: total }],
      },
    });
    if (sale.status !== 201) throw new Error(JSON.stringify(sale.body));
  }
}

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  await seed();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

async function showRange(page: Page): Promise<void> {
  const form = page.locator('hg-admin-reports form.range');
  await form.locator('input[name="from"]').fill('2026-11-20');
  await form.locator('input[name="to"]').fill('2026-11-28');
  await form.locator('button[type="submit"]').click();
}

describe('admin Reports section', () => {
  it('shows charts, member figures and tables for a range, and downloads a table as CSV', async () => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      baseURL: store.url,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    try {
      await signInToAdmin(page);
      await page.getByRole('link', { name: '报表' }).click();
      await page.locator('hg-admin-reports h2', { hasText: '报表' }).waitFor();
      await showRange(page);
      await page.locator('hg-admin-reports [data-chart="by-day"] hg-chart').waitFor();
      await page.locator('hg-admin-reports [data-tile="sales"] strong', { hasText: '12' }).waitFor();
      const charts = await page.locator('hg-admin-reports hg-chart').count();
      expect(charts).toBe(6);
      // A shop on its own sees none of a chain's screens: no store picker, stores table or day report per store.
      expect(await page.locator('hg-admin-reports select[name="store"]').count()).toBe(0);
      expect(await page.locator('hg-admin-reports [data-report="sales-by-store"]').count()).toBe(0);
      expect(await page.locator('hg-admin-reports hg-admin-day-report').count()).toBe(0);
      // Every chart drew something: its canvas is not blank.
      const drawn = await page.evaluate(() => {
        const section = document.querySelector('hg-admin-app')?.shadowRoot?.querySelector('hg-admin-reports');
        const all = [...(section?.shadowRoot?.querySelectorAll('hg-chart') ?? [])];
        return all.map((chart) => {
          const canvas = chart.shadowRoot?.querySelector('canvas');
          const data = canvas?.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? [];
          let ink = 0;
          for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) ink += 1;
          return ink;
        });
      });
      expect(drawn.every((ink) => ink > 500)).toBe(true);
      const rows = page.locator('hg-admin-reports [data-report="sales-by-day"] tbody tr');
      expect(await rows.count()).toBe(9);
      await page.waitForTimeout(100);
      await page.screenshot({ path: join(SHOTS, 'admin-reports.png'), fullPage: true });

      await page.locator('hg-admin-reports .table-head select').selectOption('size-curve');
      await page.locator('hg-admin-reports [data-report="size-curve"] tbody tr').first().waitFor();
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: '下载 CSV' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('hanger-size-curve-2026-11-20-2026-11-28.csv');
      const text = readFileSync((await file.path()) as string, 'utf8');
      expect(text).toContain('Size,Received,Sold qty');

      await page.locator('hg-admin-reports .table-head select').selectOption('rfm-segments');
      await page.locator('hg-admin-reports [data-report="rfm-segments"] tbody tr').first().waitFor();
      // The segment builder (on 营销) counts live; a segment is saved and listed with its count.
      await page.getByRole('link', { name: '营销' }).click();
      const builder = page.locator('hg-admin-segments');
      await builder.locator('[data-segment-count="1"]').waitFor();
      await builder.locator('input[value="at_risk"]').check();
      await builder.locator('[data-segment-count="0"]').waitFor();
      await builder.locator('input[value="at_risk"]').uncheck();
      await builder.locator('input[value="loyal"]').check();
      await builder.locator('[data-segment-count="1"]').waitFor();
      await builder.locator('input[name="name"]').fill('忠诚会员');
      await builder.getByRole('button', { name: '保存分群' }).click();
      await builder.locator('tr[data-segment="忠诚会员"]').waitFor();
      await page.getByRole('link', { name: '报表' }).click();
      await page.locator('hg-admin-reports [data-chart="by-day"] hg-chart').waitFor();
      await page.locator('hg-admin-app hg-language-toggle button').click();
      await page.locator('hg-admin-reports h2', { hasText: 'Reports' }).waitFor();
      await page.waitForTimeout(100);
      await page.screenshot({ path: join(SHOTS, 'admin-reports-en.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
