import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken, pairDevice } from '../server/testing/client.js';
import { OWNER_PASSWORD, startTestStore, type TestStore } from '../server/testing/harness.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, shot } from './testing/browser.js';
import { openShift } from './testing/shift.js';
import { scanByKeyboard } from './wedge-scanner.js';

/**
 * Every screen by keyboard alone, against a real server: no mouse click anywhere. The checkout
 * (sign in, scan, member, pay), the admin page (sign in, the sections, a form) and the lookup
 * kiosk (a tag, the member corner), moving with Tab, Enter, Escape and the screens' shortcuts.
 * At every stop the focus must be visible (an outline of at least 2 px on the focused element),
 * and inside a dialog Tab must stay in the dialog.
 */

const TERMINAL = { width: 1024, height: 768 };
const ADMIN = { width: 1440, height: 900 };
const KIOSK = { width: 1080, height: 1920 };

let store: TestStore;
let browser: Browser;
let owner = '';
let barcode = '';
const MEMBER_PHONE = '13600136000';

beforeAll(async () => {
  readyForBrowserTests('checkout');
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
  owner = await ownerToken(store);
  await call(store, 'POST', '/api/staff', {
    token: owner,
    body: { username: 'mei', name: '美', role: 'cashier', password: 'cashier-pass-1', pin: '1357' },
  });
  const style = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: 'K2601', name: '针织开衫', price: 25900, colors: ['米白'], sizes: ['M'] },
  });
  barcode = style.body.skus[0].barcode;
  await call(store, 'POST', '/api/stock/receipts', {
    token: owner,
    body: { lines: [{ skuId: style.body.skus[0].id, qty: 10 }] },
  });
  const member = await call(store, 'POST', '/api/members', {
    token: owner,
    body: { phone: MEMBER_PHONE, name: '周女士', pin: '2468' },
  });
  expect(member.status).toBe(201);
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

/** What has the keyboard focus now (inside shadow roots), and whether that is visible. */
interface Focus {
  tag: string;
  name: string | null;
  /** Its accessible-ish name: aria-label, its label's text, or its own text. */
  label: string;
  /** An outline of at least 2 px shows on it (or on the label that holds a hidden file field). */
  ring: boolean;
  /** The element sits inside an open modal dialog. */
  inDialog: boolean;
  /** The checkout's and kiosk's scanner field (hidden unless reached with Tab). */
  scanField: boolean;
  /** The element and its box are on screen (not clipped away). */
  visible: boolean;
}

function readFocus(): Focus | null {
  let element = document.activeElement;
  while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
  if (!element || element === document.body) return null;
  const host = (element.getRootNode() as ShadowRoot).host;
  const labelled = element as HTMLInputElement;
  const text =
    element.getAttribute('aria-label') ??
    labelled.labels?.[0]?.textContent ??
    (element as HTMLElement).innerText ??
    element.textContent ??
    '';
  const outlined = (el: Element | null) => {
    if (!el) return false;
    const style = getComputedStyle(el);
    return style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2;
  };
  let inDialog = false;
  for (let node: Node | null = element; node; ) {
    if (node instanceof Element && node.getAttribute('aria-modal') === 'true') inDialog = true;
    node = node instanceof ShadowRoot ? node.host : node.parentNode;
  }
  const box = (host?.localName === 'hg-scan-input' ? host : element).getBoundingClientRect();
  const clipped = host?.localName === 'hg-scan-input' && getComputedStyle(host).clipPath !== 'none';
  // A date field's last stop is its calendar button, inside the browser's own part of the field:
  // the field no longer matches :focus and the browser draws the ring round the button itself.
  const pickerButton =
    element instanceof HTMLInputElement &&
    /^(date|month|week|time|datetime-local)$/.test(element.type) &&
    !element.matches(':focus');
  return {
    visible: box.width > 4 && box.height > 4 && !clipped,
    tag: element.localName,
    name: element.getAttribute('name'),
    label: text.trim().replace(/\s+/g, ' '),
    ring: outlined(element) || outlined(element.closest('label')) || pickerButton,
    inDialog,
    scanField: host?.localName === 'hg-scan-input',
  };
}

const focus = (page: Page) => page.evaluate(readFocus);

/**
 * Presses `key` (Tab) until the focus is on what `wanted` accepts; every stop on the way must
 * show its focus. Fails when it is not reached in `max` presses: not reachable by keyboard.
 */
async function tabTo(page: Page, wanted: (focus: Focus) => boolean, what: string, key = 'Tab', max = 60) {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const now = await focus(page);
    if (!now) continue;
    stops.push(`${now.tag}:${now.label}`);
    expect(
      now.visible && now.ring,
      `focus shows on ${now.tag} "${now.label}" (after ${stops.join(' → ')})`,
    ).toBe(true);
    if (wanted(now)) return now;
  }
  throw new Error(`${what} is not reachable with ${key}: ${stops.join(' → ')}`);
}

/**
 * Tabs through the whole page (until the focus comes round to where it started), checking that
 * every stop shows its focus; answers the stops' labels.
 */
async function walk(page: Page, max = 200): Promise<string[]> {
  const stops: string[] = [];
  let first: string | null = null;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focus(page);
    if (!now) continue;
    const stop = `${now.tag}:${now.name ?? ''}:${now.label}`;
    if (stop === first) return stops;
    first ??= stop;
    expect(
      now.visible && now.ring,
      `focus shows on ${now.tag} "${now.label}" (after ${stops.slice(-3).join(' → ')})`,
    ).toBe(true);
    stops.push(`${now.tag}:${now.label}`);
  }
  return stops;
}

const labelled = (text: string) => (f: Focus) => f.label === text || f.label.startsWith(`${text} `);
const named = (name: string) => (f: Focus) => f.name === name;

async function openPage(
  viewport: { width: number; height: number },
  device?: { kind: string; token: string },
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, baseURL: store.url });
  if (device) {
    await context.addInitScript((d) => localStorage.setItem(`hanger.device.${d.kind}`, d.token), device);
  }
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  // The point of these tests: nothing may be clicked.
  await context.addInitScript(() => {
    window.addEventListener(
      'mousedown',
      () => {
        throw new Error('a mouse was used');
      },
      true,
    );
  });
  return { context, page, problems };
}

describe('keyboard alone', () => {
  it('checkout: sign in, scan, member, pay', async () => {
    const terminal = await pairDevice(store, owner, 'checkout');
    const { context, page, problems } = await openPage(TERMINAL, { kind: 'checkout', token: terminal.token });
    try {
      await page.goto('/checkout');
      await page.locator('hg-checkout-signin').waitFor();
      // The username field has the focus on arrival; Tab goes to the PIN; Enter signs in.
      await expect.poll(async () => (await focus(page))?.name).toBe('username');
      await page.keyboard.type('mei');
      await tabTo(page, named('pin'), 'the PIN field');
      await page.keyboard.type('1357');
      await shot(page, 'keyboard-checkout-signin');
      await page.keyboard.press('Enter');
      await page.locator('hg-checkout-sale .empty').waitFor();
      await openShift(page);

      // A scanner is a keyboard: the tag's digits fast, then Enter — real keystrokes, each
      // stamped 5 ms after the last however slowly the machine delivers them.
      await scanByKeyboard(page, barcode);
      const line = page.locator('hg-checkout-sale tr.line').first();
      await line.and(page.locator('[data-qty="1"]')).waitFor();
      // + and − change the selected line's quantity.
      await page.keyboard.press('+');
      await line.and(page.locator('[data-qty="2"]')).waitFor();
      await page.keyboard.press('-');
      await line.and(page.locator('[data-qty="1"]')).waitFor();

      // Every control of the sale is reachable with Tab, the focus always in sight.
      const stops = await walk(page);
      expect(stops).toEqual(expect.arrayContaining(['input:扫描条码', 'button:快速登记新会员']));
      await tabTo(page, labelled('加入'), 'the add-barcode button');
      await tabTo(page, labelled('增加一件'), 'the line’s + button');
      await tabTo(page, labelled('改价'), 'the line’s price button');
      await tabTo(page, (f) => f.label.startsWith('挂单'), 'the hold key');
      await tabTo(page, (f) => f.label.startsWith('收款'), 'the pay key');
      await shot(page, 'keyboard-checkout-focus');

      // F2 goes to the member search; a phone number and Enter attach the member.
      await page.keyboard.press('F2');
      await expect.poll(async () => (await focus(page))?.name).toBe('memberQuery');
      // A person types slower than a scanner (a burst ending in Enter would count as a scan).
      await page.keyboard.type(MEMBER_PHONE, { delay: 80 });
      await page.keyboard.press('Enter');
      await page.locator('hg-checkout-member [data-member-name="周女士"]').waitFor();

      // F10 pays: the amount field has the focus; Alt+1 is cash; ¥300 given, Enter takes it.
      await page.keyboard.press('F10');
      const pay = page.locator('hg-checkout-pay');
      await pay.locator('[role="dialog"]').waitFor();
      await expect.poll(async () => (await focus(page))?.name).toBe('amount');
      await page.keyboard.press('Alt+1');
      await page.keyboard.press('Control+A');
      await page.keyboard.type('300', { delay: 80 });
      await pay.locator('[data-would-change="4100"]').waitFor();
      // Tab stays inside the payment dialog, round and round.
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        const now = await focus(page);
        expect(now?.inDialog, `Tab left the dialog for ${now?.tag} "${now?.label}"`).toBe(true);
        expect(now?.visible && now?.ring, `focus shows on ${now?.tag} "${now?.label}"`).toBe(true);
      }
      await tabTo(page, named('amount'), 'the amount field');
      await page.keyboard.press('Enter');
      await pay.locator('[data-change="4100"]').waitFor();
      await shot(page, 'keyboard-checkout-pay');
      await page.keyboard.press('F10');
      const paid = page.locator('hg-checkout-sale [data-paid]');
      await paid.waitFor();
      expect(await paid.locator('[data-change]').getAttribute('data-change')).toBe('4100');
      await page.keyboard.press('Enter');
      await page.locator('hg-checkout-sale .empty').waitFor();

      const sales = await call(store, 'GET', `/api/members?phone=${MEMBER_PHONE}`, { token: owner });
      expect(sales.body.items[0].points).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('admin: sign in, move between sections, fill in a form', async () => {
    const { context, page, problems } = await openPage(ADMIN);
    try {
      await page.goto('/admin');
      await page.locator('hg-admin-app input[name="username"]').waitFor();
      await tabTo(page, named('username'), 'the username field');
      await page.keyboard.type('owner');
      await tabTo(page, named('password'), 'the password field');
      await page.keyboard.type(OWNER_PASSWORD);
      await page.keyboard.press('Enter');
      await page.locator('hg-admin-dashboard h2').waitFor();

      // The navigation: Tab to a section's link, Enter opens it.
      for (const [section, name] of [
        ['catalog', '商品'],
        ['members', '会员'],
        ['staff', '员工'],
      ] as const) {
        await tabTo(page, labelled(name), `the ${section} link`);
        await page.keyboard.press('Enter');
        await page.locator(`hg-admin-${section} h2`).first().waitFor();
        expect(await page.evaluate(() => location.hash)).toBe(`#/${section}`);
      }

      // A form: a new cashier, field by field, the role chosen with the arrow keys.
      await tabTo(page, labelled('添加员工'), 'the add-staff button');
      await page.keyboard.press('Enter');
      await tabTo(page, named('name'), 'the name field');
      await page.keyboard.type('吴敏');
      await tabTo(page, named('username'), 'the username field');
      await page.keyboard.type('wumin');
      await tabTo(page, named('role'), 'the role list');
      await page.keyboard.press('ArrowUp');
      await tabTo(page, named('password'), 'the password field');
      await page.keyboard.type('manager-pass-1');
      await tabTo(page, named('pin'), 'the PIN field');
      await page.keyboard.type('8642');
      await shot(page, 'keyboard-admin-form');
      await page.keyboard.press('Enter');
      await page.locator('hg-admin-staff tr[data-username="wumin"]', { hasText: '店长' }).waitFor();

      // Every section, opened from the navigation by keyboard, shows the focus at every stop.
      for (const [section, name] of [
        ['dashboard', '概览'],
        ['devices', '设备'],
        ['catalog', '商品'],
        ['inventory', '库存'],
        ['members', '会员'],
        ['loyalty', '会员规则'],
        ['promotions', '促销与优惠券'],
        ['reports', '报表'],
        ['audit', '操作日志'],
        ['backups', '备份'],
        ['settings', '设置'],
      ] as const) {
        await tabTo(page, labelled(name), `the ${section} link`, 'Tab', 200);
        await page.keyboard.press('Enter');
        await page.locator(`hg-admin-${section} h2`).first().waitFor();
        await page.waitForTimeout(200);
        const stops = await walk(page);
        expect(stops.length, `${section}: the navigation and its controls`).toBeGreaterThan(12);
      }
      await tabTo(page, labelled('员工'), 'the staff link', 'Tab', 200);
      await page.keyboard.press('Enter');
      await page.locator('hg-admin-staff h2').first().waitFor();

      // Sign out is reachable too.
      await tabTo(page, labelled('退出登录'), 'sign out', 'Shift+Tab', 80);
      await page.keyboard.press('Enter');
      await page.locator('hg-admin-app input[name="username"]').waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('lookup kiosk: a tag, then the member corner', async () => {
    const kiosk = await pairDevice(store, owner, 'lookup');
    const { context, page, problems } = await openPage(KIOSK, { kind: 'lookup', token: kiosk.token });
    try {
      await page.goto('/lookup');
      await page.locator('hg-lookup-app .scan h2').waitFor();
      await page.locator('hg-lookup-app hg-connection-indicator[state="online"]').waitFor();

      // A tag typed by hand, slowly, and Enter (the kiosk takes typed codes too).
      const start = await walk(page);
      expect(start).toEqual(
        expect.arrayContaining(['button:会员中心 查积分、余额和优惠券', 'input:扫描条码']),
      );
      // Back in the scanner's field (shown while Tab is there), a code typed by hand and Enter.
      await tabTo(page, (f) => f.scanField, 'the scanner field');
      await shot(page, 'keyboard-lookup-scan-field');
      await page.keyboard.type(barcode, { delay: 120 });
      await page.keyboard.press('Enter');
      await page.locator('hg-lookup-product h2', { hasText: '针织开衫' }).waitFor();
      await walk(page);

      // The member corner by Tab and Enter; phone and PIN typed; Enter looks it up.
      await tabTo(page, labelled('会员中心'), 'the member corner');
      await page.keyboard.press('Enter');
      const corner = page.locator('hg-lookup-member');
      await corner.waitFor();
      await tabTo(page, named('phone'), 'the phone field');
      await page.keyboard.type(MEMBER_PHONE);
      await tabTo(page, named('pin'), 'the PIN field');
      await page.keyboard.type('2468');
      await page.keyboard.press('Enter');
      await corner.locator('h2', { hasText: '您好，周**' }).waitFor();
      await shot(page, 'keyboard-lookup-member');
      await tabTo(page, labelled('完成'), 'done');
      await page.keyboard.press('Enter');
      await page.locator('hg-lookup-app .scan h2').waitFor();

      // Joining and feedback work from the keyboard too.
      await tabTo(page, (f) => f.label.startsWith('加入会员'), 'join');
      await page.keyboard.press('Enter');
      await page.locator('hg-lookup-join h2').waitFor();
      await walk(page);
      await tabTo(page, labelled('返回首页'), 'start over');
      await page.keyboard.press('Enter');
      await tabTo(page, (f) => f.label.startsWith('评价'), 'feedback');
      await page.keyboard.press('Enter');
      const feedback = page.locator('hg-lookup-feedback');
      await feedback.waitFor();
      await tabTo(page, labelled('5 星'), 'five stars');
      await page.keyboard.press('Enter');
      await tabTo(page, (f) => f.tag === 'textarea', 'the comment');
      await page.keyboard.type('很好找', { delay: 30 });
      await tabTo(page, labelled('提交评价'), 'send');
      await page.keyboard.press('Enter');
      await feedback.getByText('谢谢您的评价！').waitFor();
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
