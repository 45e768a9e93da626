import { type Kysely, sql } from 'kysely';
import { refuseOnPostgres } from '../append-only.js';
import type { Migration } from '../migrator.js';

/** Every column of a sale line that never changes once written: all but `returned_qty`. */
const FIXED_LINE_COLUMNS = [
  ...['id', 'store_id', 'sale_id', 'line_no', 'sku_id', 'style_id', 'category_id', 'barcode', 'name'],
  ...['color', 'size', 'qty', 'list_price', 'unit_price', 'price_override', 'discount_total', 'total'],
  'unit_cost',
];

/**
 * What the reports read without joining the catalogue on every row:
 * - `sale_lines.unit_cost`: the style's cost when the line was sold (null when it had none), so
 *   a past month's margin stays what it was when the owner later changes a cost. Lines sold
 *   before this take the style's cost of today. It joins the line's fixed columns.
 * - `stock_levels.style_id` and `.size`: the SKU's, which never change, so stock on hand per
 *   style and per size reads one index.
 */
export const reportColumns: Migration = {
  version: 13,
  name: 'report columns',
  async up(db: Kysely<unknown>, engine) {
    await db.schema.alterTable('sale_lines').addColumn('unit_cost', 'integer').execute();
    await sql`update sale_lines set unit_cost = st.cost from styles st where st.id = sale_lines.style_id`.execute(
      db,
    );
    if (engine === 'sqlite') {
      await sql`drop trigger sale_lines_no_update`.execute(db);
      await sql`create trigger sale_lines_no_update before update of ${sql.join(FIXED_LINE_COLUMNS.map((c) => sql.id(c)))}
          on sale_lines
        begin select raise(abort, 'sale_lines is append-only except returned_qty'); end`.execute(db);
    } else {
      await sql`drop trigger sale_lines_no_update on sale_lines`.execute(db);
      await refuseOnPostgres(db, 'sale_lines', 'sale_lines is append-only except returned_qty', {
        update: FIXED_LINE_COLUMNS,
      });
    }

    await db.schema
      .alterTable('stock_levels')
      .addColumn('style_id', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('stock_levels')
      .addColumn('size', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await sql`update stock_levels set style_id = k.style_id, size = k.size from skus k
      where k.id = stock_levels.sku_id`.execute(db);
    await db.schema
      .createIndex('stock_levels_style')
      .on('stock_levels')
      .columns(['store_id', 'style_id', 'size', 'on_hand'])
      .execute();
  },
};
