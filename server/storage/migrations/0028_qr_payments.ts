import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Payments the customer makes by scanning the shop's QR code on the customer display (WeChat
 * Native / Alipay precreate), beside the codes the cashier scans:
 * - `mode`: `code` (the customer's 付款码 scanned) or `qr` (the customer scans ours); written with
 *   the row, before the provider is asked, so a crash in between is closed as a QR order.
 * - `qr_url`: what the provider gave to show as the QR code; null until it answered.
 */
export const qrPayments: Migration = {
  version: 28,
  name: 'qr payments',
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('payments')
      .addColumn('mode', 'text', (c) => c.notNull().defaultTo('code'))
      .execute();
    await db.schema.alterTable('payments').addColumn('qr_url', 'text').execute();
  },
};
