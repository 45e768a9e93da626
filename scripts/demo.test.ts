import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call, login } from '../server/testing/client.js';
import { startTestStore } from '../server/testing/harness.js';
import { databaseEnvFor, dropDatabaseFor } from '../server/testing/test-database.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hanger-demo-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const dressId = (items: { id: string; styleCode: string }[]) =>
  items.find((item) => item.styleCode === 'W2601')?.id;

const demo = async (folder = dataDir) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
    env: {
      ...process.env,
      HANGER_DATA: folder,
      HANGER_OWNER_PASSWORD: 'owner-secret-1',
      ...(await databaseEnvFor(folder)),
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
  }, 90_000);

  it('fills a shop whose config.json has no bridge section (the server accepts one)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'hanger-demo-nobridge-'));
    try {
      writeFileSync(
        join(folder, 'config.json'),
        JSON.stringify({ store: { code: 'S001', name: '我的服装店' } }),
      );
      const run = await demo(folder);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const written = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8'));
      expect(written.store).toEqual({ code: 'S001', name: '我的服装店' });
      expect(written.bridge.devices.map((d: { id: string }) => d.id)).toContain('printer-1');
    } finally {
      await dropDatabaseFor(folder);
      rmSync(folder, { recursive: true, force: true });
    }
  }, 90_000);
});
