import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';

export interface LedgerMismatch {
  storeId: string;
  skuId: string;
  /** What the on-hand cache says. */
  cached: number;
  /** The sum of the SKU's movements. */
  ledger: number;
}

export interface LedgerCheck {
  /** SKU × store pairs compared. */
  checked: number;
  mismatches: LedgerMismatch[];
}

/**
 * Compares every cached on-hand with the sum of its ledger, in every store: a pair with
 * movements but no cache row counts as cached 0, and a cache row without movements as
 * ledger 0. Reads only.
 */
export async function checkStockLedger(db: Kysely<Database>): Promise<LedgerCheck> {
  const sums = await db
    .selectFrom('stock_movements')
    .select(['store_id', 'sku_id', (eb) => eb.fn.sum<number>('delta').as('total')])
    .groupBy(['sku_id', 'store_id'])
    .execute();
  const levels = await db.selectFrom('stock_levels').select(['store_id', 'sku_id', 'on_hand']).execute();
  const key = (storeId: string, skuId: string) => `${storeId} ${skuId}`;
  const cached = new Map(levels.map((row) => [key(row.store_id, row.sku_id), row.on_hand]));
  const mismatches: LedgerMismatch[] = [];
  for (const row of sums) {
    const k = key(row.store_id, row.sku_id);
    const have = cached.get(k) ?? 0;
    cached.delete(k);
    const ledger = Number(row.total);
    if (have !== ledger) mismatches.push({ storeId: row.store_id, skuId: row.sku_id, cached: have, ledger });
  }
  for (const [k, have] of cached) {
    const [storeId = '', skuId = ''] = k.split(' ');
    if (have !== 0) mismatches.push({ storeId, skuId, cached: have, ledger: 0 });
  }
  return { checked: sums.length + cached.size, mismatches };
}
