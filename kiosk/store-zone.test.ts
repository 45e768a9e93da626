import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../server/testing/harness.js';
import { dropDatabaseFor } from '../server/testing/test-database.js';
import { KIOSK_DIST, launchChromium, readyForBrowserTests, signInToAdmin } from './testing/browser.js';

/**
 * A shop whose server is set to another time zone than the screens' default (Shanghai): once
 * the admin page is connected, its times are the shop's. The test clock starts at 10:00 UTC,
 * 16:00 in Urumqi (and 18:00 in Shanghai); signing in is in the audit log at that time.
 */

let dataDir: string;
let store: TestStore;
let browser: Browser;

beforeAll(async () => {
  readyForBrowserTests('admin');
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-zone-'));
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ timeZone: 'Asia/Urumqi' }));
  store = await startTestStore({ dataDir, kioskDir: KIOSK_DIST });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await store?.close();
  // A store started in a folder of the test's own leaves it (and its database) to the test.
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabaseFor(dataDir);
});

describe("the screens show times in the shop's time zone", () => {
  it('the audit log of a shop in Urumqi says 16:00, not Shanghai time', async () => {
    const context = await browser.newContext({ baseURL: store.url, timezoneId: 'Asia/Shanghai' });
    const page = await context.newPage();
    try {
      await signInToAdmin(page);
      await page.getByRole('link', { name: '操作日志' }).click();
      const signedIn = page.locator('hg-admin-audit tr[data-kind="auth.login"] td').first();
      await signedIn.filter({ hasText: '16:00' }).waitFor();
      expect(await page.locator('hg-admin-audit td', { hasText: '18:00' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });
});
