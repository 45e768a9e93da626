import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { call, type Reachable } from '../../server/testing/client.js';
import { OWNER_PASSWORD } from '../../server/testing/harness.js';

/** The built screens a test server serves (`npm run build`). */
export const KIOSK_DIST = resolve(import.meta.dirname, '..', 'dist');
/** Where browser tests leave their screenshots (git-ignored). */
export const SHOTS = resolve(import.meta.dirname, '../../artifacts/screens');
const CHROMIUM = '/usr/bin/chromium';

/**
 * Before a browser test: the screens it opens are built, Debian's Chromium is installed, and
 * the screenshot folder exists — each missing piece said plainly rather than as a timeout.
 */
export function readyForBrowserTests(...screens: readonly string[]): void {
  const missing = screens
    .map((screen) => join(KIOSK_DIST, screen, 'index.html'))
    .filter((page) => !existsSync(page));
  if (missing.length > 0) {
    throw new Error(
      `The kiosk is not built (missing ${missing.join(', ')}): run \`npm run build\` before these tests.`,
    );
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium and fonts-noto-cjk packages.`);
  }
  mkdirSync(SHOTS, { recursive: true });
}

/** Debian's Chromium, headless, without the background traffic that makes timings wander. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}

/** The owner's admin session as the sign-in answers it, for `adminContext`. */
export async function ownerAdminSession(store: Reachable): Promise<unknown> {
  return (
    await call(store, 'POST', '/api/auth/login', { body: { username: 'owner', password: OWNER_PASSWORD } })
  ).body;
}

/** A browser context whose admin page opens already signed in with `session` (no sign-in form). */
export async function adminContext(
  browser: Browser,
  store: Reachable,
  session: unknown,
  viewport: { width: number; height: number },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, baseURL: store.url });
  await context.addInitScript((saved) => {
    sessionStorage.setItem('hanger.admin.session', JSON.stringify(saved));
  }, session);
  return context;
}

/** Opens the admin page and signs in as the owner, or as `username` (in Chinese, the default), to the dashboard. */
export async function signInToAdmin(
  page: Page,
  username = 'owner',
  password = OWNER_PASSWORD,
): Promise<void> {
  await page.goto('/admin');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.locator('hg-admin-dashboard h2').waitFor();
}

/** Console errors, page errors and HTTP errors on `page` from now on: a test expects none. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** A screenshot into SHOTS once fonts and the last render have settled: what a person would see. */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(100);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}
