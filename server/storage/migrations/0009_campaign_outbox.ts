import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/** Campaign delivery: the owner's cap and quiet hours, and an outbox of messages with retries. */
export const campaignOutbox: Migration = {
  version: 9,
  name: 'campaign_outbox',
  async up(db: Kysely<unknown>) {
    /** One row per store once the owner changed a default (see CAMPAIGN_DEFAULTS). */
    await db.schema
      .createTable('campaign_settings')
      .addColumn('store_id', 'text', (c) => c.primaryKey().references('stores.id'))
      .addColumn('cap_count', 'integer', (c) => c.notNull())
      .addColumn('cap_days', 'integer', (c) => c.notNull())
      /** Store-local hours (0–23): no message goes out from `quiet_start` until `quiet_end`. */
      .addColumn('quiet_start', 'integer', (c) => c.notNull())
      .addColumn('quiet_end', 'integer', (c) => c.notNull())
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    /** Messages waiting for, or done with, a channel's gateway. */
    await db.schema
      .createTable('campaign_outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      /** The send-log row this delivers; null for a test send to the owner. */
      .addColumn('message_id', 'text', (c) => c.references('campaign_messages.id'))
      .addColumn('channel', 'text', (c) => c.notNull())
      /** The JSON the gateway receives. */
      .addColumn('payload', 'text', (c) => c.notNull())
      /** `queued`, `sent` or `failed` (after the last attempt). */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .execute();
    await db.schema
      .createIndex('campaign_outbox_due')
      .on('campaign_outbox')
      .columns(['store_id', 'status', 'next_attempt_at'])
      .execute();
    // The frequency cap counts a member's recent messages.
    await db.schema
      .createIndex('campaign_messages_member_at')
      .on('campaign_messages')
      .columns(['member_id', 'at'])
      .execute();
  },
};
