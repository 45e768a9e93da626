import { type Kysely, sql } from 'kysely';
import { makeAppendOnly, refuseOnPostgres } from '../append-only.js';
import type { Migration } from '../migrator.js';

/**
 * The redemption catalogue (gifts for points, each with its own stock ledger and cached
 * count), gift redemptions, and cancellations of scheduled price changes (price_changes is
 * append-only, so a cancellation is a row of its own that the price in force honours).
 */
export const gifts: Migration = {
  version: 5,
  name: 'gifts',
  async up(db: Kysely<unknown>, engine) {
    await db.schema
      .createTable('gifts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      /** What one gift costs in points. */
      .addColumn('points', 'integer', (c) => c.notNull().check(sql`points > 0`))
      /** Cached: the sum of the gift's stock movements, written in the same transaction. */
      .addColumn('stock', 'integer', (c) => c.notNull().defaultTo(0).check(sql`stock >= 0`))
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('gifts_store_name')
      .unique()
      .on('gifts')
      .columns(['store_id', 'name'])
      .execute();

    await db.schema
      .createTable('gift_stock_movements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('gift_id', 'text', (c) => c.notNull().references('gifts.id'))
      .addColumn('delta', 'integer', (c) => c.notNull().check(sql`delta <> 0`))
      .addColumn('stock_after', 'integer', (c) => c.notNull().check(sql`stock_after >= 0`))
      /** receipt, adjustment, redemption, return. */
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ref_type', 'text')
      .addColumn('ref_id', 'text')
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('note', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('gift_stock_movements_gift')
      .on('gift_stock_movements')
      .columns(['gift_id', 'id'])
      .execute();

    await db.schema
      .createTable('gift_redemptions')
      /** The client's id: the same id is redeemed once. */
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('gift_id', 'text', (c) => c.notNull().references('gifts.id'))
      .addColumn('qty', 'integer', (c) => c.notNull().check(sql`qty > 0`))
      .addColumn('points', 'integer', (c) => c.notNull().check(sql`points > 0`))
      /** redeemed or returned. */
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('device_id', 'text', (c) => c.references('devices.id'))
      .addColumn('returned_at', 'text')
      .addColumn('returned_by', 'text', (c) => c.references('staff.id'))
      .addColumn('return_reason', 'text')
      .execute();
    await db.schema
      .createIndex('gift_redemptions_member')
      .on('gift_redemptions')
      .columns(['member_id', 'at'])
      .execute();

    await db.schema
      .createTable('price_change_cancellations')
      .addColumn('change_id', 'text', (c) => c.primaryKey().references('price_changes.id'))
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('style_id', 'text', (c) => c.notNull().references('styles.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();

    await makeAppendOnly(db, engine, ['gift_stock_movements', 'price_change_cancellations']);
    if (engine === 'sqlite') {
      // A redemption's facts never change; only its return is written onto it, once.
      await sql`create trigger gift_redemptions_no_update before update of
          id, store_id, member_id, gift_id, qty, points, at, staff_id, approver_id, device_id on gift_redemptions
        begin select raise(abort, 'gift_redemptions is append-only except its return'); end`.execute(db);
      await sql`create trigger gift_redemptions_no_delete before delete on gift_redemptions
        begin select raise(abort, 'gift_redemptions is append-only except its return'); end`.execute(db);
    } else {
      await refuseOnPostgres(db, 'gift_redemptions', 'gift_redemptions is append-only except its return', {
        update: [
          'id',
          'store_id',
          'member_id',
          'gift_id',
          'qty',
          'points',
          'at',
          'staff_id',
          'approver_id',
          'device_id',
        ],
        remove: true,
      });
    }
  },
};
