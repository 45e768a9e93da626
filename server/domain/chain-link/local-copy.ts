import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { openSqlite, type Storage } from '../../storage/database.js';
import { MIGRATIONS } from '../../storage/migrations/index.js';
import { migrate } from '../../storage/migrator.js';
import type { Database } from '../../storage/schema.js';

/** The local copy's file in the store's data folder. */
export const LOCAL_COPY_FILE = 'offline.db';

/**
 * What selling needs, copied from head office: the catalogue and its prices (store prices too),
 * promotions, members with their tiers, points lots and stored value, coupons, the settings,
 * and who may sign in on which till. Head office logs each change to these (migration 34).
 * `catalog_counters` is not copied: only adding products reads it (the next in-store barcode).
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

/** Head office's snapshot the copy was last refreshed from (`pg_current_snapshot()`); null: the next refresh is whole. */
async function refreshedFrom(local: Storage): Promise<string | null> {
  const row = await sql<{ value: string }>`select value from offline_link where key = 'snapshot'`.execute(
    local.db,
  );
  return row.rows[0]?.value ?? null;
}

/**
 * The store is about to write its copy itself (it sells offline): what it writes is not head
 * office's, so the next refresh copies whole again instead of only what head office changed.
 */
export async function forgetSnapshot(local: Storage): Promise<void> {
  await local.write(async (trx) => {
    await sql`delete from offline_link where key = 'snapshot'`.execute(trx);
  });
}

/** Rows read from head office at a time: a whole copy holds one batch in memory, not a table. */
const BATCH = 2000;

/**
 * More changed rows than this since the last refresh (a catalogue imported, a price change on
 * every style): the refresh copies whole, in batches, rather than hold their keys in memory.
 */
const MOST_CHANGES = 50_000;

/** What one refresh did: rows written into the copy, rows it deleted there first, whether it was whole. */
export interface Refreshed {
  written: number;
  deleted: number;
  whole: boolean;
}

type Row = Record<string, unknown>;

/**
 * Brings the copied tables up to head office's, read in one repeatable-read snapshot and written
 * in one local transaction: a till never sells from half a refresh. The first refresh (and the
 * first after the store sold offline, or after head office pruned changes it had not seen yet)
 * copies whole tables, a batch at a time by primary key; later ones only the rows head office's
 * log (`row_changes`, migration 34) names as changed by a transaction the last refresh's snapshot
 * did not see — committed before it, still running then, or since — so a refresh with nothing
 * changed writes nothing. The caller refreshes only with nothing queued, so nothing sold offline
 * is overwritten before head office has it.
 */
export async function refreshLocalCopy(
  chain: Storage,
  local: Storage,
  storeId: string,
  at: Date,
): Promise<Refreshed> {
  const since = await refreshedFrom(local);
  const keys = new Map(
    [...CHAIN_TABLES, ...STORE_TABLES].map((name) => [name, primaryKey(local, name)] as const),
  );
  // The store's own rows of a store table (only open shifts), nothing more of a chain table.
  const mine = (name: CopiedTable) =>
    (STORE_TABLES as readonly string[]).includes(name)
      ? sql` and t.store_id = ${storeId}${name === 'shifts' ? sql` and t.status = 'open'` : sql``}`
      : sql``;
  return local.write((copy) =>
    chain.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (head) => {
        // The first statement: it takes the snapshot every read below sees, the log's start too.
        const first = await sql<{ snapshot: string; inLog: boolean | null }>`select
            pg_current_snapshot()::text as snapshot,
            ${since}::pg_snapshot is not null and pg_snapshot_xmin(${since}::pg_snapshot)::text::bigint >=
              coalesce((select kept_from from row_changes_kept where id = 1), 0) as "inLog"`.execute(head);
        const { snapshot, inLog } = first.rows[0] as { snapshot: string; inLog: boolean | null };
        const changed = since && inLog ? await changedKeys(head, since) : null;
        const done: Refreshed = { written: 0, deleted: 0, whole: changed === null };
        const write = async (name: CopiedTable, rows: Row[]) => {
          done.written += await insertRows(copy, name, rows);
        };
        if (changed === null) {
          for (const [name, key] of keys) {
            await sql`delete from ${sql.table(name)}`.execute(copy);
            let after: Row | undefined;
            for (;;) {
              const next = after
                ? sql` and (${columnList(key, 't')}) > (${sql.join(key.map((c) => sql`${after?.[c]}`))})`
                : sql``;
              const rows = await sql<Row>`select t.* from ${sql.table(name)} t where true${mine(name)}${next}
                order by ${columnList(key, 't')} limit ${BATCH}`
                .execute(head)
                .then((r) => r.rows);
              await write(name, rows);
              after = rows[rows.length - 1];
              if (rows.length < BATCH) break;
            }
          }
        } else {
          for (const [name, key] of keys) {
            const all = changed.get(name) ?? [];
            for (let i = 0; i < all.length; i += BATCH) {
              const some = all.slice(i, i + BATCH);
              // The changed rows as head office holds them now (none for a deleted row or, of a
              // store table, another store's): the copy's rows of those keys are replaced.
              const rows = await sql<Row>`select t.* from ${sql.table(name)} t
                where (${columnList(key, 't')}) in (select ${columnList(key, 'k')}
                  from jsonb_populate_recordset(null::${sql.table(name)}, ${JSON.stringify(some)}::jsonb) k)${mine(name)}`
                .execute(head)
                .then((r) => r.rows);
              const gone = await copy
                .deleteFrom(name)
                .where(
                  sql`(${columnList(key)})`,
                  'in',
                  sql`(values ${sql.join(some.map((k) => sql`(${sql.join(key.map((c) => sql`${k[c] ?? null}`))})`))})`,
                )
                .executeTakeFirst();
              await write(name, rows);
              done.deleted += Number(gone.numDeletedRows);
            }
          }
        }
        await sql`insert into offline_link (key, value) values ('copied_at', ${at.toISOString()}), ('snapshot', ${snapshot})
          on conflict (key) do update set value = excluded.value`.execute(copy);
        return done;
      }),
  );
}

/**
 * The keys of the rows head office changed in transactions `since` did not see, by table; null
 * when there are more than `MOST_CHANGES` (a whole copy then). A transaction below the
 * snapshot's xmin had ended before it, so the log's index finds the rest.
 */
async function changedKeys(head: Kysely<Database>, since: string): Promise<Map<string, Row[]> | null> {
  const rows = await sql<{
    table_name: string;
    row_key: string;
  }>`select distinct table_name, row_key from row_changes
    where changed_in >= pg_snapshot_xmin(${since}::pg_snapshot)::text::bigint
      and not pg_visible_in_snapshot(changed_in::text::xid8, ${since}::pg_snapshot)
    limit ${MOST_CHANGES + 1}`.execute(head);
  if (rows.rows.length > MOST_CHANGES) return null;
  const byTable = new Map<string, Row[]>();
  for (const row of rows.rows) {
    const keys = byTable.get(row.table_name) ?? [];
    keys.push(JSON.parse(row.row_key) as Row);
    byTable.set(row.table_name, keys);
  }
  return byTable;
}

/** A table's primary-key columns, in key order (the local copy has head office's schema). */
function primaryKey(local: Storage, table: string): string[] {
  const columns = local.sqlite?.prepare(`pragma table_info("${table}")`).all() as {
    name: string;
    pk: number;
  }[];
  const key = columns
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
  if (key.length === 0) throw new Error(`${table} has no primary key to copy it by`);
  return key;
}

const columnList = (columns: string[], table?: string) =>
  sql.join(columns.map((c) => (table ? sql.ref(`${table}.${c}`) : sql.id(c))));

/** Writes `rows` into the copy's `table`; returns how many. */
async function insertRows(copy: Kysely<Database>, table: string, rows: Row[]): Promise<number> {
  const first = rows[0];
  if (!first) return 0;
  const columns = Object.keys(first);
  // SQLite takes at most 32,766 parameters a statement.
  const batch = Math.max(1, Math.floor(30_000 / columns.length));
  for (let i = 0; i < rows.length; i += batch) {
    const values = rows
      .slice(i, i + batch)
      .map((row) => sql`(${sql.join(columns.map((column) => sql`${row[column] ?? null}`))})`);
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.id(c)))}) values ${sql.join(values)}`.execute(
      copy,
    );
  }
  return rows.length;
}
