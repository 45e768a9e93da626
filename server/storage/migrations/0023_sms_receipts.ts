import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * SMS through a provider (Alibaba Cloud, Tencent Cloud): the provider's id of each message
 * it took (BizId / SerialNo), so its delivery receipt finds the outbox row, and when the
 * phone got it (`delivered`). The owner's price of one SMS (fen) and the 退订 line, for the
 * count and cost shown before a 群发.
 */
export const smsReceipts: Migration = {
  version: 23,
  name: 'sms receipts',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('campaign_outbox').addColumn('provider_ref', 'text').execute();
    await db.schema.alterTable('campaign_outbox').addColumn('delivered_at', 'text').execute();
    await db.schema
      .createIndex('campaign_outbox_provider_ref')
      .on('campaign_outbox')
      .columns(['store_id', 'provider_ref'])
      .execute();
    await db.schema
      .alterTable('campaign_settings')
      .addColumn('sms_price_fen', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('campaign_settings')
      .addColumn('sms_opt_out', 'text', (c) => c.notNull().defaultTo('回T退订'))
      .execute();
  },
};
