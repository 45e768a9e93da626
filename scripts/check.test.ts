import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ownerToken } from '../server/testing/client.js';
import { startTestStore } from '../server/testing/harness.js';
import { seedShop } from '../server/testing/proofs.js';

const check = (dataDir: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check.ts'], {
    env: { ...process.env, HANGER_DATA: dataDir },
    encoding: 'utf8',
  });

describe('npm run check', () => {
  it('passes on a sound database and names each cached figure that disagrees with its ledger', async () => {
    const store = await startTestStore({ dataDir: undefined });
    const owner = await ownerToken(store);
    const { memberId, skuIds } = await seedShop(store, owner);
    const dataDir = store.dataDir;
    await store.running.close();

    const sound = check(dataDir);
    expect(sound.status, sound.stdout + sound.stderr).toBe(0);
    expect(sound.stdout).toMatch(/Checked 1 members .* and 4 on-hand figures/);
    expect(sound.stdout).toContain('Every balance and on-hand figure equals the sum of its ledger.');

    // Break one cached figure of each kind on purpose (the ledgers themselves are append-only).
    const db = new BetterSqlite3(`${dataDir}/hanger.db`);
    db.prepare(
      'update members set points = points + 7, stored_principal = stored_principal - 100 where id = ?',
    ).run(memberId);
    db.prepare('update stock_levels set on_hand = on_hand - 2 where sku_id = ?').run(skuIds[0]);
    db.close();

    const broken = check(dataDir);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`DIFFERS points member ${memberId}: cached 507, ledger 500`);
    expect(broken.stdout).toContain(`DIFFERS stored_principal member ${memberId}: cached 9900, ledger 10000`);
    expect(broken.stdout).toMatch(
      new RegExp(`DIFFERS on_hand sku ${skuIds[0]} store \\S+: cached 8, ledger 10`),
    );
    expect(broken.stdout).toMatch(/\d+ figure\(s\) disagree with their ledger\./);
    await store.close();
  });

  it('exits 2 without a database', () => {
    const result = check(join(tmpdir(), 'hanger-no-such-folder'));
    expect(result.status).toBe(2);
  });
});
