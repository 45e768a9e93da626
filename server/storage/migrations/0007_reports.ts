import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/** Reports and marketing: the owner's saved member segments, and an index for member analytics. */
export const reports: Migration = {
  version: 7,
  name: 'reports',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('segments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      /** The builder's conditions as JSON (`segmentDefinition` in domain/marketing/segments.ts). */
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('staff.id'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // Member analytics read every member's sales (RFM, lifetime value, segments): this index
    // holds all they need, in member order, so they never read the sales rows themselves.
    await db.schema
      .createIndex('sales_member_totals')
      .on('sales')
      .columns(['store_id', 'member_id', 'training', 'status', 'business_day', 'total'])
      .execute();
    /** Where a channel's messages go: an HTTP gateway the owner configured. */
    await db.schema
      .createTable('marketing_channels')
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('token', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('marketing_channels_pk', ['store_id', 'channel'])
      .execute();
    await db.schema
      .createTable('campaigns')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('coupon_template_id', 'text')
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addColumn('sent_by', 'text', (c) => c.references('staff.id'))
      .execute();
    /** The send log: one row per recipient, with how it went. */
    await db.schema
      .createTable('campaign_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      /** `sent`, `failed` (with `error`) or `exported` (in the CSV for the owner to send). */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('campaign_messages_campaign')
      .on('campaign_messages')
      .column('campaign_id')
      .execute();
    await db.schema
      .createIndex('segments_store_name')
      .unique()
      .on('segments')
      .columns(['store_id', 'name'])
      .execute();
  },
};
