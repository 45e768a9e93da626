import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import type { SkuStock } from '../../protocol/inventory.js';
import { newestFirstPage } from '../../storage/paging.js';
import type { StockKind } from './ledger.js';

export interface MovementView {
  id: string;
  at: string;
  skuId: string;
  delta: number;
  onHandAfter: number;
  kind: StockKind;
  reason: string | null;
  ref: { type: string; id: string };
  unitCost: number | null;
  staffId: string | null;
}

export interface MovementFilter {
  skuId?: string | undefined;
  kind?: StockKind | undefined;
  /** Id of the last row of the previous page. */
  before?: string | undefined;
  limit: number;
}

/** The stock ledger of this store, newest first. */
export async function listMovements(
  ctx: AppContext,
  filter: MovementFilter,
): Promise<{ items: MovementView[]; nextBefore: string | null }> {
  let query = ctx.storage.db.selectFrom('stock_movements').selectAll().where('store_id', '=', ctx.store.id);
  if (filter.skuId) query = query.where('sku_id', '=', filter.skuId);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.before) query = query.where('id', '<', filter.before);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return newestFirstPage(rows, filter.limit, (row) => ({
    id: row.id,
    at: row.at,
    skuId: row.sku_id,
    delta: row.delta,
    onHandAfter: row.on_hand_after,
    kind: row.kind as StockKind,
    reason: row.reason,
    ref: { type: row.ref_type, id: row.ref_id },
    unitCost: row.unit_cost,
    staffId: row.staff_id,
  }));
}

/** `GET /api/skus/:id/stock`: this store's on-hand of one SKU. */
export async function skuStock(ctx: AppContext, skuId: string): Promise<SkuStock> {
  const row = await ctx.storage.db
    .selectFrom('skus as k')
    .leftJoin('stock_levels as l', (join) =>
      join.onRef('l.sku_id', '=', 'k.id').on('l.store_id', '=', ctx.store.id),
    )
    .select(['k.id', 'l.on_hand'])
    .where('k.id', '=', skuId)
    .executeTakeFirst();
  if (!row) throw notFound('SKU', skuId);
  return { skuId: row.id, onHand: row.on_hand ?? 0 };
}
