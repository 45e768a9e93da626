import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
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

/**
 * The admin page's status lines after a language switch at 1280×800: "已保存" and a line saying
 * what was typed wrong are said again in the language switched to, not left in the one they
 * were written in.
 */

const ADMIN = { width: 1280, height: 800 };
let store: TestStore;
let browser: Browser;
let admin: unknown;

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  admin = await ownerAdminSession(store);
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

it('says 已保存 and a typing mistake again in English after a switch to English, and back', async () => {
  const context = await adminContext(browser, store, admin, ADMIN);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = collectProblems(page);
  try {
    await page.goto('/admin');
    await page.locator('hg-admin-dashboard h2').waitFor();
    await page.getByRole('link', { name: '会员规则', exact: true }).click();
    const loyalty = page.locator('hg-admin-loyalty');
    const toggle = page.locator('hg-admin-app hg-language-toggle button');
    const status = loyalty.locator('p.done[role="status"]');

    await loyalty.locator('form[aria-label="积分获取"]').getByRole('button', { name: '保存' }).click();
    await status.filter({ hasText: '已保存' }).waitFor();
    await toggle.click();
    await loyalty.locator('h2', { hasText: 'Loyalty rules' }).waitFor();
    expect(await status.innerText()).toBe('Saved');
    await shot(page, 'admin-saved-after-switch-en');

    // A mistake the screen found itself, written in English, is said in Chinese after switching back.
    await loyalty.getByRole('button', { name: /^Edit/ }).first().click();
    await loyalty.getByLabel('12-month spend (yuan)').fill('abc');
    await loyalty.locator('form[aria-label^="Edit"]').getByRole('button', { name: 'Save' }).click();
    const alert = loyalty.locator('hg-error [role="alert"]');
    await alert.filter({ hasText: 'Not an amount (e.g. 299 or 299.50)' }).waitFor();
    await toggle.click();
    await loyalty.locator('h2', { hasText: '会员规则' }).waitFor();
    expect(await alert.innerText()).toBe('金额格式不正确（如 299 或 299.50）');
    await shot(page, 'admin-mistake-after-switch-zh');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 120_000);
