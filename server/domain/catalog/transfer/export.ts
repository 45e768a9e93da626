import { stringify } from 'csv-stringify/sync';
import type { AppContext } from '../../../context.js';
import { safeCell } from '../../../http/cells.js';
import { priceInForce } from '../price-in-force.js';
import { EXPORT_HEADER, fenToYuan } from './columns.js';

/**
 * The catalogue and this store's stock as one row per SKU, in the same columns the import
 * reads (Chinese headers, amounts in yuan with two decimals), so an export imports back
 * unchanged. Prices are those in force now. The 库存 (on-hand) column is information; an import ignores it.
 */
export async function catalogRows(ctx: AppContext): Promise<string[][]> {
  const rows = await ctx.storage.db
    .selectFrom('skus as k')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .leftJoin('categories as c', 'c.id', 's.category_id')
    .leftJoin('stock_levels as l', (join) =>
      join.onRef('l.sku_id', '=', 'k.id').on('l.store_id', '=', ctx.store.id),
    )
    .select([
      's.style_code',
      's.name',
      'c.path',
      'k.color',
      'k.size',
      'k.barcode',
      priceInForce(ctx.now().toISOString()).as('price'),
      's.tag_price',
      's.cost',
      's.brand',
      's.season',
      's.year',
      'l.on_hand',
    ])
    .where('s.store_id', '=', ctx.store.catalogId)
    .orderBy('s.style_code')
    .orderBy('k.id')
    .execute();
  return [
    EXPORT_HEADER.map(([, name]) => name),
    ...rows.map((row) => [
      row.style_code,
      row.name,
      row.path ?? '',
      row.color,
      row.size,
      row.barcode,
      fenToYuan(row.price),
      fenToYuan(row.tag_price),
      row.cost === null ? '' : fenToYuan(row.cost),
      row.brand ?? '',
      row.season ?? '',
      row.year === null ? '' : String(row.year),
      String(row.on_hand ?? 0),
    ]),
  ];
}

export async function exportCatalog(ctx: AppContext, format: 'csv' | 'xlsx'): Promise<Buffer> {
  const rows = (await catalogRows(ctx)).map((row) => row.map(safeCell));
  if (format === 'csv') return Buffer.from(`\uFEFF${stringify(rows)}`, 'utf8');
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('商品');
  // Text cells throughout: a barcode must not turn into 6.9E+12.
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
