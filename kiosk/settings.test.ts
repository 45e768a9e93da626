import { createCanvas } from '@napi-rs/canvas';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Bridge } from '../bridge/bridge.js';
import { FakePrinter } from '../bridge/testing/fake-printer.js';
import { quietLog } from '../bridge/testing/fixtures.js';
import { call, ownerToken, pairDevice } from '../server/testing/client.js';
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
 * The 设置 page as an owner uses it at 1280×800: renames the store, sets the receipt's header
 * and logo, adds the receipt printer to a running bridge whose config.json lists nothing, test
 * prints on it (a fake printer on TCP), and reads the audit log — in Chinese, then in English.
 */

const ADMIN = { width: 1280, height: 800 };
let store: TestStore;
let browser: Browser;
let printer: FakePrinter;
let bridge: Bridge;
let owner: string;
let admin: unknown;

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  owner = await ownerToken(store);
  admin = await ownerAdminSession(store);
  const terminal = await pairDevice(store, owner, 'checkout');
  const bridgeToken = (await pairDevice(store, owner, 'bridge', terminal.id)).token;
  printer = new FakePrinter();
  await printer.start();
  bridge = new Bridge({
    devices: [],
    dataDir: store.dataDir,
    serverUrl: store.url,
    token: bridgeToken,
    log: quietLog,
    statusTimeoutMs: 2000,
    probeEveryMs: 60_000,
    retry: { firstMs: 200, maxMs: 1000 },
    backoff: { firstMs: 100, maxMs: 1000 },
  });
  await bridge.start();
  const deadline = Date.now() + 20_000;
  while (!bridge.connected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
});

afterAll(async () => {
  await bridge?.stop();
  await printer?.stop();
  await browser?.close();
  await store?.close();
});

function logoPng(): Buffer {
  const canvas = createCanvas(240, 80);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, 240, 80);
  g.fillStyle = '#000';
  g.font = 'bold 40px sans-serif';
  g.fillText('HANGER', 4, 62);
  return canvas.toBuffer('image/png');
}

it('sets the store, the receipt and the printer on one page, test prints through the bridge, and audits it in both languages', async () => {
  const context = await adminContext(browser, store, admin, ADMIN);
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  const problems = collectProblems(page);
  const settings = page.locator('hg-admin-settings');
  try {
    await page.goto('/admin#/settings');

    // 门店: the name, live on the next receipt.
    await settings.locator('input[name="name"]').fill('衣架 静安店');
    await settings.locator('form[aria-label="门店信息"] button[type="submit"]').click();
    await settings.locator('.done').waitFor();
    expect((await call(store, 'GET', '/api/store', { token: owner })).body.name).toBe('衣架 静安店');
    await shot(page, 'settings-store-zh');

    // 小票: a header line and a logo, shown as it will print.
    await settings.locator('[data-tab="receipt"]').click();
    await settings.locator('input[type="file"]').setInputFiles({
      name: 'logo.png',
      mimeType: 'image/png',
      buffer: logoPng(),
    });
    await settings.locator('img[data-logo]').waitFor();
    await settings.locator('textarea[name="header"]').fill('微信号 hanger-jingan');
    await settings.locator('form:has(textarea[name="header"]) button[type="submit"]').click();
    await settings.locator('.done').waitFor();
    await shot(page, 'settings-receipt-zh');

    // 硬件设备: the bridge is listed with config.json's nothing; add the printer, then test it.
    await settings.locator('[data-tab="hardware"]').click();
    const hardware = settings.locator('hg-bridge-hardware');
    await hardware.getByText('按 config.json').waitFor();
    await hardware.getByRole('button', { name: '添加设备' }).click();
    const form = hardware.locator('form[aria-label="设备设置"]');
    await form.locator('input[name="id"]').fill('receipt');
    await form.locator('input[name="host"]').fill('127.0.0.1');
    await form.locator('input[name="port"]').fill(String(printer.port));
    await form.locator('select[name="paperWidth"]').selectOption('58');
    // 仿真模式: by the model (a Star model ships in its own), or said here.
    expect(await form.locator('select[name="emulation"] option').allTextContents()).toEqual([
      '按型号',
      '通用 ESC/POS',
      'Star 行模式（Star Line）',
      'Star 原生（StarPRNT）',
    ]);
    await shot(page, 'settings-hardware-form-zh');
    await form.locator('button[type="submit"]').click();
    await hardware.locator('tr[data-device="receipt"]').waitFor();
    await hardware.getByText('按本页设置').waitFor();
    // The bridge rebuilds its devices on hearing of the change; a test too early says so and is tried again.
    const answer = hardware.locator('[data-answer]');
    for (let attempt = 0; attempt < 10; attempt++) {
      await hardware.getByRole('button', { name: '测试打印' }).click();
      await answer.filter({ hasNotText: '测试中' }).waitFor();
      if ((await answer.textContent())?.includes('测试成功')) break;
      await page.waitForTimeout(500);
    }
    await expect.poll(() => answer.textContent()).toContain('测试成功');
    const [paper] = await printer.waitForPrints(1);
    const printed = paper?.toString('latin1') ?? '';
    expect(printed).toContain('hanger-jingan');
    expect(paper?.includes(Buffer.from([0x1d, 0x76, 0x30, 0x00]))).toBe(true);
    await shot(page, 'settings-hardware-zh');

    // 操作日志: in the shop's words, filtered by kind.
    await page.goto('/admin#/audit');
    const audit = page.locator('hg-admin-audit');
    await audit.locator('select[name="kind"]').selectOption('store.identity_changed');
    await audit.getByRole('button', { name: '筛选' }).click();
    await audit.getByText(/^名称：.+ → 衣架 静安店$/).waitFor();
    await audit.locator('select[name="kind"]').selectOption('');
    await audit.getByRole('button', { name: '筛选' }).click();
    // In the table, not the kind list's options.
    await audit.locator('td', { hasText: '修改硬件设置' }).first().waitFor();
    await audit.locator('td', { hasText: '测试硬件' }).first().waitFor();
    await shot(page, 'settings-audit-zh');

    // English.
    await page.locator('hg-admin-app hg-language-toggle button').click();
    await audit.locator('td', { hasText: 'Store name or time zone changed' }).first().waitFor();
    await shot(page, 'settings-audit-en');
    await page.goto('/admin#/settings');
    await settings.locator('h2', { hasText: 'Settings' }).waitFor();
    await settings.locator('[data-tab="hardware"]').click();
    await settings.locator('hg-bridge-hardware').getByText('set on this page').waitFor();
    await shot(page, 'settings-hardware-en');
    await settings.locator('[data-tab="receipt"]').click();
    await settings.getByText('Receipt header (under the name, one line each)').waitFor();
    await shot(page, 'settings-receipt-en');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 240_000);
