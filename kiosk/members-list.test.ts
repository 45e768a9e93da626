import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
  signInToAdmin,
} from './testing/browser.js';

/**
 * The admin's member list (issue 21) at 1280×800 in both languages: 60 members to page
 * through, a filter, a sort, a bulk tag on the whole filter result and the filtered export.
 * Member i has the number 100000 + i.
 */

let store: TestStore;
let browser: Browser;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨'];

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  const token = await ownerToken(store);
  const product = await call(store, 'POST', '/api/products', {
    token,
    body: {
      styleCode: 'ML-1',
      name: '纯色衬衫',
      category: '男装/衬衫',
      price: 10000,
      colors: ['白'],
      sizes: ['M'],
    },
  });
  if (product.status !== 201) throw new Error(JSON.stringify(product.body));
  const skuId = product.body.skus[0].id as string;
  await call(store, 'POST', '/api/stock/receipts', { token, body: { lines: [{ skuId, qty: 100 }] } });
  for (let i = 1; i <= 60; i += 1) {
    const member = await call(store, 'POST', '/api/members', {
      token,
      body: {
        phone: `139${String(i).padStart(8, '0')}`,
        name: `${SURNAMES[i % SURNAMES.length]}${i}号`,
        birthday: `1990-${String((i % 12) + 1).padStart(2, '0')}-10`,
        ...(i % 10 === 0 && { tags: ['VIP'] }),
      },
    });
    if (member.status !== 201) throw new Error(JSON.stringify(member.body));
    // Every fifth member bought shirts: i/5 of them, so spend sorts them apart.
    if (i % 5 === 0) {
      const sale = await call(store, 'POST', '/api/sales', {
        token,
        body: {
          id: randomUUID(),
          memberId: member.body.id,
          lines: [{ skuId, qty: i / 5 }],
          payments: [{ method: 'cash', amount: (i / 5) * 10000 }],
        },
      });
      if (sale.status !== 201) throw new Error(JSON.stringify(sale.body));
    }
  }
  // Two tills, one of them revoked: the devices page puts it away.
  await pairDevice(store, token, 'checkout');
  const old = await pairDevice(store, token, 'checkout');
  const revoked = await call(store, 'POST', `/api/devices/${old.id}/revoke`, { token, body: {} });
  if (revoked.status !== 200) throw new Error(JSON.stringify(revoked.body));
  browser = await launchChromium();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

describe('admin member list', () => {
  it('pages, filters, sorts, tags the filter result and exports it, in Chinese and English', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      baseURL: store.url,
      acceptDownloads: true,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const problems = collectProblems(page);
    try {
      await signInToAdmin(page);
      await page.getByRole('link', { name: '会员' }).first().click();
      const list = page.locator('hg-member-list');
      // An empty search lists everyone, newest first, 50 to a page.
      await list.locator('[data-total="60"]').waitFor();
      expect(await list.locator('tbody tr').count()).toBe(50);
      expect(await list.locator('tbody tr').first().getAttribute('data-member')).toBe('100060');
      await shot(page, 'admin-members-list');
      await list.getByRole('button', { name: '下一页' }).click();
      await list.locator('tbody tr[data-member="100010"]').waitFor();
      expect(await list.locator('tbody tr').count()).toBe(10);
      await list.getByRole('button', { name: '上一页' }).click();
      await list.locator('tbody tr[data-member="100060"]').waitFor();

      // Spend of ¥500 or more, highest first: members 60, 55 … 25 (¥1,200 down to ¥500).
      const filters = list.locator('form.filters');
      await filters.locator('input[name="spendMin"]').fill('500');
      await filters.locator('select[name="sort"]').selectOption('spend');
      await filters.getByRole('button', { name: '筛选' }).click();
      await list.locator('[data-total="8"]').waitFor();
      expect(await list.locator('tbody tr').first().getAttribute('data-member')).toBe('100060');
      expect(await list.locator('tbody tr').last().getAttribute('data-member')).toBe('100025');

      const bulk = list.locator('form.bulk');
      await bulk.locator('input[name="bulkTag"]').fill('常客');
      await bulk.locator('select[name="scope"]').selectOption('all');
      await bulk.getByRole('button', { name: '加上标签' }).click();
      await list.locator('.done', { hasText: '8 位会员' }).waitFor();
      await list.locator('tbody tr[data-member="100025"] .badge', { hasText: '常客' }).waitFor();

      const download = page.waitForEvent('download');
      await filters.getByRole('button', { name: '导出 CSV' }).click();
      const text = readFileSync((await (await download).path()) as string, 'utf8');
      const lines = text.trim().split(/\r?\n/);
      expect(lines).toHaveLength(9);
      expect(text).toContain('常客');
      await shot(page, 'admin-members-filtered');

      // Opening a member from the list shows the profile below it.
      await list.locator('tbody tr[data-member="100060"] button.link').click();
      await page.locator('hg-admin-members [aria-label="会员资料"] h3', { hasText: '王60号' }).waitFor();

      await page.getByRole('link', { name: '设备' }).first().click();
      const devices = page.locator('hg-admin-devices');
      await devices.locator('details.revoked summary', { hasText: '已停用（1）' }).waitFor();
      expect(await devices.locator('section.card > table tbody tr').count()).toBe(1);
      await shot(page, 'admin-devices-revoked-folded');
      await page.getByRole('link', { name: '会员' }).first().click();
      await list.locator('[data-total="60"]').waitFor();
      await filters.locator('input[name="spendMin"]').fill('500');
      await filters.getByRole('button', { name: '筛选' }).click();
      await list.locator('[data-total="8"]').waitFor();

      await page.locator('hg-admin-app hg-language-toggle button').click();
      await list.getByRole('button', { name: 'Filter', exact: true }).waitFor();
      await list.locator('.pager', { hasText: '8 members' }).waitFor();
      await page.locator('hg-admin-members h2').scrollIntoViewIfNeeded();
      await shot(page, 'admin-members-list-en');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
