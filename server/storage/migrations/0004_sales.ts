import { type Kysely, sql } from 'kysely';
import { makeAppendOnly, refuseOnPostgres } from '../append-only.js';
import type { Migration } from '../migrator.js';

/** Ledgers of checkout: rows are only ever added. */
const APPEND_ONLY = [
  'sale_line_discounts',
  'sale_payments',
  'returns',
  'return_lines',
  'refunds',
  'sale_exceptions',
] as const;

/**
 * Checkout: sales with their lines, per-line discounts and payments; returns (and exchanges)
 * with their lines and refunds; gap-free receipt numbers per store and day; promotions; the
 * sales settings (return window, cashier discount limit, cash rounding); the exception log.
 */
export const sales: Migration = {
  version: 4,
  name: 'sales',
  async up(db: Kysely<unknown>, engine) {
    await db.schema
      .createTable('sales')
      /** The terminal's UUID: the idempotency key. */
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('number', 'text', (c) => c.notNull())
      /** The store's local calendar day (YYYY-MM-DD) the sale belongs to. */
      .addColumn('business_day', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('device_id', 'text', (c) => c.references('devices.id'))
      .addColumn('member_id', 'text', (c) => c.references('members.id'))
      .addColumn('training', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('subtotal', 'integer', (c) => c.notNull())
      .addColumn('discount_total', 'integer', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull().check(sql`total >= 0`))
      .addColumn('paid', 'integer', (c) => c.notNull())
      .addColumn('change', 'integer', (c) => c.notNull().check(sql`change >= 0`))
      .addColumn('rounding', 'integer', (c) => c.notNull())
      .addColumn('points_earned', 'integer', (c) => c.notNull())
      .addColumn('points_redeemed', 'integer', (c) => c.notNull())
      /** sha256 of the canonical request body: the same id with another body is a 409. */
      .addColumn('request_hash', 'text', (c) => c.notNull())
      /** The first answer, returned as it was to a repeat of the same request. */
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('receipt', 'text', (c) => c.notNull())
      .addColumn('exchange_of', 'text')
      .addColumn('voided_at', 'text')
      .addColumn('voided_by', 'text', (c) => c.references('staff.id'))
      .addColumn('void_approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('void_reason', 'text')
      .execute();
    await db.schema
      .createIndex('sales_number')
      .unique()
      .on('sales')
      .columns(['store_id', 'number'])
      .execute();
    await db.schema.createIndex('sales_member').on('sales').columns(['member_id', 'at']).execute();
    await db.schema.createIndex('sales_day').on('sales').columns(['store_id', 'business_day']).execute();

    await db.schema
      .createTable('sale_lines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('sale_id', 'text', (c) => c.notNull().references('sales.id'))
      .addColumn('line_no', 'integer', (c) => c.notNull())
      .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id'))
      .addColumn('style_id', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text')
      .addColumn('barcode', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('color', 'text', (c) => c.notNull())
      .addColumn('size', 'text', (c) => c.notNull())
      .addColumn('qty', 'integer', (c) => c.notNull().check(sql`qty > 0`))
      .addColumn('list_price', 'integer', (c) => c.notNull())
      .addColumn('unit_price', 'integer', (c) => c.notNull())
      .addColumn('price_override', 'integer')
      .addColumn('discount_total', 'integer', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull().check(sql`total >= 0`))
      /** Cached sum of return_lines.qty; the only column that changes. */
      .addColumn('returned_qty', 'integer', (c) =>
        c.notNull().defaultTo(0).check(sql`returned_qty >= 0 and returned_qty <= qty`),
      )
      .execute();
    await db.schema.createIndex('sale_lines_sale').on('sale_lines').columns(['sale_id', 'line_no']).execute();

    await db.schema
      .createTable('sale_line_discounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('sale_id', 'text', (c) => c.notNull().references('sales.id'))
      .addColumn('line_id', 'text', (c) => c.notNull().references('sale_lines.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('ref', 'text')
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('amount', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sale_line_discounts_sale')
      .on('sale_line_discounts')
      .columns(['sale_id', 'line_id'])
      .execute();

    await db.schema
      .createTable('sale_payments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('sale_id', 'text', (c) => c.notNull().references('sales.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      /** What was tendered (cash: what the customer handed over). */
      .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('reference', 'text')
      /** Stored value only: how much came from principal and from bonus. */
      .addColumn('principal', 'integer')
      .addColumn('bonus', 'integer')
      .execute();
    await db.schema.createIndex('sale_payments_sale').on('sale_payments').column('sale_id').execute();

    await db.schema
      .createTable('returns')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      /** Null for a return without a receipt. */
      .addColumn('sale_id', 'text', (c) => c.references('sales.id'))
      .addColumn('number', 'text', (c) => c.notNull())
      .addColumn('business_day', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('device_id', 'text', (c) => c.references('devices.id'))
      .addColumn('member_id', 'text', (c) => c.references('members.id'))
      .addColumn('training', 'integer', (c) => c.notNull())
      /** What the returned goods were worth (their share of the sale, after every discount). */
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('points_taken', 'integer', (c) => c.notNull())
      .addColumn('points_shortfall', 'integer', (c) => c.notNull())
      /** The value of points the member already spent, kept back from the refund. */
      .addColumn('kept_back', 'integer', (c) => c.notNull())
      .addColumn('points_given_back', 'integer', (c) => c.notNull())
      .addColumn('refund_total', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('receipt', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('returns_sale').on('returns').column('sale_id').execute();
    await db.schema
      .createIndex('returns_number')
      .unique()
      .on('returns')
      .columns(['store_id', 'number'])
      .execute();

    await db.schema
      .createTable('return_lines')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('return_id', 'text', (c) => c.notNull().references('returns.id'))
      .addColumn('sale_line_id', 'text', (c) => c.references('sale_lines.id'))
      .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id'))
      .addColumn('qty', 'integer', (c) => c.notNull().check(sql`qty > 0`))
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('points_discount', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('return_lines_return').on('return_lines').column('return_id').execute();
    await db.schema.createIndex('return_lines_sale_line').on('return_lines').column('sale_line_id').execute();

    await db.schema
      .createTable('refunds')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('return_id', 'text', (c) => c.notNull().references('returns.id'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('amount', 'integer', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('reference', 'text')
      .execute();
    await db.schema.createIndex('refunds_return').on('refunds').column('return_id').execute();

    await db.schema
      .createTable('receipt_counters')
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('day', 'text', (c) => c.notNull())
      /** `sale`, `training`, `return`. */
      .addColumn('series', 'text', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('receipt_counters_pk', ['store_id', 'day', 'series'])
      .execute();

    await db.schema
      .createTable('promotions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull())
      .addColumn('exclusive_group', 'text')
      /** The rest of the engine's `Promotion` (conditions, rates, steps…), as JSON. */
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('staff.id'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('archived_at', 'text')
      .execute();
    await db.schema
      .createIndex('promotions_store')
      .on('promotions')
      .columns(['store_id', 'active'])
      .execute();

    await db.schema
      .createTable('sales_settings')
      .addColumn('store_id', 'text', (c) => c.primaryKey().references('stores.id'))
      .addColumn('return_days', 'integer', (c) => c.notNull())
      .addColumn('cashier_discount_limit_bp', 'integer', (c) => c.notNull())
      .addColumn('rounding', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('sale_exceptions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('device_id', 'text', (c) => c.references('devices.id'))
      .addColumn('ref_type', 'text')
      .addColumn('ref_id', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sale_exceptions_store')
      .on('sale_exceptions')
      .columns(['store_id', 'id'])
      .execute();

    await makeAppendOnly(db, engine, APPEND_ONLY);
    if (engine === 'sqlite') {
      await sql`create trigger sale_lines_no_update before update of
          id, store_id, sale_id, line_no, sku_id, style_id, category_id, barcode, name, color, size, qty,
          list_price, unit_price, price_override, discount_total, total on sale_lines
        begin select raise(abort, 'sale_lines is append-only except returned_qty'); end`.execute(db);
      await sql`create trigger sale_lines_no_delete before delete on sale_lines
        begin select raise(abort, 'sale_lines is append-only except returned_qty'); end`.execute(db);
      await sql`create trigger sales_no_delete before delete on sales
        begin select raise(abort, 'sales are never deleted'); end`.execute(db);
    } else {
      await refuseOnPostgres(db, 'sale_lines', 'sale_lines is append-only except returned_qty', {
        update: [
          ...['id', 'store_id', 'sale_id', 'line_no', 'sku_id', 'style_id', 'category_id', 'barcode', 'name'],
          ...[
            'color',
            'size',
            'qty',
            'list_price',
            'unit_price',
            'price_override',
            'discount_total',
            'total',
          ],
        ],
        remove: true,
      });
      await refuseOnPostgres(db, 'sales', 'sales are never deleted', { remove: true });
    }
  },
};
