import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../storage/database.js';
import { call, ownerToken } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { databaseEnvFor, testEngine } from '../../testing/test-database.js';
import { pruneChangeLog } from './change-log.js';
import { openLocalCopy, refreshLocalCopy } from './local-copy.js';
import { heldRows, queueCounts, queueRow } from './queue.js';
import { sendQueue } from './sync.js';

/**
 * A chain store's local copy is refreshed by what head office changed since the last refresh
 * (head office's log `row_changes`, migration 34), not by copying whole tables: a change made at
 * head office reaches it on the next refresh, a refresh with nothing changed writes nothing, a
 * transaction still running when a refresh took its snapshot is taken by the next, and a store
 * whose refresh is older than what the log still holds copies whole.
 */
describe.runIf(testEngine === 'postgres')('refreshing the local copy by what changed', () => {
  let hq: TestStore;
  let chain: Storage;
  let local: Storage;
  let owner: string;
  let copyDir: string;
  let styleId: string;
  let skus: { id: string; size: string }[];
  let memberId: string;
  let templateId: string;

  /** What every refresh writes besides rows: when it was taken and head office's snapshot (`offline_link`). */
  const MARKS = 2;
  /** Rows the local copy's connection changed during a refresh (SQLite's own count), and what it said. */
  const refresh = async () => {
    const total = () => local.sqlite?.prepare('select total_changes()').pluck().get() as number;
    const before = total();
    const said = await refreshLocalCopy(chain, local, hq.ctx.store.id, new Date());
    return { ...said, changed: total() - before };
  };
  const localRow = async (table: string, where: Record<string, string>) =>
    (
      await sql<Record<string, unknown>>`select * from ${sql.table(table)} where ${sql.join(
        Object.entries(where).map(([c, v]) => sql`${sql.id(c)} = ${v}`),
        sql` and `,
      )}`.execute(local.db)
    ).rows[0];
  const skuCount = async () =>
    (await sql<{ n: number }>`select count(*) as n from skus`.execute(local.db)).rows[0]?.n;

  beforeAll(async () => {
    hq = await startTestStore({ env: { HANGER_OFFLINE: 'off' } });
    chain = hq.ctx.storage;
    owner = await ownerToken(hq);
    const product = await call(hq, 'POST', '/api/products', {
      token: owner,
      body: {
        styleCode: 'RF01',
        name: '刷新T恤',
        category: '女装/T恤',
        price: 9900,
        colors: ['黑'],
        sizes: ['M', 'L', 'XL'],
      },
    });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    styleId = product.body.id;
    skus = product.body.skus;
    const member = await call(hq, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13700000088', name: '刷新会员' },
    });
    expect(member.status).toBe(201);
    memberId = member.body.id;
    const template = await call(hq, 'POST', '/api/coupon-templates', {
      token: owner,
      body: { name: '满200减20', kind: 'amount', value: 2000, minSpend: 20000, validDays: 30 },
    });
    expect(template.status).toBe(201);
    templateId = template.body.id;
    copyDir = mkdtempSync(join(tmpdir(), 'hanger-local-copy-'));
    local = await openLocalCopy(copyDir, () => new Date());
  });

  afterAll(async () => {
    await local?.close();
    await hq?.close();
    if (copyDir) rmSync(copyDir, { recursive: true, force: true });
  });

  it('copies whole first, then writes no row when nothing changed, then only what head office changed', async () => {
    const whole = await refresh();
    expect(whole.whole).toBe(true);
    expect(whole.written).toBeGreaterThan(0);
    expect(await skuCount()).toBe(3);

    expect(await refresh()).toEqual({ written: 0, deleted: 0, whole: false, changed: MARKS });

    // A store price, set and copied, to be deleted at head office below (a two-column key).
    await chain.db
      .insertInto('store_prices')
      .values({
        store_id: hq.ctx.store.id,
        style_id: styleId,
        price: 8800,
        staff_id: null,
        set_at: '2026-12-01',
      })
      .execute();
    expect((await refresh()).written).toBe(1);
    expect((await localRow('store_prices', { style_id: styleId }))?.price).toBe(8800);

    // Head office: a new price, the member moved up a tier, a coupon issued, a SKU deactivated,
    // a size taken off the style (its unused SKU deleted), the store price deleted.
    const price = await call(hq, 'POST', `/api/products/${styleId}/prices`, {
      token: owner,
      body: { price: 7900, reason: '换季' },
    });
    expect(price.status, JSON.stringify(price.body)).toBe(201);
    const higher = await chain.db
      .updateTable('members')
      .set({
        tier_id: sql`(select id from tiers order by rank desc limit 1)`,
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', memberId)
      .returning('tier_id')
      .executeTakeFirstOrThrow();
    const issued = await call(hq, 'POST', '/api/coupons/issue', {
      token: owner,
      body: { templateId, memberIds: [memberId] },
    });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const code = issued.body.issued[0].code as string;
    const sized = (size: string) => skus.find((sku) => sku.size === size)?.id as string;
    const [m, l, xl] = [sized('M'), sized('L'), sized('XL')];
    const off = await call(hq, 'PATCH', `/api/skus/${l}`, { token: owner, body: { active: false } });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    const removed = await call(hq, 'PATCH', `/api/products/${styleId}`, {
      token: owner,
      body: { removeSizes: ['XL'] },
    });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    await chain.db.deleteFrom('store_prices').where('style_id', '=', styleId).execute();

    const changes = await refresh();
    expect(changes.whole).toBe(false);
    expect(changes.written).toBeGreaterThan(0);
    // Far fewer rows than a whole copy: only what changed.
    expect(changes.changed).toBeLessThan(whole.changed / 2);
    const change = await sql<{ price: number }>`select price from price_changes where style_id = ${styleId}
      order by created_at desc limit 1`.execute(local.db);
    expect(change.rows[0]?.price).toBe(7900);
    expect((await localRow('members', { id: memberId }))?.tier_id).toBe(higher.tier_id);
    const coupon = await sql<{
      member_id: string;
    }>`select member_id from coupons where code = ${code}`.execute(local.db);
    expect(coupon.rows).toEqual([{ member_id: memberId }]);
    expect((await localRow('skus', { id: l }))?.active).toBe(0);
    expect((await localRow('skus', { id: m }))?.active).toBe(1);
    expect(await localRow('skus', { id: xl })).toBeUndefined();
    expect(await skuCount()).toBe(2);
    expect(await localRow('store_prices', { style_id: styleId })).toBeUndefined();

    expect(await refresh()).toEqual({ written: 0, deleted: 0, whole: false, changed: MARKS });
  });

  it('takes on the next refresh a change whose transaction was still running when a refresh took its snapshot', async () => {
    await refresh();
    const other = new pg.Client({ connectionString: (await databaseEnvFor(hq.dataDir)).HANGER_DATABASE_URL });
    await other.connect();
    try {
      await other.query('begin');
      // A transaction with an id below a later one's, still running when the later one committed
      // and a refresh took its snapshot (`xmin` ≤ its id < `xmax`), committed after that refresh.
      await other.query(`update members set name = '重叠会员' where id = $1`, [memberId]);
      await chain.db.updateTable('styles').set({ name: '刷新T恤二' }).where('id', '=', styleId).execute();
      const during = await refresh();
      expect(during.written).toBe(1);
      expect((await localRow('styles', { id: styleId }))?.name).toBe('刷新T恤二');
      expect((await localRow('members', { id: memberId }))?.name).toBe('刷新会员');
      await other.query('commit');
    } finally {
      await other.end();
    }
    const after = await refresh();
    expect(after).toMatchObject({ whole: false, written: 1 });
    expect((await localRow('members', { id: memberId }))?.name).toBe('重叠会员');
  });

  it('copies whole once head office pruned changes the store had not seen', async () => {
    await refresh();
    await chain.db.updateTable('styles').set({ name: '刷新T恤三' }).where('id', '=', styleId).execute();
    const logged = async () =>
      Number((await sql<{ n: string }>`select count(*) as n from row_changes`.execute(chain.db)).rows[0]?.n);
    expect(await logged()).toBeGreaterThan(0);
    // A prune keeping nothing older than now: the change above is gone from the log.
    expect(await pruneChangeLog(chain, new Date(), { horizonMs: 0, everyMs: 0 })).toBeGreaterThan(0);
    expect(await logged()).toBe(0);
    const after = await refresh();
    expect(after.whole).toBe(true);
    expect((await localRow('styles', { id: styleId }))?.name).toBe('刷新T恤三');
    expect(await skuCount()).toBe(2);
    // The whole copy's snapshot is after the prune: the next refresh is by the log again.
    expect(await refresh()).toEqual({ written: 0, deleted: 0, whole: false, changed: MARKS });
  });

  it('holds for a manager an offline sign-in naming staff head office does not hold, and sends the rest', async () => {
    const at = new Date().toISOString();
    const session = (id: string, staffId: string) => ({
      id,
      store_id: hq.ctx.store.id,
      staff_id: staffId,
      token_hash: `hash-${id}`,
      device_id: null,
      method: 'pin',
      created_at: at,
      expires_at: '2099-01-01T00:00:00.000Z',
      revoked_at: null,
      revoked_reason: null,
    });
    const known = await chain.db.selectFrom('staff').select('id').executeTakeFirstOrThrow();
    // Staff added while the store sold offline (not sent), signed in; then a known one signed in.
    await local.write(async (trx) => {
      for (const row of [
        session('offline-unknown', 'staff-added-offline'),
        session('offline-known', known.id),
      ]) {
        await trx.insertInto('staff_sessions').values(row).execute();
        await queueRow(trx, true, 'staff_sessions', row);
      }
    });
    await sendQueue(hq.ctx, chain, local);
    expect(await queueCounts(local.db)).toEqual({ waiting: 0, held: 1 });
    expect((await heldRows(local.db)).map((row) => row.id)).toEqual(['offline-unknown']);
    const atHq = await chain.db
      .selectFrom('staff_sessions')
      .select('id')
      .where('id', 'in', ['offline-unknown', 'offline-known'])
      .execute();
    expect(atHq).toEqual([{ id: 'offline-known' }]);
  });
});
