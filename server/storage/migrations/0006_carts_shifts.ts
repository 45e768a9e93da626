import { type Kysely, sql } from 'kysely';
import { makeAppendOnly } from '../append-only.js';
import type { Migration } from '../migrator.js';

/** Carts kept on the server per terminal (held carts too), and shifts with their cash entries. */
export const cartsAndShifts: Migration = {
  version: 6,
  name: 'carts_shifts',
  async up(db: Kysely<unknown>, engine) {
    await db.schema
      .createTable('carts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('terminal_id', 'text', (c) => c.notNull().references('devices.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('label', 'text')
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('sale_id', 'text')
      .addColumn('created_by', 'text', (c) => c.references('staff.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // One cart in progress per terminal.
    await db.schema
      .createIndex('carts_active_terminal')
      .on('carts')
      .column('terminal_id')
      .unique()
      .where(sql.ref('status'), '=', 'active')
      .execute();
    await db.schema
      .createIndex('carts_terminal_status')
      .on('carts')
      .columns(['terminal_id', 'status'])
      .execute();
    await db.schema.createIndex('carts_sale').on('carts').column('sale_id').execute();

    await db.schema
      .createTable('shifts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('terminal_id', 'text', (c) => c.notNull().references('devices.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('opened_by', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('opening_float', 'integer', (c) => c.notNull().check(sql`opening_float >= 0`))
      .addColumn('closed_by', 'text', (c) => c.references('staff.id'))
      .addColumn('closed_at', 'text')
      .addColumn('expected_cash', 'integer')
      .addColumn('counted_cash', 'integer')
      .addColumn('variance', 'integer')
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('shifts_open_terminal')
      .on('shifts')
      .column('terminal_id')
      .unique()
      .where(sql.ref('status'), '=', 'open')
      .execute();

    await db.schema
      .createTable('shift_cash_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('shift_id', 'text', (c) => c.notNull().references('shifts.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('shift_cash_entries_shift')
      .on('shift_cash_entries')
      .column('shift_id')
      .execute();
    await makeAppendOnly(db, engine, ['shift_cash_entries']);
  },
};
