import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * The offline rows head office refused, as the store last reported them (JSON: what each was
 * and why), so head office's page lists them for a manager without asking the store.
 */
export const storeLinkHeldRows: Migration = {
  version: 31,
  name: 'store link held rows',
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('store_links')
      .addColumn('held_rows', 'text', (c) => c.notNull().defaultTo('[]'))
      .execute();
  },
};
