import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Selling needs an open shift on the till (on unless the shop turns it off): a sale after 交班
 * belonged to no shift and was missing from every shift's cash count.
 */
export const shiftRequired: Migration = {
  version: 18,
  name: 'shift required to sell',
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('sales_settings')
      .addColumn('require_shift', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
};
