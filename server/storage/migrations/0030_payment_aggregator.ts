import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * The aggregator a mobile payment went through (`upay` for 收钱吧), or null when it went to the
 * wallet's own provider. The payment's provider stays the wallet of the customer's code; this
 * says whose books to compare it with.
 */
export const paymentAggregator: Migration = {
  version: 30,
  name: 'payment aggregator',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('payments').addColumn('aggregator', 'text').execute();
  },
};
