import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { RECHECK_OFFLINE_MS } from './src/data/health-controller.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, SHOTS } from './testing/browser.js';

interface ScreenCase {
  screen: 'checkout' | 'display' | 'lookup' | 'admin';
  element: string;
  title: string;
  english: string;
  viewport: { width: number; height: number };
  /** A kiosk screen must fit its display without scrolling; the admin page may scroll. */
  fits: boolean;
  /**
   * What the screen shows first on a fresh browser: the status card (checkout and display,
   * until their carts exist), the pairing code (lookup) or the sign-in form (admin).
   */
  first: 'status' | 'pairing' | 'signin';
}

const SCREENS: ScreenCase[] = [
  {
    screen: 'checkout',
    element: 'hg-checkout-app',
    title: '收银台',
    english: 'Checkout',
    viewport: { width: 1024, height: 768 },
    fits: true,
    first: 'status',
  },
  {
    screen: 'display',
    element: 'hg-display-app',
    title: '顾客显示屏',
    english: 'Customer display',
    viewport: { width: 1920, height: 1080 },
    fits: true,
    first: 'status',
  },
  {
    screen: 'lookup',
    element: 'hg-lookup-app',
    title: '自助查询',
    english: 'Self-service lookup',
    viewport: { width: 1080, height: 1920 },
    fits: true,
    first: 'pairing',
  },
  {
    screen: 'admin',
    element: 'hg-admin-app',
    title: '店主后台',
    english: 'Owner admin',
    viewport: { width: 1440, height: 900 },
    fits: false,
    first: 'signin',
  },
];

let store: TestStore;
let browser: Browser;

beforeAll(async () => {
  readyForBrowserTests(...SCREENS.map(({ screen }) => screen));
  store = await startTestStore({ kioskDir: KIOSK_DIST });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
});

/** A fresh browser profile (so no remembered language) at the screen's size. */
async function openContext(viewport: ScreenCase['viewport']): Promise<BrowserContext> {
  return browser.newContext({ viewport, deviceScaleFactor: 1, baseURL: store.url });
}

/** Everything the page complained about: console errors, uncaught exceptions, failed requests. */
function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** The fonts Chromium actually drew `selector`'s text with (it pierces shadow roots). */
async function fontsUsedFor(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const { result } = await cdp.send('Runtime.evaluate', {
      expression: `(${deepQuery.toString()})(document, ${JSON.stringify(selector)})`,
    });
    if (!result.objectId) throw new Error(`No element matches ${selector}`);
    const { nodeId } = await cdp.send('DOM.requestNode', { objectId: result.objectId });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((font) => font.familyName);
  } finally {
    await cdp.detach();
  }
}

/** Runs in the page: the first element matching `selector` in the document or any shadow root. */
function deepQuery(root: Document | ShadowRoot, selector: string): Element | null {
  const found = root.querySelector(selector);
  if (found) return found;
  for (const element of root.querySelectorAll('*')) {
    const inner = element.shadowRoot ? deepQuery(element.shadowRoot, selector) : null;
    if (inner) return inner;
  }
  return null;
}

describe('screens', () => {
  for (const screen of SCREENS) {
    it(`${screen.screen} shows its title, what comes first and "connected", without errors`, async () => {
      const context = await openContext(screen.viewport);
      try {
        const page = await context.newPage();
        const problems = collectProblems(page);
        await page.goto(`/${screen.screen}`);

        const app = page.locator(screen.element);
        await app.locator('hg-screen-frame h1', { hasText: screen.title }).waitFor();
        if (screen.first === 'status') {
          await app.locator(`hg-server-status data[value="${store.ctx.version}"]`).waitFor();
          await app.locator('hg-server-status .line', { hasText: '服务器已连接' }).waitFor();
        } else if (screen.first === 'pairing') {
          await app.locator('hg-pairing [data-code]').waitFor();
        } else {
          await app.locator('input[name="password"]').waitFor();
        }
        await app.locator('hg-connection-indicator[state="online"]').waitFor();

        expect(await page.title()).toContain(screen.title);
        // One language at a time: no English title or status under the Chinese.
        expect(await app.locator('hg-screen-frame').innerText()).not.toContain(screen.english);
        expect(await app.locator('hg-screen-frame').innerText()).not.toContain('Connected');
        expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');

        // Chinese must be drawn with a CJK font, not as empty boxes.
        const fonts = await fontsUsedFor(page, 'h1');
        expect(fonts, 'install fonts-noto-cjk so Chinese renders').toContainEqual(
          expect.stringMatching(/CJK|Han Sans|PingFang|YaHei/),
        );

        const size = await page.evaluate(() => ({
          width: document.documentElement.scrollWidth,
          height: document.documentElement.scrollHeight,
        }));
        expect(size.width, 'no sideways scrolling').toBeLessThanOrEqual(screen.viewport.width);
        if (screen.fits) expect(size.height, 'fits the display').toBeLessThanOrEqual(screen.viewport.height);

        await page.screenshot({ path: join(SHOTS, `${screen.screen}.png`) });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('switches to English and remembers it after a reload', async () => {
    const context = await openContext({ width: 1024, height: 768 });
    try {
      const page = await context.newPage();
      const problems = collectProblems(page);
      await page.goto('/checkout');
      const frame = page.locator('hg-checkout-app hg-screen-frame');
      await frame.locator('h1', { hasText: '收银台' }).waitFor();

      await frame.locator('hg-language-toggle button').click();
      await frame.locator('h1', { hasText: 'Checkout' }).waitFor();
      expect(await frame.innerText()).not.toContain('收银台');

      await page.reload();
      await frame.locator('h1', { hasText: 'Checkout' }).waitFor();
      await page.locator('hg-checkout-app hg-server-status .line', { hasText: 'Connected' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await page.title()).toContain('Checkout');

      await page.screenshot({ path: join(SHOTS, 'checkout-en.png') });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('says so when the server does not answer the health check', async () => {
    const context = await openContext({ width: 1024, height: 768 });
    try {
      const page = await context.newPage();
      // The screen re-checks on a timer; a fake clock lets the test move it instead of waiting.
      await page.clock.install();
      await page.route('**/api/health', (route) => route.abort('connectionrefused'));
      await page.goto('/checkout');
      const app = page.locator('hg-checkout-app');
      await app.locator('hg-server-status .line', { hasText: '无法连接服务器' }).waitFor();
      await app.locator('hg-connection-indicator[state="offline"]').waitFor();
      await page.screenshot({ path: join(SHOTS, 'checkout-offline.png') });

      // When the server answers again, the screen recovers by itself.
      await page.unroute('**/api/health');
      // Exactly one re-check: going further would also fire that check's own time-out.
      await page.clock.runFor(RECHECK_OFFLINE_MS);
      await app.locator('hg-server-status .line', { hasText: '服务器已连接' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
