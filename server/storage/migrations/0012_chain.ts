import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Chain mode: a store's address, and which staff work for the whole chain (head office) rather
 * than one store. Owners made before this work for the whole chain.
 */
export const chain: Migration = {
  version: 12,
  name: 'chain',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('stores').addColumn('address', 'text').execute();
    await db.schema
      .alterTable('staff')
      .addColumn('chain_wide', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await sql`update staff set chain_wide = 1 where role = 'owner'`.execute(db);
  },
};
