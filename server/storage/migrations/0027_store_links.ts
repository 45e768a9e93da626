import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Each chain store's link to head office as the store last reported it (mode, offline sales
 * still waiting, rows held for a manager): head office's page shows it with when the store was
 * last heard from. A single shop writes none.
 */
export const storeLinks: Migration = {
  version: 27,
  name: 'store links',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('store_links')
      .addColumn('store_id', 'text', (c) => c.primaryKey().references('stores.id'))
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('waiting', 'integer', (c) => c.notNull())
      .addColumn('held', 'integer', (c) => c.notNull())
      .addColumn('copied_at', 'text')
      .addColumn('reported_at', 'text', (c) => c.notNull())
      .execute();
  },
};
