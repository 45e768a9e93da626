import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoStores, type TwoStores } from '../server/testing/chain.js';
import { call } from '../server/testing/client.js';
import type { TestStore } from '../server/testing/harness.js';
import { StallingLink } from '../server/testing/stalling-link.js';
import { testEngine } from '../server/testing/test-database.js';
import {
  adminContext,
  launchChromium,
  ownerAdminSession,
  readyForBrowserTests,
  shot,
} from './testing/browser.js';
import { openTill, setUpCounter } from './testing/till.js';

/**
 * A branch whose line to head office breaks, on a real PostgreSQL: its till shows 离线收银 with
 * the sales waiting and drops it once they are sent; head office's 门店连接 card shows the branch
 * out of contact, then back with nothing waiting.
 */
describe.runIf(testEngine === 'postgres')(
  'a branch selling offline, as its till and head office see it',
  () => {
    let chain: TwoStores;
    let line: StallingLink;
    let browser: Browser;
    let skuId: string;

    beforeAll(async () => {
      readyForBrowserTests('admin', 'checkout');
      chain = await startTwoStores('chain-link-ui', {
        branchEnv: async (url) => {
          const through = new URL(url);
          line = new StallingLink(Number(through.port));
          await line.start();
          through.port = String(line.port);
          return { HANGER_DATABASE_URL: through.toString(), HANGER_LINK_REFRESH_SECONDS: '1' };
        },
      });
      const product = await call(chain.hq, 'POST', '/api/products', {
        token: chain.hqOwner,
        body: {
          styleCode: 'LX01',
          name: '离线卫衣',
          category: '男装/卫衣',
          price: 12900,
          colors: ['灰'],
          sizes: ['L'],
        },
      });
      skuId = product.body.skus[0].id;
      await call(chain.branch, 'POST', '/api/stock/receipts', {
        token: chain.branchOwner,
        body: { lines: [{ skuId, qty: 10 }] },
      });
      browser = await launchChromium();
    }, 240_000);

    afterAll(async () => {
      await browser?.close();
      line?.mend();
      await chain?.stop();
      line?.stop();
    });

    it('the till shows 离线收银 with the sales waiting and drops it once sent; head office sees the branch silent, then back', async () => {
      const { branch, hq } = chain;
      // The till's helpers need only the store's address.
      const store = { url: branch.url } as TestStore;
      const counter = await setUpCounter(store);
      // The branch's copy holds the product before the line goes.
      const ready = new Date().toISOString();
      for (let i = 0; i < 600; i++) {
        const link = await call(branch, 'GET', '/api/chain/link', { token: counter.owner });
        if ((link.body.copiedAt ?? '') > ready) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const till = await openTill(browser, store, counter.owner, { width: 1366, height: 768 });
      const admin = await adminContext(browser, hq, await ownerAdminSession(hq), {
        width: 1280,
        height: 800,
      });
      const dashboard = await admin.newPage();
      try {
        await dashboard.goto('/admin');
        const card = dashboard.locator('hg-store-links [data-store-links]');
        await card.locator('tr[data-store-link="BR02"][data-state="online"]').waitFor({ timeout: 60_000 });

        line.cut();
        const banner = till.page.locator('hg-checkout-sale [data-chain-link="offline"]');
        await banner.waitFor({ timeout: 60_000 });
        for (let i = 0; i < 2; i++) {
          const sale = await call(branch, 'POST', '/api/sales', {
            token: counter.owner,
            body: {
              id: randomUUID(),
              lines: [{ skuId, qty: 1 }],
              payments: [{ method: 'cash', amount: 12900 }],
            },
          });
          expect(sale.status, JSON.stringify(sale.body)).toBe(201);
        }
        await banner.filter({ hasText: '待上传 2 笔' }).waitFor({ timeout: 30_000 });
        await shot(till.page, 'chain-link-till-offline-1366');
        // Head office hears nothing from the branch: out of contact, last heard a while ago.
        await card.locator('tr[data-store-link="BR02"][data-state="silent"]').waitFor({ timeout: 90_000 });
        expect(await card.locator('tr[data-store-link="BR02"]').innerText()).toMatch(
          /失联.*\d+\s*(秒钟?|分钟)前/s,
        );
        await shot(dashboard, 'chain-link-head-office-silent-1280', true);

        line.mend();
        await banner.waitFor({ state: 'detached', timeout: 60_000 });
        await card
          .locator('tr[data-store-link="BR02"][data-state="online"][data-waiting="0"]')
          .waitFor({ timeout: 60_000 });
        await shot(till.page, 'chain-link-till-back-1366');
        await shot(dashboard, 'chain-link-head-office-back-1280', true);
        expect(till.problems.filter((problem) => !/HTTP 503/.test(problem))).toEqual([]);
      } finally {
        await till.context.close();
        await admin.close();
      }
    }, 300_000);
  },
);
