import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, login } from '../server/testing/client.js';
import { startTestStore } from '../server/testing/harness.js';
import { databaseEnvFor } from '../server/testing/test-database.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hanger-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const dressId = (items: { id: string; styleCode: string }[]) =>
  items.find((item) => item.styleCode === 'W2601')?.id;

const demo = async () =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    env: {
      ...process.env,
      HANGER_DATA: dataDir,
      HANGER_OWNER_PASSWORD: 'owner-secret-1',
      ...(await databaseEnvFor(dataDir)),
    },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('npm run demo', () => {
  it('fills an empty shop that then sells, and leaves a shop with goods alone', async () => {
    const first = await demo();
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Demo shop ready');

    const store = await startTestStore({ dataDir });
    try {
      const owner = await login(store, 'owner', 'owner-secret-1');
      const styles = await call(store, 'GET', '/api/products?limit=50', { token: owner });
      expect(styles.body.items).toHaveLength(9);
      const quote = await call(store, 'POST', '/api/sales/quote', {
        token: await login(store, 'mei', 'cashier-demo-1'),
        body: {
          lines: [
            {
              skuId: (
                await call(store, 'GET', `/api/products/${dressId(styles.body.items)}`, { token: owner })
              ).body.skus[0].id,
              qty: 2,
            },
          ],
        },
      });
      expect(quote.status).toBe(200);
      expect(quote.body.discounts.map((d: { label: string }) => d.label)).toContain('第二件半价');
      expect(store.ctx.config.bridge.devices.map((d) => d.id)).toEqual([
        'printer-1',
        'drawer-1',
        'pole-1',
        'scanner-1',
      ]);
    } finally {
      await store.close();
    }

    const again = await demo();
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('already has goods');
  });
});
