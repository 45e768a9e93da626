import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken } from '../server/testing/client.js';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, SHOTS, signInToAdmin } from './testing/browser.js';

/**
 * The admin page's marketing screens against a real server and a fake SMS gateway: the owner
 * configures the SMS and e-mail channels (secrets never shown back), switches the birthday
 * trigger on with a coupon, checks now, watches the outbox (sent and failed with the error)
 * and sends a test to their own phone. Screenshots in zh-CN and English go to artifacts/screens/.
 */
const GATEWAY_TOKEN = 'sms-gateway-secret-77';

let store: TestStore;
let browser: Browser;
let gateway: Server;
let gatewayUrl = '';
const received: { to: string; text: string }[] = [];

beforeAll(async () => {
  readyForBrowserTests('admin');
  gateway = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const message = JSON.parse(body) as { to: string; text: string };
      // One number the gateway never takes, to show a failure with its reason.
      if (message.to === '13900000003' || req.headers.authorization !== `Bearer ${GATEWAY_TOKEN}`) {
        res.statusCode = 500;
        res.end();
        return;
      }
      received.push(message);
      res.end('{}');
    });
  });
  await new Promise<void>((done) => gateway.listen(0, '127.0.0.1', done));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms`;
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  const token = await ownerToken(store);
  const template = await call(store, 'POST', '/api/coupon-templates', {
    token,
    body: {
      name: '生日券 ¥50',
      kind: 'amount',
      value: 5000,
      minSpend: 0,
      validDays: 30,
      perMemberLimit: null,
    },
  });
  if (template.status !== 201) throw new Error(JSON.stringify(template.body));
  // One try per message here, so a refused one shows as failed at once.
  await call(store, 'PUT', '/api/marketing/settings', { token, body: { maxAttempts: 1 } });
  // The clock says 24 Nov, 18:00 in Shanghai: birthdays on 27 Nov are three days away.
  for (const [phone, name] of [
    ['13900000001', '王芳'],
    ['13900000002', '李娜'],
    ['13900000003', '赵敏'],
  ] as const) {
    const member = await call(store, 'POST', '/api/members', {
      token,
      body: { phone, name, birthday: '11-27', consentMarketing: { sms: true } },
    });
    if (member.status !== 201) throw new Error(JSON.stringify(member.body));
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
  await new Promise((done) => gateway?.close(done));
});

describe('admin marketing screens', () => {
  it('configures channels and the birthday trigger, shows the outbox and sends a test', async () => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      baseURL: store.url,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('status of 400'))
        problems.push(message.text());
    });
    try {
      await signInToAdmin(page);
      await page.getByRole('link', { name: '营销' }).click();
      const section = page.locator('hg-admin-campaigns');
      await section.locator('[data-card="channels"] h3', { hasText: '发送渠道' }).waitFor();

      // SMS gateway: the token is typed once and never shown again.
      const sms = section.locator('form[data-channel="sms"]');
      await sms.locator('input[name="url"]').fill(gatewayUrl);
      await sms.locator('input[name="token"]').fill(GATEWAY_TOKEN);
      await sms.getByRole('button', { name: '保存' }).click();
      await sms.locator('[data-configured="yes"]').waitFor();
      expect(await sms.locator('input[name="token"]').inputValue()).toBe('');
      expect(await sms.locator('input[name="token"]').getAttribute('placeholder')).toBe('已保存，留空不变');
      const email = section.locator('form[data-channel="email"]');
      await email.locator('input[name="host"]').fill('mail.example.com');
      await email.locator('input[name="username"]').fill('shop@example.com');
      await email.locator('input[name="password"]').fill('smtp-password-9');
      await email.locator('input[name="from"]').fill('shop@example.com');
      await email.getByRole('button', { name: '保存' }).click();
      await email.locator('[data-configured="yes"]').waitFor();
      expect(await email.locator('input[name="password"]').inputValue()).toBe('');
      const token = await ownerToken(store);
      const shown = JSON.stringify((await call(store, 'GET', '/api/marketing/channels', { token })).body);
      expect(shown).not.toContain(GATEWAY_TOKEN);
      expect(shown).not.toContain('smtp-password-9');

      // The birthday trigger, three days ahead with a coupon; a bad placeholder is refused by name.
      const birthday = section.locator('form[data-trigger="birthday"]');
      await birthday.locator('input[name="enabled"]').check();
      await birthday.locator('input[name="days"]').fill('7');
      await birthday.locator('select[name="couponTemplateId"]').selectOption({ label: '生日券 ¥50' });
      await birthday.locator('textarea[name="template"]').fill('{{nmae}} 生日快乐');
      await birthday.getByRole('button', { name: '保存' }).click();
      await section.locator('hg-error', { hasText: '{{nmae}}' }).waitFor();
      await birthday.locator('textarea[name="template"]').fill('{{name}} 生日快乐！生日券 {{couponCode}}');
      await birthday.getByRole('button', { name: '保存' }).click();
      await birthday.locator('.state.on').waitFor();
      await section.getByRole('button', { name: '立即检查' }).click();
      await section.locator('[data-ran]', { hasText: '排队 3' }).waitFor();

      // The server delivers on its own: two sent, one refused by the gateway.
      await expect.poll(() => received.length).toBe(2);
      expect(received.map((m) => m.text.replace(/[A-Z0-9]{12}$/, 'CODE')).sort()).toEqual([
        '李娜 生日快乐！生日券 CODE',
        '王芳 生日快乐！生日券 CODE',
      ]);
      await section.getByRole('button', { name: '刷新' }).click();
      await section.locator('button[data-status="failed"]').click();
      await section
        .locator('table[data-outbox="failed"] td.error', { hasText: 'gateway answered 500' })
        .waitFor();
      await section.locator('button[data-status="sent"]').click();
      await section.locator('table[data-outbox="sent"] tbody tr').nth(1).waitFor();

      // A test send to the owner's own phone.
      const test = section.locator('[data-card="test-send"] form');
      await test.locator('input[name="to"]').fill('13800000000');
      await test.getByRole('button', { name: '发送测试' }).click();
      await test.locator('[data-test-result]', { hasText: '已发送' }).waitFor();
      expect(received).toContainEqual({ to: '13800000000', text: '店主，您有 100 积分' });

      await section.locator('[data-card="channels"]').scrollIntoViewIfNeeded();
      await page.waitForTimeout(100);
      await section.screenshot({ path: join(SHOTS, 'admin-campaigns.png') });
      await page.locator('hg-admin-app hg-language-toggle button').click();
      await section.locator('[data-card="triggers"] h3', { hasText: 'Automatic campaigns' }).waitFor();
      await page.waitForTimeout(100);
      await section.screenshot({ path: join(SHOTS, 'admin-campaigns-en.png') });
      expect(problems).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: join(SHOTS, 'admin-campaigns-failed.png'), fullPage: true });
      throw error;
    } finally {
      await context.close();
    }
  }, 180_000);
});
