import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/** Stars and an optional comment left by customers at the lookup kiosk. */
export const feedback: Migration = {
  version: 10,
  name: 'feedback',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('feedback')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      /** 1–5. */
      .addColumn('stars', 'integer', (c) => c.notNull())
      .addColumn('comment', 'text')
      /** The kiosk it was left at. */
      .addColumn('device_id', 'text', (c) => c.references('devices.id'))
      /** When the customer gave their member code. */
      .addColumn('member_id', 'text', (c) => c.references('members.id'))
      .execute();
    await db.schema.createIndex('feedback_store_id').on('feedback').columns(['store_id', 'id']).execute();
  },
};
