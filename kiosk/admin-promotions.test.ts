import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { testEngine } from '../server/testing/test-database.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, shot, signInToAdmin } from './testing/browser.js';

/**
 * The admin page's promotions, backups and settings sections against a real server: a 满300减50
 * written in the editor, tried on a cart (its label on the priced lines), saved; a backup made
 * from the page. Screenshots of the three sections in zh-CN and English go to artifacts/screens/.
 */

let store: TestStore;
let browser: Browser;
let dressBarcode = '';

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  const token = await ownerToken(store);
  const product = await call(store, 'POST', '/api/products', {
    token,
    body: {
      styleCode: 'PR-1',
      name: '法式连衣裙',
      category: '女装/连衣裙',
      price: 30000,
      colors: ['黑'],
      sizes: ['S', 'M'],
    },
  });
  if (product.status !== 201) throw new Error(JSON.stringify(product.body));
  dressBarcode = product.body.skus[0].barcode as string;
  const member = await call(store, 'POST', '/api/members', {
    token,
    body: { phone: '13900000009', name: '李娜' },
  });
  if (member.status !== 201) throw new Error(JSON.stringify(member.body));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

/** Puts the dress in the try-on cart with the member and prices it. */
async function tryOnCart(page: Page, addLabel: string, tryLabel: string, searchLabel: string): Promise<void> {
  const editor = page.locator('hg-promotion-editor');
  await editor.locator('input[name="goods"]').fill(dressBarcode);
  await editor.getByRole('button', { name: addLabel, exact: true }).click();
  await editor.locator('tbody tr', { hasText: dressBarcode }).waitFor();
  await editor.locator('input[name="member"]').fill('13900000009');
  await editor.getByRole('button', { name: searchLabel, exact: true }).click();
  await editor.getByText('李娜').waitFor();
  await editor.getByRole('button', { name: tryLabel, exact: true }).click();
}

describe('admin promotions, backups and settings', () => {
  it('writes a 满300减50, tries it on a cart, saves it, and makes a backup', async () => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      baseURL: store.url,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    try {
      await signInToAdmin(page);

      await page.getByRole('link', { name: '促销与优惠券' }).click();
      await page.locator('hg-admin-promotions h2', { hasText: '促销与优惠券' }).waitFor();
      await page.getByRole('button', { name: '新建促销' }).click();
      const editor = page.locator('hg-promotion-editor');
      await editor.locator('select[name="kind"]').selectOption('spend_save');
      await editor.locator('input[name="label"]').fill('满300减50');
      await editor.locator('textarea[name="steps"]').fill('300 50');
      await tryOnCart(page, '添加', '试算', '搜索');
      const after = editor.locator('[data-quote="after"]');
      await after.locator('.label.draft', { hasText: '满300减50' }).waitFor();
      expect(await after.locator('[data-total]').textContent()).toContain('250.00');
      expect(await editor.locator('[data-quote="before"] [data-total]').textContent()).toContain('300.00');
      await editor.getByText('这个促销为这单省 ¥50.00').waitFor();
      await shot(page, 'admin-promotions', true);

      await editor.getByRole('button', { name: '保存', exact: true }).click();
      await page.locator('hg-admin-promotions tbody tr', { hasText: '满300减50' }).waitFor();
      await page.locator('hg-admin-promotions .done', { hasText: '满300减50' }).waitFor();
      const saved = await call(store, 'GET', '/api/promotions', { token: await ownerToken(store) });
      expect(saved.body.items).toMatchObject([
        {
          kind: 'spend_save',
          label: '满300减50',
          active: true,
          promotion: { steps: [{ threshold: 30000, off: 5000 }] },
        },
      ]);

      await page.getByRole('button', { name: '优惠券', exact: true }).click();
      await page.locator('hg-admin-coupons h3', { hasText: '优惠券模板' }).waitFor();
      await shot(page, 'admin-coupons', true);

      await page.getByRole('link', { name: '备份' }).click();
      await page.locator('hg-admin-backups h2', { hasText: '备份' }).waitFor();
      if (testEngine === 'postgres') {
        // Chain mode: head office backs the database up; the page says so and offers nothing here.
        await page.locator('hg-admin-backups [data-postgres]', { hasText: '由总部备份' }).waitFor();
        expect(await page.getByRole('button', { name: '立即备份' }).count()).toBe(0);
      } else {
        await page.locator('hg-admin-backups').getByText('还没有备份').waitFor();
        await page.getByRole('button', { name: '立即备份' }).click();
        await page.locator('hg-admin-backups table[data-backups] tbody tr').first().waitFor();
        const made = page.locator('hg-admin-backups .done');
        await made.waitFor();
        const file = (await made.textContent())?.replace(/^.*：/, '').trim() ?? '';
        expect(file).toMatch(/^hanger-\d{8}T\d{9}Z\.db$/);
        expect(existsSync(join(store.dataDir, 'backups', file))).toBe(true);
      }
      await shot(page, 'admin-backups', true);

      await page.getByRole('link', { name: '设置', exact: true }).click();
      await page.locator('hg-admin-settings [data-store-name]').waitFor();
      // The settings page has a tab per part since the store, receipt and devices joined it.
      await page.locator('hg-admin-settings [data-tab="checkout"]').click();
      await page.locator('hg-admin-settings select[name="rounding"]').selectOption('jiao');
      await page.locator('hg-admin-settings form[aria-label="收银规则"] button[type="submit"]').click();
      await page.locator('hg-admin-settings .done').waitFor();
      const settings = await call(store, 'GET', '/api/sales/settings', { token: await ownerToken(store) });
      expect(settings.body.rounding).toBe('jiao');
      await shot(page, 'admin-settings', true);

      await page.locator('hg-admin-app hg-language-toggle button').click();
      await page.locator('hg-admin-settings h2', { hasText: 'Settings' }).waitFor();
      await shot(page, 'admin-settings-en', true);
      await page.getByRole('link', { name: 'Backups' }).click();
      await page
        .locator(
          testEngine === 'postgres'
            ? 'hg-admin-backups [data-postgres]'
            : 'hg-admin-backups table[data-backups] tbody tr',
        )
        .first()
        .waitFor();
      await shot(page, 'admin-backups-en', true);
      await page.getByRole('link', { name: 'Promotions', exact: true }).click();
      await page.locator('hg-admin-promotions tbody tr', { hasText: '满300减50' }).waitFor();
      await page.locator('hg-admin-promotions tbody tr').getByRole('button', { name: 'Edit' }).click();
      await tryOnCart(page, 'Add', 'Try it', 'Search');
      await editor.locator('[data-quote="after"] .label.draft', { hasText: '满300减50' }).waitFor();
      // Editing a saved promotion: "before" is the cart without it, so the saving still shows.
      await editor.getByText('This promotion saves this cart ¥50.00').waitFor();
      await shot(page, 'admin-promotions-en', true);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
