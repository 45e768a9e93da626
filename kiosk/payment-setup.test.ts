import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PaymentSimulator } from '../server/domain/payments/simulator/server.js';
import { call } from '../server/testing/client.js';
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
 * 收款设置 as the owner meets it: paste the merchant's WeChat Pay keys, save, test the connection
 * against a provider that checks signatures (the simulator at WeChat Pay's wire format), go live.
 */

const ADMIN = { width: 1280, height: 800 };
let store: TestStore;
let browser: Browser;
let provider: PaymentSimulator;
let providerDir: string;
let admin: unknown;

beforeAll(async () => {
  readyForBrowserTests('admin');
  providerDir = mkdtempSync(join(tmpdir(), 'hanger-provider-'));
  provider = new PaymentSimulator(providerDir);
  await provider.start();
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  admin = await ownerAdminSession(store);
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
  await provider?.stop();
  rmSync(providerDir, { recursive: true, force: true });
});

async function speakEnglish(page: Page): Promise<void> {
  await page.locator('hg-language-toggle button').first().click();
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toMatch(/^en/);
}

it('the owner enters WeChat Pay keys, tests the connection and goes live', async () => {
  const context = await adminContext(browser, store, admin, ADMIN);
  const page = await context.newPage();
  const problems = collectProblems(page);
  try {
    await page.goto('/admin#/payments');
    const section = page.locator('hg-admin-payments');
    const wechat = section.locator('[data-provider="wechat"]');
    await wechat.getByText('尚未保存密钥').waitFor();
    await wechat.getByRole('button', { name: '填写密钥' }).click();
    const w = provider.keys.wechat;
    await wechat.getByLabel('商户号').fill(w.mchid);
    await wechat.getByLabel('AppID（公众号或小程序）').fill(w.appid);
    await wechat.getByLabel('商户 API 证书序列号').fill(w.merchantSerial);
    await wechat.getByLabel('商户私钥').fill(w.merchant.privateKey);
    await wechat.getByLabel('微信支付公钥 ID 或平台证书序列号').fill(w.platformSerial);
    await wechat.getByLabel('微信支付公钥或平台证书').fill(w.platform.publicKey);
    await wechat.getByLabel('接口地址').fill(`${provider.url}/`);
    await shot(page, 'admin-payments-keys-form', true);
    await wechat.getByRole('button', { name: '保存' }).click();
    await wechat.getByText(w.mchid).waitFor();
    // Saved keys are never shown again, not even to the owner.
    expect(await section.evaluate((el) => el.shadowRoot?.textContent ?? '')).not.toContain('PRIVATE KEY');

    await wechat.getByRole('button', { name: '测试连接' }).click();
    await wechat.getByText(/连接正常（\d+ 毫秒）/).waitFor();

    const mode = section.locator('[data-mode]');
    await mode.getByLabel(/正式收款/).check();
    await mode.getByRole('button', { name: '保存' }).click();
    await section.getByText('已保存').waitFor();
    const setup = await call(store, 'GET', '/api/payments/setup', {
      token: (admin as { token: string }).token,
    });
    expect(setup.body).toMatchObject({ mode: 'live', wechat: { mchid: w.mchid } });
    await shot(page, 'admin-payments-live', true);

    await speakEnglish(page);
    await wechat.getByRole('button', { name: 'Test connection' }).click();
    await wechat.getByText(/Connected \(\d+ ms\)/).waitFor();
    await shot(page, 'admin-payments-live-en', true);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

it('a merchant with WeChat Pay v2 keys only, and a shop signed with 收钱吧, enter and test theirs', async () => {
  const context = await adminContext(browser, store, admin, ADMIN);
  const page = await context.newPage();
  const problems = collectProblems(page);
  try {
    await page.goto('/admin#/payments');
    const section = page.locator('hg-admin-payments');
    const v2 = section.locator('[data-provider="wechatV2"]');
    await v2.getByRole('button', { name: '填写密钥' }).click();
    const w = provider.keys.wechat;
    await v2.getByLabel('商户号').fill(w.mchid);
    await v2.getByLabel('AppID').fill(w.appid);
    await v2.getByLabel('API 密钥').fill(provider.keys.wechatV2.apiKey);
    await v2.getByLabel('签名方式').selectOption('MD5');
    await v2.getByLabel('商户 API 证书').fill(provider.keys.wechatV2.cert);
    await v2.getByLabel('商户私钥').fill(w.merchant.privateKey);
    await v2.getByLabel('接口地址').fill(`${provider.url}/`);
    await shot(page, 'admin-payments-v2-form', true);
    await v2.getByRole('button', { name: '保存' }).click();
    await v2.getByText('MD5').waitFor();
    expect(await section.evaluate((el) => el.shadowRoot?.textContent ?? '')).not.toContain(
      provider.keys.wechatV2.apiKey,
    );
    await v2.getByRole('button', { name: '测试连接' }).click();
    await v2.getByText(/连接正常（\d+ 毫秒）/).waitFor();

    // 收钱吧 with a terminal key it does not know: the test says which key to check.
    const upay = section.locator('[data-provider="upay"]');
    await upay.getByText('微信和支付宝付款码都经收钱吧收款').waitFor();
    await upay.getByRole('button', { name: '填写密钥' }).click();
    await upay.getByLabel('终端号').fill(provider.keys.upay.terminalSn);
    await upay.getByLabel('终端密钥').fill('0'.repeat(32));
    await upay.getByLabel('接口地址').fill(`${provider.url}/`);
    await upay.getByRole('button', { name: '保存' }).click();
    await upay.getByText(provider.keys.upay.terminalSn).waitFor();
    await upay.getByRole('button', { name: '测试连接' }).click();
    await upay.getByText('收钱吧拒绝了签名：请检查终端号和终端密钥').waitFor();
    await shot(page, 'admin-payments-upay-refused', true);

    await upay.getByRole('button', { name: '更换密钥' }).click();
    await upay.getByLabel('终端号').fill(provider.keys.upay.terminalSn);
    await upay.getByLabel('终端密钥').fill(provider.keys.upay.terminalKey);
    await upay.getByLabel('接口地址').fill(`${provider.url}/`);
    await upay.getByRole('button', { name: '保存' }).click();
    await upay.getByRole('button', { name: '测试连接' }).click();
    await upay.getByText(/连接正常（\d+ 毫秒）/).waitFor();
    const setup = await call(store, 'GET', '/api/payments/setup', {
      token: (admin as { token: string }).token,
    });
    expect(setup.body).toMatchObject({
      wechatV2: { mchid: w.mchid, signType: 'MD5' },
      upay: { terminalSn: provider.keys.upay.terminalSn },
    });
    await speakEnglish(page);
    await upay.getByText('Shouqianba (收钱吧)').waitFor();
    await shot(page, 'admin-payments-contracts-en', true);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});

it('the owner activates this server as a 收钱吧 terminal with a 激活码', async () => {
  const context = await adminContext(browser, store, admin, ADMIN);
  const page = await context.newPage();
  const problems = collectProblems(page);
  try {
    await page.goto('/admin#/payments');
    const upay = page.locator('hg-admin-payments').locator('[data-provider="upay"]');
    await upay.getByRole('button', { name: '激活终端' }).click();
    const reply = await fetch(`${provider.url}/__simulator/upay/activation-code`, { method: 'POST' });
    const { code } = (await reply.json()) as { code: string };
    const u = provider.keys.upay;
    await upay.getByLabel('服务商序列号').fill(u.vendorSn);
    await upay.getByLabel('服务商密钥').fill(u.vendorKey);
    await upay.getByLabel('AppID').fill(u.appId);
    await upay.getByLabel('激活码', { exact: true }).fill(code);
    await upay.getByLabel('接口地址').fill(`${provider.url}/`);
    await shot(page, 'admin-payments-upay-activate-form', true);
    await upay.locator('form[data-activate]').getByRole('button', { name: '激活终端' }).click();
    await upay.getByText('用激活码激活').waitFor();
    const setup = await call(store, 'GET', '/api/payments/setup', {
      token: (admin as { token: string }).token,
    });
    const terminalSn = setup.body.upay.terminalSn as string;
    expect(terminalSn).not.toBe(u.terminalSn);
    await upay.getByText(terminalSn).waitFor();
    await upay.getByText(setup.body.upay.checkedInOn).waitFor();
    const shown = await upay.evaluate((el) => el.textContent ?? '');
    expect(shown).not.toContain(provider.terminals.keyOf(terminalSn));
    expect(shown).not.toContain(u.vendorKey);
    await upay.getByRole('button', { name: '测试连接' }).click();
    await upay.getByText(/连接正常（\d+ 毫秒）/).waitFor();
    await shot(page, 'admin-payments-upay-activated', true);

    // The code is spent: activating with it again says the code was refused.
    await upay.getByRole('button', { name: '激活终端' }).click();
    await upay.getByLabel('服务商序列号').fill(u.vendorSn);
    await upay.getByLabel('服务商密钥').fill(u.vendorKey);
    await upay.getByLabel('AppID').fill(u.appId);
    await upay.getByLabel('激活码', { exact: true }).fill(code);
    await upay.getByLabel('接口地址').fill(`${provider.url}/`);
    await upay.locator('form[data-activate]').getByRole('button', { name: '激活终端' }).click();
    await page
      .locator('hg-admin-payments hg-error')
      .getByText('激活码不对或已经用过：请在收钱吧商户后台重新生成激活码')
      .waitFor();
    await shot(page, 'admin-payments-upay-code-spent', true);

    await speakEnglish(page);
    await upay.getByText('Activated with a code').waitFor();
    await shot(page, 'admin-payments-upay-activated-en', true);
    // The one 422 is the spent code's, which the page said in words.
    expect(problems.filter((problem) => !/422/.test(problem))).toEqual([]);
    expect(problems.filter((problem) => /^HTTP 422/.test(problem))).toHaveLength(1);
  } finally {
    await context.close();
  }
});
