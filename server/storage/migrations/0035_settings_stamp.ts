import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * The tables a sale reads its shop settings from (`domain/sales/sale-settings.ts`): the category
 * tree, the promotions, the checkout rules, the loyalty settings, the tiers, the receipt text.
 */
const SALE_SETTINGS_TABLES = [
  'categories',
  'promotions',
  'sales_settings',
  'loyalty_settings',
  'tiers',
  'receipt_settings',
] as const;

/**
 * A stamp that changes whenever any of the sale's settings tables changes, set by triggers in
 * the changing transaction itself (on both engines, whoever writes: this server, another store's
 * in a chain, a local copy's refresh, a restore). A sale reads the stamp — one row — and keeps
 * the settings it parsed for as long as the stamp stays the same, instead of reading and parsing
 * all six tables each time. The stamp is random, not a counter: a database restored from a
 * backup and changed again never shows an old stamp for other settings.
 */
export const settingsStamp: Migration = {
  version: 35,
  name: 'settings stamp',
  async up(db: Kysely<unknown>, engine) {
    await db.schema
      .createTable('settings_stamp')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('stamp', 'text', (c) => c.notNull())
      .execute();
    if (engine === 'postgres') {
      await sql`insert into settings_stamp (id, stamp) values (1, gen_random_uuid()::text)`.execute(db);
      await sql`create function settings_changed() returns trigger language plpgsql as $$
        begin
          update settings_stamp set stamp = gen_random_uuid()::text where id = 1;
          return null;
        end $$`.execute(db);
      for (const table of SALE_SETTINGS_TABLES) {
        await sql`create trigger ${sql.id(`${table}_settings_changed`)}
          after insert or update or delete or truncate on ${sql.table(table)}
          for each statement execute function settings_changed()`.execute(db);
      }
      return;
    }
    await sql`insert into settings_stamp (id, stamp) values (1, lower(hex(randomblob(16))))`.execute(db);
    for (const table of SALE_SETTINGS_TABLES) {
      for (const change of ['insert', 'update', 'delete'] as const) {
        await sql`create trigger ${sql.id(`${table}_settings_${change}`)} after ${sql.raw(change)} on ${sql.table(table)}
          begin update settings_stamp set stamp = lower(hex(randomblob(16))) where id = 1; end`.execute(db);
      }
    }
  },
};
