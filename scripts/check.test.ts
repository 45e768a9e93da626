import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ownerToken } from '../server/testing/client.js';
import { startTestStore } from '../server/testing/harness.js';
import { seedShop } from '../server/testing/proofs.js';
import { databaseEnvFor, openTestDatabase, testEngine } from '../server/testing/test-database.js';

const check = async (dataDir: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check.ts'], {
    env: { ...process.env, HANGER_DATA: dataDir, ...(await databaseEnvFor(dataDir)) },
    encoding: 'utf8',
  });

describe('npm run check', () => {
  it('passes on a sound database and names each cached figure that disagrees with its ledger', async () => {
    const store = await startTestStore({ dataDir: undefined });
    const owner = await ownerToken(store);
    const { memberId, skuIds } = await seedShop(store, owner);
    const dataDir = store.dataDir;
    await store.running.close();

    const sound = await check(dataDir);
    expect(sound.status, sound.stdout + sound.stderr).toBe(0);
    expect(sound.stdout).toMatch(/Checked 1 members .* and 4 on-hand figures/);
    expect(sound.stdout).toContain('Every balance and on-hand figure equals the sum of its ledger.');

    // Break one cached figure of each kind on purpose (the ledgers themselves are append-only).
    const storage = await openTestDatabase(dataDir);
    await sql`update members set points = points + 7, stored_principal = stored_principal - 100
      where id = ${memberId}`.execute(storage.db);
    await sql`update stock_levels set on_hand = on_hand - 2 where sku_id = ${skuIds[0]}`.execute(storage.db);
    await storage.close();

    const broken = await check(dataDir);
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain(`DIFFERS points member ${memberId}: cached 507, ledger 500`);
    expect(broken.stdout).toContain(`DIFFERS stored_principal member ${memberId}: cached 9900, ledger 10000`);
    expect(broken.stdout).toMatch(
      new RegExp(`DIFFERS on_hand sku ${skuIds[0]} store \\S+: cached 8, ledger 10`),
    );
    expect(broken.stdout).toMatch(/\d+ figure\(s\) disagree with their ledger\./);
    await store.close();
  });

  it.skipIf(testEngine === 'postgres')('exits 2 without a database', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check.ts'], {
      env: { ...process.env, HANGER_DATA: join(tmpdir(), 'hanger-no-such-folder') },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
  });
});
