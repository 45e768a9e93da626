import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Best-sellers, slow-sellers and sales by style at chain size (issue 23): they sum a range's
 * sale lines per style, and over 15,000,000 lines each of the range's sales and lines was read
 * from its table row (a sale's row carries its receipt) after the index found it. The two
 * indexes that find them now hold what those reports read, so the rows are never visited. They
 * replace the narrower ones rather than adding an index: a sale writes the same index entries
 * as before, only longer. Returns get an index by store day: every report read all of them.
 */
export const reportIndexes: Migration = {
  version: 33,
  name: 'report indexes',
  async up(db: Kysely<unknown>) {
    await sql`drop index sales_day`.execute(db);
    await sql`create index sales_day on sales (store_id, business_day, training, status, id)`.execute(db);
    await sql`drop index sale_lines_sale`.execute(db);
    await sql`create index sale_lines_sale on sale_lines (sale_id, line_no, style_id, qty, total, unit_cost)`.execute(
      db,
    );
    await sql`create index returns_day on returns (store_id, business_day)`.execute(db);
  },
};
