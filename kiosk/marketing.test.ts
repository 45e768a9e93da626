import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSmsEndpoints } from '../server/domain/marketing/sms-provider.js';
import { call, ownerToken } from '../server/testing/client.js';
import { FakeAliyunSms } from '../server/testing/fake-aliyun-sms.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, SHOTS, signInToAdmin } from './testing/browser.js';

/**
 * 群发 on the admin page's own 营销 section at 1280×800, against a real server whose Alibaba
 * Cloud SMS SDK talks to a local fake that checks its signatures: the owner enters the keys
 * and the price of one SMS, picks a segment, writes the message with {{name}}, sees who gets
 * it, who is left out, the SMS count and cost, and sends; the worker delivers through the SDK.
 * Screenshots in zh-CN and English go to artifacts/screens/.
 */
const SECRET = 'ali-secret-browser-1';
const aliyun = new FakeAliyunSms({ id: 'LTAI5tBrowserKey01', secret: SECRET, signName: '衣架服装' });
let store: TestStore;
let browser: Browser;

beforeAll(async () => {
  readyForBrowserTests('admin');
  await aliyun.start();
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  useSmsEndpoints(store.ctx, {
    protocol: 'http',
    aliyun: aliyun.endpoint,
    tencent: 'sms.tencentcloudapi.com',
  });
  const token = await ownerToken(store);
  for (const [phone, name, sms] of [
    ['13900000001', '王芳', true],
    ['13900000002', '李娜', true],
    ['13900000003', '赵敏', true],
    ['13900000004', '孙丽', false],
  ] as const) {
    const member = await call(store, 'POST', '/api/members', {
      token,
      body: { phone, name, tags: ['春季'], consentMarketing: { sms } },
    });
    if (member.status !== 201) throw new Error(JSON.stringify(member.body));
  }
  const segment = await call(store, 'POST', '/api/segments', {
    token,
    body: { name: '春季会员', definition: { tags: ['春季'] } },
  });
  if (segment.status !== 201) throw new Error(JSON.stringify(segment.body));
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  useSmsEndpoints(store.ctx, null);
  await store?.close();
  await aliyun.stop();
});

describe('群发 on the admin page', () => {
  it('configures Alibaba Cloud SMS, previews who, how many, the SMS count and cost, and sends', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      baseURL: store.url,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    try {
      await signInToAdmin(page);
      await page.getByRole('link', { name: '营销' }).click();
      const section = page.locator('hg-admin-campaigns');

      // The keys: typed once, the secret never shown again, the key id only masked.
      const sms = section.locator('form[data-channel="sms"]');
      await sms.locator('select[name="kind"]').selectOption('aliyun');
      await sms.locator('input[name="keyId"]').fill('LTAI5tBrowserKey01');
      await sms.locator('input[name="secret"]').fill(SECRET);
      await sms.locator('input[name="signName"]').fill('衣架服装');
      await sms.locator('input[name="price"]').fill('0.05');
      await sms.getByRole('button', { name: '保存' }).click();
      await sms.locator('[data-configured="yes"]').waitFor();
      await sms.locator('[data-reply-path]').waitFor();
      expect(await sms.locator('input[name="secret"]').inputValue()).toBe('');
      const token = await ownerToken(store);
      const shown = JSON.stringify((await call(store, 'GET', '/api/marketing/channels', { token })).body);
      expect(shown).not.toContain(SECRET);
      expect(shown).not.toContain('LTAI5tBrowserKey01');

      // 群发: preview first.
      const card = section.locator('[data-card="broadcast"]');
      const fill = async () => {
        await card.locator('input[name="name"]').fill('春季上新');
        await card.locator('select[name="segmentId"]').selectOption({ label: '春季会员（4 人）' });
        await card.locator('textarea[name="template"]').fill('{{name}}您好，春季新品到店，凭短信享9折。');
        await card.locator('input[name="templateCode"]').fill('SMS_465000001');
      };
      await card
        .locator('select[name="segmentId"] option', { hasText: '春季会员' })
        .waitFor({ state: 'attached' });
      await fill();
      expect(await card.locator('button[data-send]').isDisabled()).toBe(true);
      await card.getByRole('button', { name: '预览' }).click();
      await card.locator('[data-recipients]', { hasText: '3' }).waitFor();
      await card.getByText('未同意接收 1 人').waitFor();
      await card.locator('[data-sms-count]', { hasText: '共 3 条短信' }).waitFor();
      await card.locator('[data-sms-cost]', { hasText: '每条 ¥0.05，合计 ¥0.15' }).waitFor();
      await card.getByText('【衣架服装】王芳您好，春季新品到店，凭短信享9折。回T退订').waitFor();
      await card.scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(SHOTS, 'admin-broadcast.png') });

      await card.locator('button[data-send]', { hasText: '发送给 3 人' }).click();
      await card.locator('[data-sent]', { hasText: '已排队 3 条' }).waitFor();
      // The server's worker sends them through the SDK; the fake checked every signature.
      await expect
        .poll(() => aliyun.calls.filter((c) => c.action === 'SendSms').length, { timeout: 30_000 })
        .toBe(3);
      expect(aliyun.refused).toEqual([]);
      expect(aliyun.calls.map((c) => c.params.TemplateParam).sort()).toEqual([
        '{"name":"李娜"}',
        '{"name":"王芳"}',
        '{"name":"赵敏"}',
      ]);

      // An automatic campaign through the provider names its approved template too.
      const triggers = section.locator('[data-card="triggers"]');
      const birthday = triggers.locator('form[data-trigger="birthday"]');
      await birthday.locator('input[name="templateCode"]').waitFor();
      await birthday.locator('input[name="enabled"]').check();
      await birthday.getByRole('button', { name: '保存' }).click();
      await triggers.getByText('请填写服务商已审核的短信模板编号').waitFor();
      await birthday.locator('input[name="templateCode"]').fill('SMS_465000009');
      await birthday.getByRole('button', { name: '保存' }).click();
      await expect
        .poll(async () => {
          const list = await call(store, 'GET', '/api/marketing/triggers', { token });
          return list.body.items.find((t: { kind: string }) => t.kind === 'birthday');
        })
        .toMatchObject({ enabled: true, templateCode: 'SMS_465000009' });
      await birthday.scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(SHOTS, 'admin-trigger-template-code.png') });

      await page.locator('hg-admin-app hg-language-toggle button').click();
      await card.locator('h3', { hasText: 'Broadcast' }).waitFor();
      await card
        .locator('select[name="segmentId"] option', { hasText: '春季会员' })
        .waitFor({ state: 'attached' });
      await card.locator('input[name="name"]').fill('Spring');
      await card.locator('select[name="segmentId"]').selectOption({ label: '春季会员 (4 members)' });
      await card
        .locator('textarea[name="template"]')
        .fill('{{name}}您好，周末到店双倍积分，春季新品同步上架，欢迎试穿。');
      await card.locator('input[name="templateCode"]').fill('SMS_465000002');
      await card.getByRole('button', { name: 'Preview' }).click();
      await card.getByText('without consent').waitFor();
      await card.locator('[data-sms-cost]', { hasText: '¥0.05 each' }).waitFor();
      await card.scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(SHOTS, 'admin-broadcast-en.png') });
      expect(await birthday.getByLabel('Approved SMS template code').inputValue()).toBe('SMS_465000009');
      await birthday.scrollIntoViewIfNeeded();
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(SHOTS, 'admin-trigger-template-code-en.png') });
      expect(problems).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(SHOTS, 'admin-broadcast-failed.png'), fullPage: true });
      throw error;
    } finally {
      await context.close();
    }
  }, 240_000);
});
