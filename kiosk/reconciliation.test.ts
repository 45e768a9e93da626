import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { gatewaysOf } from '../server/domain/payments/gateways.js';
import type { Gateway } from '../server/domain/payments/provider.js';
import type { PaymentSimulator } from '../server/domain/payments/simulator/server.js';
import { codeOf, payDataDir, simulateContract } from '../server/domain/payments/test-payments.js';
import { call, ownerToken } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { dropDatabaseFor } from '../server/testing/test-database.js';
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
 * 对账 as the owner meets it the morning after: the page opens on yesterday, WeChat Pay's
 * statement has a payment the store never recorded (red, with what to do), Alipay's agrees.
 */

const ADMIN = { width: 1280, height: 800 };
let store: TestStore;
let browser: Browser;
const dataDir = payDataDir();

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST, dataDir });
  browser = await launchChromium();
  const owner = await ownerToken(store);
  const { simulator, byProvider } = await gatewaysOf(store.ctx);
  const sim = simulator as PaymentSimulator;
  // The provider's clock and the store's agree (the test clock starts 2026-11-24 18:00 Beijing).
  sim.records.advance(store.clock.now().getTime() - sim.records.now().getTime());
  for (const authCode of [codeOf('wechat', '1'), codeOf('alipay', '1')]) {
    const paid = await call(store, 'POST', '/api/payments', {
      token: owner,
      body: { id: randomUUID(), amount: 12800, authCode },
    });
    expect(paid.body.status).toBe('succeeded');
  }
  // Taken with the merchant's keys, never recorded here.
  await (byProvider.wechat as Gateway).pay({
    outTradeNo: 'HGLOST20261124A1B2C3',
    amount: 5900,
    authCode: codeOf('wechat', '1'),
    description: '服装',
  });
  // 11:00 Beijing the next day: the bills are made.
  store.clock.advance(17 * 3600_000);
  sim.records.advance(17 * 3600_000);
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabaseFor(dataDir);
});

async function speakEnglish(page: Page): Promise<void> {
  await page.locator('hg-language-toggle button').first().click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toMatch(/^en/);
}

it('the owner opens 对账 on yesterday and sees the payment the store never recorded', async () => {
  const context = await adminContext(browser, store, await ownerAdminSession(store), ADMIN);
  const page = await context.newPage();
  const problems = collectProblems(page);
  try {
    await page.goto('/admin#/reconciliation');
    const section = page.locator('hg-admin-reconciliation');
    const wechat = section.locator('[data-provider="wechat"]');
    await wechat.getByText('一致 1 笔，差异 1 笔').waitFor({ timeout: 30_000 });
    expect(await section.getByLabel('对账日期').inputValue()).toBe('2026-11-24');
    const line = wechat.locator('tr[data-kind="missing_in_shop"]');
    await expect.poll(() => line.textContent()).toContain('本店无记录');
    expect(await line.textContent()).toContain('HGLOST20261124A1B2C3');
    expect(await line.textContent()).toContain('59.00');
    expect(await line.textContent()).toContain('在商户平台退款给顾客');
    await section.locator('[data-provider="alipay"]').getByText('全部一致，共 1 笔').waitFor();
    await shot(page, 'admin-reconciliation', true);

    // Another day, one without mobile payments: both statements empty, nothing differs.
    await section.getByLabel('对账日期').fill('2026-11-23');
    await section.getByRole('button', { name: '查看对账' }).click();
    await section.locator('[data-provider="wechat"]').getByText('全部一致，共 0 笔').waitFor();

    await speakEnglish(page);
    await section.getByLabel('Day').fill('2026-11-24');
    await section.getByRole('button', { name: 'Reconcile' }).click();
    await wechat.getByText('1 agree, 1 differ').waitFor();
    expect(await wechat.locator('tr[data-kind="missing_in_shop"]').textContent()).toContain(
      'Not in this store',
    );
    await shot(page, 'admin-reconciliation-en', true);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a shop signed with 收钱吧 is told to download the statement from the 收钱吧 back office', async () => {
  const upayDir = payDataDir();
  simulateContract(upayDir, 'upay');
  const upayStore = await startTestStore({ kioskDir: KIOSK_DIST, dataDir: upayDir });
  // 11:00 Beijing the next day, before anyone signs in.
  upayStore.clock.advance(17 * 3600_000);
  const context = await adminContext(browser, upayStore, await ownerAdminSession(upayStore), ADMIN);
  const page = await context.newPage();
  const problems = collectProblems(page);
  try {
    await page.goto('/admin#/reconciliation');
    const section = page.locator('hg-admin-reconciliation');
    for (const provider of ['wechat', 'alipay']) {
      const card = section.locator(`[data-provider="${provider}"]`);
      await card.getByText('（经收钱吧收款）').waitFor({ timeout: 30_000 });
      await card.getByText('请登录收钱吧商户后台下载这一天的对账单核对').waitFor();
    }
    await shot(page, 'admin-reconciliation-upay', true);
    await speakEnglish(page);
    await section.getByRole('button', { name: 'Reconcile' }).click();
    await section
      .locator('[data-provider="alipay"]')
      .getByText(/Shouqianba merchant back office/)
      .waitFor();
    await shot(page, 'admin-reconciliation-upay-en', true);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
    await upayStore.close();
    rmSync(upayDir, { recursive: true, force: true });
    await dropDatabaseFor(upayDir);
  }
  // A second store to start on a shared, loaded machine.
}, 120_000);
