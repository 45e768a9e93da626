import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { LowStockItem } from '../../protocol/inventory.js';

/** Recent sales the reorder suggestion covers. */
export const REORDER_WINDOW_DAYS = 28;

/** Active SKUs at or below their low-stock threshold in this store, with a reorder suggestion. */
export async function listLowStock(ctx: AppContext): Promise<LowStockItem[]> {
  const db = ctx.storage.db;
  const since = new Date(ctx.now().getTime() - REORDER_WINDOW_DAYS * 86_400_000).toISOString();
  const threshold = sql<number>`coalesce(k.low_stock_threshold, s.low_stock_threshold)`;
  const onHand = sql<number>`coalesce(l.on_hand, 0)`;
  const rows = await db
    .selectFrom('skus as k')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .leftJoin('stock_levels as l', (join) =>
      join.onRef('l.sku_id', '=', 'k.id').on('l.store_id', '=', ctx.store.id),
    )
    .select([
      'k.id as skuId',
      'k.barcode',
      's.style_code as styleCode',
      's.name',
      'k.color',
      'k.size',
      onHand.as('onHand'),
      threshold.as('threshold'),
      (eb) =>
        eb
          .selectFrom('stock_movements as m')
          .select(sql<number>`coalesce(-sum(m.delta), 0)`.as('sold'))
          .whereRef('m.sku_id', '=', 'k.id')
          .where('m.store_id', '=', ctx.store.id)
          .where('m.kind', 'in', ['sale', 'return'])
          .where('m.at', '>=', since)
          .as('soldRecently'),
    ])
    .where('k.active', '=', 1)
    .where('s.active', '=', 1)
    .where(threshold, 'is not', null)
    .where(onHand, '<=', threshold)
    .orderBy('s.style_code')
    .orderBy('k.id')
    .execute();
  return rows.map((row) => {
    const sold = Math.max(0, Number(row.soldRecently ?? 0));
    return {
      ...row,
      soldRecently: sold,
      suggestedOrder: Math.max(0, sold + row.threshold - row.onHand),
    };
  });
}
