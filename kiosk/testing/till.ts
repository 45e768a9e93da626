import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ownerToken, pairDevice } from '../../server/testing/client.js';
import type { TestStore } from '../../server/testing/harness.js';
import { collectProblems } from './browser.js';

/**
 * The counter the till's browser tests stand at: the owner signed in over HTTP, a cashier and
 * a manager with their 收银密码, and a paired till signed in as the cashier.
 */

/** The cashier who works the till, and the manager who approves (收银密码 as PINs). */
export const CASHIER = { username: 'lina', name: '李娜', pin: '1357' } as const;
export const MANAGER = { username: 'wang', name: '王经理', pin: '2468' } as const;

/** A JSON call to the test store as `token` (the owner unless told), throwing on any non-2xx. */
export type StoreApi = <T>(method: string, path: string, body?: unknown, token?: string) => Promise<T>;

export interface Counter {
  owner: string;
  api: StoreApi;
}

/** Signs the owner in and adds the cashier and the manager. */
export async function setUpCounter(store: TestStore): Promise<Counter> {
  const owner = await ownerToken(store);
  const api: StoreApi = async <T>(method: string, path: string, body?: unknown, token = owner) => {
    const response = await fetch(`${store.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  for (const [person, role] of [
    [CASHIER, 'cashier'],
    [MANAGER, 'manager'],
  ] as const) {
    const { username, name, pin } = person;
    await api('POST', '/api/staff', { username, name, role, password: `${role}-pass-1`, pin });
  }
  return { owner, api };
}

/**
 * A browser context whose till is paired (its device token in localStorage): a new till, or
 * `terminal` when the test paired it already (to bind a customer display to it).
 */
export async function pairedTill(
  browser: Browser,
  store: TestStore,
  owner: string,
  viewport: { width: number; height: number },
  terminal?: { token: string },
): Promise<BrowserContext> {
  terminal ??= await pairDevice(store, owner, 'checkout');
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, baseURL: store.url });
  await context.addInitScript(
    (token) => localStorage.setItem('hanger.device.checkout', token),
    terminal.token,
  );
  return context;
}

/** The till's sign-in, as the cashier, up to the empty sale screen online. */
export async function signInCashier(page: Page): Promise<void> {
  const form = page.locator('hg-checkout-signin');
  await form.locator('input[name="username"]').fill(CASHIER.username);
  await form.locator('input[name="pin"]').fill(CASHIER.pin);
  await form.locator('button[type="submit"]').click();
  await page.locator('hg-checkout-app hg-connection-indicator[state="online"]').waitFor();
  await page.locator('hg-checkout-sale .empty').waitFor();
}

/** A paired till at `viewport`, opened at /checkout and signed in as the cashier; problems collected. */
export async function openTill(
  browser: Browser,
  store: TestStore,
  owner: string,
  viewport: { width: number; height: number },
  terminal?: { token: string },
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await pairedTill(browser, store, owner, viewport, terminal);
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto('/checkout');
  await signInCashier(page);
  return { context, page, problems };
}

/** The manager signs the approval dialog off; unless the approved command fails, the dialog goes. */
export async function approve(page: Page, { fails = false } = {}): Promise<void> {
  const dialog = page.locator('hg-checkout-approval');
  await dialog.locator('input[name="approver"]').fill(MANAGER.username);
  await dialog.locator('input[name="approverPin"]').fill(MANAGER.pin);
  await dialog.locator('button[type="submit"]').click();
  if (!fails) await dialog.waitFor({ state: 'detached' });
}
