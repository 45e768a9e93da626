import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Mobile payments (付款码): one row per payment the till asked for, written with its
 * out_trade_no before the provider is called, so that a crash leaves a row to query; and one
 * row per refund asked of the provider, written with its out_refund_no before it is sent.
 */
export const payments: Migration = {
  version: 19,
  name: 'payments',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('payments')
      /** The terminal's idempotency key. */
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      /** wechat | alipay */
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('out_trade_no', 'text', (c) => c.notNull().unique())
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      /** pending | succeeded | failed | cancelled */
      .addColumn('status', 'text', (c) => c.notNull())
      /** Until the provider answered for sure: the server must query before deciding anything. */
      .addColumn('unsettled', 'integer', (c) => c.notNull())
      .addColumn('transaction_id', 'text')
      .addColumn('failure', 'text')
      /** The cashier (or the timeout) asked to cancel; the follow-up reverses it. */
      .addColumn('cancel_asked', 'integer', (c) => c.notNull().defaultTo(0))
      /** A cancel that found the money taken and gave it back. */
      .addColumn('refunded_on_cancel', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('sale_id', 'text')
      .addColumn('member_id', 'text')
      .addColumn('staff_id', 'text')
      .addColumn('device_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      /** After this, a payment the customer has not confirmed is cancelled. */
      .addColumn('deadline_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('payments_open').on('payments').columns(['store_id', 'unsettled']).execute();
    await db.schema.createIndex('payments_sale').on('payments').columns(['store_id', 'sale_id']).execute();
    await db.schema
      .createTable('payment_refunds')
      /** The out_refund_no: the return's (or void's) id, so that a resend never refunds twice. */
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
      /** The return or void it serves (null for a cancel that refunded). */
      .addColumn('return_id', 'text')
      .addColumn('amount', 'integer', (c) => c.notNull())
      /** requested | processing | succeeded | failed */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('refund_id', 'text')
      .addColumn('failure', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('payment_refunds_payment')
      .on('payment_refunds')
      .columns(['payment_id'])
      .execute();
  },
};
