import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { openSqlite, type Storage } from '../../storage/database.js';
import { MIGRATIONS } from '../../storage/migrations/index.js';
import { migrate } from '../../storage/migrator.js';
import type { Database } from '../../storage/schema.js';

/** The local copy's file in the store's data folder. */
export const LOCAL_COPY_FILE = 'offline.db';

/**
 * What selling needs, copied whole from head office: the catalogue and its prices (store
 * prices too), promotions, members with their tiers, points lots and stored value, coupons,
 * the settings, and who may sign in on which till.
 */
const CHAIN_TABLES = [
  'stores',
  'staff',
  'devices',
  'categories',
  'colors',
  'size_groups',
  'styles',
  'skus',
  'catalog_counters',
  'price_changes',
  'price_change_cancellations',
  'store_prices',
  'promotions',
  'tiers',
  'loyalty_settings',
  'members',
  'points_lots',
  'stored_value_entries',
  'coupon_templates',
  'coupons',
  'sales_settings',
  'receipt_settings',
  'inventory_settings',
] as const;

/** This store's own rows only: its sign-ins, its stock, its open shifts. */
const STORE_TABLES = ['staff_sessions', 'stock_levels', 'shifts'] as const;

type CopiedTable = (typeof CHAIN_TABLES)[number] | (typeof STORE_TABLES)[number];

/**
 * Opens the store's local copy (SQLite, the single shop's schema and migrations). It is a
 * cache of head office, not a book of record: foreign keys stay off (a points lot may name a
 * sale it does not hold) and the ledgers' no-delete triggers are dropped here, so a refresh
 * can replace them with head office's. Its own sales and its queue are never refreshed away.
 */
export async function openLocalCopy(dataDir: string, now: () => Date): Promise<Storage> {
  const local = openSqlite(join(dataDir, LOCAL_COPY_FILE), { offlineCopy: true });
  try {
    await migrate(local, MIGRATIONS, now);
    local.sqlite?.pragma('foreign_keys = OFF');
    const triggers = local.sqlite
      ?.prepare(
        "select name from sqlite_master where type = 'trigger' and name like '%\\_no\\_delete' escape '\\'",
      )
      .pluck()
      .all() as string[];
    for (const name of triggers) local.sqlite?.exec(`drop trigger "${name}"`);
    await ensureQueue(local.db);
    return local;
  } catch (error) {
    await local.close();
    throw error;
  }
}

/**
 * The local copy's own tables: the queue of what was done offline (with its audit rows), in
 * order, until head office took it (`sent_at`), and what head office made of it (`result`, e.g. the member an offline
 * sign-up was merged into). `held` names why a manager must look at it instead.
 */
async function ensureQueue(db: Kysely<Database>): Promise<void> {
  await sql`create table if not exists offline_queue (
    seq integer primary key autoincrement,
    kind text not null,
    ref_id text not null unique,
    at text not null,
    body text not null,
    sent_at text,
    result text,
    held text
  )`.execute(db);
  // Nothing copies head office's audit log here: every row in it was written offline, and is
  // queued as it is written, in the action's transaction, to reach head office by its id.
  await sql`create trigger if not exists offline_audit_queued after insert on audit_log begin
    insert into offline_queue (kind, ref_id, at, body) values ('audit', new.id, new.at, '{"table":"audit_log"}');
  end`.execute(db);
  await sql`create table if not exists offline_link (
    key text primary key,
    value text not null
  )`.execute(db);
}

/** When the copy was last taken from head office (null: never, nothing to sell from). */
export async function copiedAt(local: Storage): Promise<string | null> {
  const row = await sql<{ value: string }>`select value from offline_link where key = 'copied_at'`.execute(
    local.db,
  );
  return row.rows[0]?.value ?? null;
}

/**
 * Replaces the copied tables with head office's, read in one snapshot and written in one local
 * transaction: a till never sells from half a refresh. The caller refreshes only with nothing
 * queued, so nothing sold offline is overwritten before head office has it.
 */
export async function refreshLocalCopy(
  chain: Storage,
  local: Storage,
  storeId: string,
  at: Date,
): Promise<number> {
  const tables = await chain.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const read: [CopiedTable, Record<string, unknown>[]][] = [];
      for (const name of CHAIN_TABLES)
        read.push([
          name,
          await sql<Record<string, unknown>>`select * from ${sql.table(name)}`
            .execute(trx)
            .then((r) => r.rows),
        ]);
      for (const name of STORE_TABLES) {
        const rows = await sql<
          Record<string, unknown>
        >`select * from ${sql.table(name)} where store_id = ${storeId}${
          name === 'shifts' ? sql` and status = 'open'` : sql``
        }`.execute(trx);
        read.push([name, rows.rows]);
      }
      return read;
    });
  let count = 0;
  await local.write(async (trx) => {
    for (const [name, rows] of tables) {
      await sql`delete from ${sql.table(name)}`.execute(trx);
      const first = rows[0];
      if (!first) continue;
      const columns = Object.keys(first);
      // SQLite takes at most 32,766 parameters a statement.
      const batch = Math.max(1, Math.floor(30_000 / columns.length));
      for (let i = 0; i < rows.length; i += batch) {
        const values = rows
          .slice(i, i + batch)
          .map((row) => sql`(${sql.join(columns.map((column) => sql`${row[column] ?? null}`))})`);
        await sql`insert into ${sql.table(name)} (${sql.join(columns.map((c) => sql.id(c)))}) values ${sql.join(values)}`.execute(
          trx,
        );
      }
      count += rows.length;
    }
    await sql`insert into offline_link (key, value) values ('copied_at', ${at.toISOString()})
      on conflict (key) do update set value = excluded.value`.execute(trx);
  });
  return count;
}
