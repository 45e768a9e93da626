import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken } from '../server/testing/client.js';
import { OWNER_PASSWORD, startTestStore, type TestStore } from '../server/testing/harness.js';
import {
  collectProblems,
  KIOSK_DIST,
  launchChromium,
  readyForBrowserTests,
  shot,
} from './testing/browser.js';
import { scan } from './wedge-scanner.js';

/**
 * The admin page and the lookup kiosk end to end, against a real server with a fresh database:
 * the owner signs in, adds a cashier, pairs a kiosk by its code, creates a style, receives
 * stock and registers a member; the kiosk scans the tag and the member finds themselves.
 * Screenshots of every screen and admin section, in both languages, go to artifacts/screens/.
 */

const ADMIN = { width: 1440, height: 900 };
const KIOSK = { width: 1080, height: 1920 };
const SECTIONS = ['dashboard', 'staff', 'devices', 'catalog', 'inventory', 'members', 'loyalty', 'audit'];

let store: TestStore;
let browser: Browser;

beforeAll(async () => {
  readyForBrowserTests('admin');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

async function openPage(viewport: {
  width: number;
  height: number;
}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, baseURL: store.url });
  const page = await context.newPage();
  return { context, page, problems: collectProblems(page) };
}

async function switchLanguage(page: Page, app: string, expectHeading: string): Promise<void> {
  await page.locator(`${app} hg-language-toggle button`).click();
  await page.locator(`${app} hg-screen-frame h1`, { hasText: expectHeading }).waitFor();
}

describe('admin page and lookup kiosk', () => {
  it('pairs a kiosk, sets up a style and a member, and the kiosk shows both', async () => {
    const admin = await openPage(ADMIN);
    const kiosk = await openPage(KIOSK);
    try {
      const a = admin.page;
      const k = kiosk.page;

      // The owner signs in with the password.
      await a.goto('/admin');
      await a.locator('hg-admin-app h1', { hasText: '店主后台' }).waitFor();
      await shot(a, 'admin-signin');
      await a.getByLabel('用户名').fill('owner');
      await a.getByLabel('密码').fill('wrong-password');
      await a.getByRole('button', { name: '登录' }).click();
      await a.getByText('用户名或密码不正确').waitFor();
      admin.problems.length = 0; // the 401 of the wrong password was the point
      await a.getByLabel('密码').fill(OWNER_PASSWORD);
      await a.getByRole('button', { name: '登录' }).click();
      await a.locator('hg-admin-dashboard h2', { hasText: '概览' }).waitFor();
      await a.locator('hg-admin-app hg-connection-indicator[state="online"]').waitFor();

      // Adds a cashier.
      await a.getByRole('link', { name: '员工' }).click();
      await a.locator('hg-admin-staff tr[data-username="owner"]').waitFor();
      await a.getByRole('button', { name: '添加员工' }).click();
      const addForm = a.locator('hg-admin-staff form.grid');
      await addForm.getByLabel('姓名').fill('李娜');
      await addForm.getByLabel('用户名').fill('lina');
      await addForm.getByLabel('角色').selectOption('cashier');
      await addForm.getByLabel('密码', { exact: true }).fill('cashier-pass-1');
      await addForm.getByLabel('收银密码（可选）').fill('1357');
      await addForm.getByRole('button', { name: '保存' }).click();
      await a.locator('hg-admin-staff tr[data-username="lina"]', { hasText: '收银员' }).waitFor();

      // The kiosk shows a pairing code; the owner enters it.
      await k.goto('/lookup');
      const codeEl = k.locator('hg-pairing [data-code]');
      await codeEl.waitFor();
      const code = (await codeEl.getAttribute('data-code')) ?? '';
      expect(code).toMatch(/^\d{6}$/);
      await shot(k, 'lookup-pairing');
      await a.getByRole('link', { name: '设备' }).click();
      await a.getByLabel('配对码').fill(code);
      await a.getByLabel('设备名称（可选）').fill('试衣间旁查询机');
      await a.getByRole('button', { name: '配对', exact: true }).click();
      await a.getByRole('cell', { name: '试衣间旁查询机', exact: true }).waitFor();
      await k.locator('hg-lookup-app .scan h2', { hasText: '请扫描吊牌条码' }).waitFor({ timeout: 10_000 });
      await k.locator('hg-lookup-app hg-connection-indicator[state="online"]').waitFor();
      expect(await k.evaluate(() => localStorage.getItem('hanger.device.lookup'))).toBeTruthy();

      // A style with two colours × three sizes.
      await a.getByRole('link', { name: '商品' }).click();
      await a.getByRole('button', { name: '新建款式' }).click();
      const styleForm = a.locator('hg-admin-catalog form.grid');
      await styleForm.getByLabel('款号').fill('W2401');
      await styleForm.getByLabel('品名').fill('羊毛混纺大衣');
      await styleForm.getByLabel('类别').fill('女装/外套');
      await styleForm.getByLabel('售价（元）').fill('899');
      await styleForm.getByLabel('吊牌价（元）').fill('1299');
      await styleForm.getByLabel('颜色').fill('驼色 黑色');
      await styleForm.getByLabel('尺码', { exact: true }).fill('S M L');
      await styleForm.getByRole('button', { name: '创建款式' }).click();
      await a.getByText('已创建款式，条码已生成').waitFor();
      const cell = a.locator('hg-admin-catalog td[data-barcode]').first();
      await cell.waitFor();
      expect(await a.locator('hg-admin-catalog td[data-barcode]').count()).toBe(6);
      const barcode = (await cell.getAttribute('data-barcode')) ?? '';
      expect(barcode).toMatch(/^\d{13}$/);
      await a.getByRole('button', { name: '预览吊牌' }).click();
      await a.locator('hg-admin-catalog .tag img').waitFor();
      await shot(a, 'admin-catalog-editor', true);

      // Receives stock for it.
      await a.getByRole('link', { name: '库存' }).click();
      await a.locator('hg-admin-inventory').getByRole('textbox', { name: '款式', exact: true }).fill('W2401');
      await a.locator('hg-admin-inventory form[aria-label="款式"] button[type="submit"]').click();
      await a.getByLabel('驼色 S 数量').fill('3');
      await a.getByLabel('驼色 M 数量').fill('5');
      await a.getByLabel('黑色 L 数量').fill('1');
      await a.getByLabel('供应商').fill('杭州织造');
      await a.getByRole('button', { name: '确认入库' }).click();
      await a.getByText('已入库').first().waitFor();
      await shot(a, 'admin-inventory-received', true);

      // Registers a member with a PIN for the kiosk.
      await a.getByRole('link', { name: '会员', exact: true }).click();
      await a.getByRole('button', { name: '登记会员' }).click();
      const memberForm = a.locator('hg-admin-members form.grid');
      await memberForm.getByLabel('手机号').fill('13800138000');
      await memberForm.getByLabel('姓名').fill('王芳');
      await memberForm.getByLabel('会员密码').fill('2468');
      await memberForm.getByLabel('邮箱').fill('wangfang@example.com');
      await memberForm.getByRole('button', { name: '保存' }).click();
      await a.getByText('会员已登记').waitFor();
      const profile = a.locator('hg-admin-members section[aria-label="会员资料"]');
      await profile.locator('h3', { hasText: '王芳' }).waitFor();
      await profile.locator('dd', { hasText: 'wangfang@example.com' }).waitFor();
      await shot(a, 'admin-members-profile', true);

      // Corrects the member's e-mail address and birthday; only what changed is sent.
      await profile.getByRole('button', { name: '编辑资料' }).click();
      const edit = profile.locator('form[aria-label="编辑资料"]');
      expect(await edit.getByLabel('手机号').inputValue()).toBe('13800138000');
      await edit.getByLabel('邮箱').fill('fang@example.com');
      await edit.getByLabel('生日').fill('1990-05-12');
      await edit.getByRole('button', { name: '保存' }).click();
      await a.getByText('资料已保存').waitFor();
      await profile.locator('dd', { hasText: /^fang@example\.com$/ }).waitFor();
      await profile.locator('dd', { hasText: '1990-05-12' }).waitFor();
      await shot(a, 'admin-members-edit', true);
      const owner = await ownerToken(store);
      const found = await call(store, 'GET', '/api/members?phone=13800138000', { token: owner });
      const changes = await call(store, 'GET', `/api/members/${found.body.items[0].id}/history`, {
        token: owner,
      });
      expect(changes.body.items[0].changes).toEqual({
        email: { from: 'wangfang@example.com', to: 'fang@example.com' },
        birthday: { from: null, to: '1990-05-12' },
      });

      // The kiosk: a scanner types the barcode fast and ends with Enter.
      await scan(k, barcode);
      const product = k.locator('hg-lookup-product');
      await product.locator('h2', { hasText: '羊毛混纺大衣' }).waitFor();
      await product.locator('.price', { hasText: '¥899.00' }).waitFor();
      await product.locator('.was', { hasText: '¥1,299.00' }).waitFor();
      await product.locator('th', { hasText: 'M' }).waitFor();
      const cells = await product.locator('td[data-sku]').allTextContents();
      expect(cells.map((text) => text.trim())).toEqual(['3', '5', '缺货', '缺货', '缺货', '1']);
      await shot(k, 'lookup-product');

      // Stock that changes while the tag is on screen updates the grid.
      await a.getByRole('link', { name: '库存' }).click();
      await a.getByRole('button', { name: '调整', exact: true }).click();
      await a.locator('hg-admin-inventory').getByRole('textbox', { name: '款式', exact: true }).fill('W2401');
      await a.locator('hg-admin-inventory form[aria-label="款式"] button[type="submit"]').click();
      await a.getByLabel('原因').selectOption('found');
      await a.getByLabel('黑色 S 数量').fill('2');
      await a.getByRole('button', { name: '确认调整' }).click();
      await a.getByText('已调整库存').first().waitFor();
      await product.locator('td[data-sku]').nth(3).filter({ hasText: '2' }).waitFor();

      // A scarf sold together with the coat: scanned again, the coat suggests it, and a tap shows it.
      const api = await ownerToken(store);
      const scarf = await call(store, 'POST', '/api/products', {
        token: api,
        body: {
          styleCode: 'A2402',
          name: '真丝围巾',
          category: '配饰/围巾',
          price: 19900,
          colors: ['米白'],
          sizes: ['F'],
        },
      });
      expect(scarf.status).toBe(201);
      const scarfSku = scarf.body.skus[0].id as string;
      await call(store, 'POST', '/api/stock/receipts', {
        token: api,
        body: { lines: [{ skuId: scarfSku, qty: 4 }] },
      });
      const coat = await call(store, 'GET', `/api/skus/by-barcode/${barcode}`, { token: api });
      const lines = [
        { skuId: coat.body.id, qty: 1 },
        { skuId: scarfSku, qty: 1 },
      ];
      const quote = await call(store, 'POST', '/api/sales/quote', { token: api, body: { lines } });
      const sold = await call(store, 'POST', '/api/sales', {
        token: api,
        body: { id: crypto.randomUUID(), lines, payments: [{ method: 'cash', amount: quote.body.total }] },
      });
      expect(sold.status).toBe(201);
      await scan(k, barcode);
      await product.getByRole('heading', { name: '买了这件的顾客还买了' }).waitFor();
      const also = product.locator(`.also button[data-style="${scarf.body.id}"]`);
      await also.filter({ hasText: '¥199.00' }).waitFor();
      await shot(k, 'lookup-product-also');
      await also.click();
      await product.locator('h2', { hasText: '真丝围巾' }).waitFor();
      await product.locator('.also button', { hasText: '羊毛混纺大衣' }).waitFor();

      // The member finds themselves with phone and PIN on the keypad.
      await k.getByRole('button', { name: '会员中心' }).first().click();
      const corner = k.locator('hg-lookup-member');
      for (const digit of '13800138000')
        await corner.locator(`hg-keypad button[data-key="${digit}"]`).click();
      for (const digit of '2468') await corner.locator(`hg-keypad button[data-key="${digit}"]`).click();
      await shot(k, 'lookup-member-form');
      await corner.getByRole('button', { name: '查询' }).click();
      await corner.locator('h2', { hasText: '您好，王*' }).waitFor();
      await corner.locator('[data-tier]').waitFor();
      await shot(k, 'lookup-member');

      // The person leaves: "done" forgets them.
      await corner.getByRole('button', { name: '完成' }).click();
      await k.locator('hg-lookup-app .scan h2').waitFor();
      expect(await k.locator('hg-lookup-member').count()).toBe(0);

      // Feedback: four stars and a comment, thanks, back to the start; the owner sees it.
      await k.getByRole('button', { name: '评价' }).click();
      const feedback = k.locator('hg-lookup-feedback');
      await feedback.getByRole('button', { name: '4 星' }).click();
      await feedback.getByLabel('留言（可选）').fill('试衣间很干净');
      await shot(k, 'lookup-feedback');
      await feedback.getByRole('button', { name: '提交评价' }).click();
      await feedback.getByText('谢谢您的评价！').waitFor();
      await k.locator('hg-lookup-app .scan h2').waitFor({ timeout: 10_000 });
      const left = await call(store, 'GET', '/api/feedback', { token: api });
      expect(left.body.items).toEqual([
        expect.objectContaining({ stars: 4, comment: '试衣间很干净', device: '试衣间旁查询机' }),
      ]);

      // The join form, and every admin section in Chinese.
      await k.getByRole('button', { name: '加入会员' }).first().click();
      await k.locator('hg-lookup-join h2', { hasText: '加入会员' }).waitFor();
      await shot(k, 'lookup-join');
      await k.getByRole('button', { name: '返回首页' }).click();
      await shot(k, 'lookup-start');

      for (const section of SECTIONS) {
        await a.goto(`/admin#/${section}`);
        await a.locator(`hg-admin-${section} h2`).first().waitFor();
        if (section === 'dashboard')
          await a.locator('hg-admin-dashboard tr[data-stars="4"]', { hasText: '试衣间很干净' }).waitFor();
        await a.waitForTimeout(150);
        await shot(a, `admin-${section}`, true);
      }

      // English.
      await switchLanguage(k, 'hg-lookup-app', 'Self-service lookup');
      await shot(k, 'lookup-start-en');
      await scan(k, barcode);
      await product.locator('.member, .price').first().waitFor();
      await k.getByText('Out of stock here').or(k.getByText('in stock here')).first().waitFor();
      await shot(k, 'lookup-product-en');
      await k.getByRole('button', { name: 'Members' }).first().click();
      await shot(k, 'lookup-member-form-en');
      await k.getByRole('button', { name: 'Start over' }).click();
      await k.getByRole('button', { name: 'Join as a member' }).first().click();
      await shot(k, 'lookup-join-en');

      await switchLanguage(a, 'hg-admin-app', 'Owner admin');
      for (const section of SECTIONS) {
        await a.goto(`/admin#/${section}`);
        await a.locator(`hg-admin-${section} h2`).first().waitFor();
        await a.waitForTimeout(150);
        await shot(a, `admin-${section}-en`, true);
      }

      expect(admin.problems).toEqual([]);
      expect(kiosk.problems).toEqual([]);
    } finally {
      await admin.context.close();
      await kiosk.context.close();
    }
  }, 120_000);
});
