import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * What the shop prints on its receipts beyond the sale: its address and phone, its 退换须知
 * and a footer. The owner edits them on the admin page, not in config.json.
 */
export const receiptText: Migration = {
  version: 21,
  name: 'receipt text',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('receipt_settings')
      .addColumn('store_id', 'text', (c) => c.primaryKey().references('stores.id'))
      .addColumn('address', 'text', (c) => c.notNull())
      .addColumn('phone', 'text', (c) => c.notNull())
      /** One printed line per text line. */
      .addColumn('returns_policy', 'text', (c) => c.notNull())
      .addColumn('footer', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
