import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * The tables a chain store keeps in its local copy for selling offline
 * (`domain/chain-link/local-copy.ts`), as they were when this migration was written.
 */
const COPIED = [
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
  'staff_sessions',
  'stock_levels',
  'shifts',
];

/**
 * Head office logs which rows of the copied tables changed, so a store refreshes its local copy
 * by what changed since its last refresh instead of copying whole tables (300,000 SKUs,
 * 1,000,000 members every 30 s). A row trigger writes one narrow row to `row_changes` per row
 * inserted, updated or deleted: the writing transaction (PostgreSQL's 64-bit
 * `pg_current_xact_id()`), the table and the row's primary key. A store asks for what its last
 * refresh's snapshot did not see (`pg_visible_in_snapshot`), exact however transactions overlap.
 * The copied tables get no column and no index of their own: a sale's update of a member or a
 * stock row stays a HOT update (no index entry rewritten), and only the log's one index grows.
 * `row_changes_kept` says from which transaction on the log is whole (pruned below it:
 * `chain-link/change-log.ts`), `row_change_marks` when head office's snapshots stood where, so
 * the log can be pruned by age without a clock on each row. The tables exist on SQLite too (one
 * schema), empty and written by nothing: a single shop has no store to refresh.
 */
export const rowChanges: Migration = {
  version: 34,
  name: 'row changes',
  async up(db: Kysely<unknown>, engine) {
    const postgres = engine === 'postgres';
    // A 64-bit transaction id: SQLite's integer is 64-bit already.
    const xid = postgres ? 'bigint' : 'integer';
    await db.schema
      .createTable('row_changes')
      .addColumn('changed_in', xid, (c) => c.notNull())
      .addColumn('table_name', 'text', (c) => c.notNull())
      // The key as JSON text (`{"id": …}`): text on both engines, so the copy to PostgreSQL and
      // the schema test know it; PostgreSQL's jsonb-to-text is canonical, so equal keys are equal text.
      .addColumn('row_key', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('row_changes_changed_in').on('row_changes').column('changed_in').execute();
    await db.schema
      .createTable('row_changes_kept')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('kept_from', xid, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('row_change_marks')
      .addColumn('at', 'text', (c) => c.primaryKey())
      .addColumn('oldest_running', xid, (c) => c.notNull())
      .execute();
    if (!postgres) return;
    for (const table of COPIED) {
      const key = await sql<{ name: string }>`select a.attname as name from pg_index i
        join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
        where i.indrelid = ${table}::regclass and i.indisprimary
        order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
      if (key.rows.length === 0) throw new Error(`${table} has no primary key to log its changes by`);
      const keyOf = (row: 'old' | 'new') =>
        sql`jsonb_build_object(${sql.join(key.rows.map((k) => sql`${sql.lit(k.name)}, ${sql.raw(row)}.${sql.id(k.name)}`))})`;
      const logged = (row: 'old' | 'new') =>
        sql`insert into row_changes (changed_in, table_name, row_key)
          values (pg_current_xact_id()::text::bigint, ${sql.lit(table)}, ${keyOf(row)}::text);`;
      const fn = sql.id(`row_changed_${table}`);
      // An update logs the row's old key, and its new one too when the key itself changed.
      await sql`create function ${fn}() returns trigger language plpgsql as $$
        begin
          if tg_op <> 'INSERT' then ${logged('old')} end if;
          if tg_op = 'INSERT' or (tg_op = 'UPDATE' and ${keyOf('old')} <> ${keyOf('new')}) then ${logged('new')} end if;
          return null;
        end $$`.execute(db);
      await sql`create trigger ${sql.id(`${table}_row_changed`)} after insert or delete on ${sql.table(table)}
        for each row execute function ${fn}()`.execute(db);
      // An update that changed nothing (the same values written again) is not a change.
      await sql`create trigger ${sql.id(`${table}_row_updated`)} after update on ${sql.table(table)}
        for each row when (old.* is distinct from new.*) execute function ${fn}()`.execute(db);
    }
  },
};
