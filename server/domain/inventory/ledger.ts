import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Outbox } from '../../events/outbox.js';
import type { Database } from '../../storage/schema.js';
import { inventorySettings } from './policy.js';

/** Every kind of stock movement. */
export const STOCK_KINDS = [
  'receipt',
  'sale',
  'return',
  'adjustment',
  'transfer_out',
  'transfer_in',
  'stocktake',
] as const;
export type StockKind = (typeof STOCK_KINDS)[number];

export interface StockMove {
  skuId: string;
  /** Units in (positive) or out (negative); never zero. */
  delta: number;
  kind: StockKind;
  /** Why, for adjustments: damaged, lost, found, correction. */
  reason?: string | null;
  /** The document behind the movement: a sale, a receipt, a stocktake… */
  ref: { type: string; id: string };
  staffId: string | null;
  /** Purchase cost per unit in fen, for receipts. */
  unitCost?: number | null;
}

export interface MoveResult {
  skuId: string;
  delta: number;
  onHand: number;
  /** Set when a sale went below zero under the `allow` policy. */
  warning: 'negative_stock' | null;
}

/**
 * Moves stock of one SKU in this store inside the caller's write transaction: appends the
 * ledger row, updates the cached on-hand, and queues `stock.changed` (and `stock.low` when
 * the SKU just fell to its threshold) on `outbox`, which the caller publishes after commit.
 *
 * Going below zero: a sale follows the store's negative-stock policy (`refuse` → 409 and the
 * caller's whole transaction rolls back); a transfer out or an adjustment never may; a
 * stocktake records what the count found.
 */
export async function moveStock(
  trx: Kysely<Database>,
  ctx: AppContext,
  move: StockMove,
  outbox: Outbox,
  field = 'skuId',
): Promise<MoveResult> {
  if (!Number.isSafeInteger(move.delta) || move.delta === 0) {
    throw new ApiError('validation_failed', 'A stock movement moves a whole number of units.', {
      [field]: 'zero or not whole',
    });
  }
  const sku = await trx
    .selectFrom('skus as k')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .leftJoin('stock_levels as l', (join) =>
      join.onRef('l.sku_id', '=', 'k.id').on('l.store_id', '=', ctx.store.id),
    )
    .select([
      'k.barcode',
      'k.style_id as styleId',
      'k.size',
      'k.low_stock_threshold as skuThreshold',
      's.low_stock_threshold as styleThreshold',
      's.style_code as styleCode',
      'l.on_hand as onHand',
    ])
    .where('k.id', '=', move.skuId)
    .executeTakeFirst();
  if (!sku)
    throw new ApiError('not_found', `No SKU with id ${JSON.stringify(move.skuId)}.`, {
      [field]: 'unknown SKU',
    });
  const before = sku.onHand ?? 0;
  const after = before + move.delta;
  let warning: MoveResult['warning'] = null;
  if (after < 0 && move.delta < 0) {
    const refuse =
      move.kind === 'sale'
        ? (await inventorySettings(trx, ctx)).negativeStock === 'refuse'
        : move.kind !== 'stocktake';
    if (refuse) {
      throw new ApiError(
        'conflict',
        `Not enough stock of ${sku.barcode}: ${before} on hand, ${-move.delta} wanted.`,
        {
          [field]: `only ${before} on hand`,
        },
      );
    }
    warning = 'negative_stock';
  }
  const at = ctx.now().toISOString();
  if (sku.onHand === null) {
    await trx
      .insertInto('stock_levels')
      .values({
        store_id: ctx.store.id,
        sku_id: move.skuId,
        style_id: sku.styleId,
        size: sku.size,
        on_hand: after,
        updated_at: at,
      })
      .execute();
  } else {
    await trx
      .updateTable('stock_levels')
      .set({ on_hand: after, updated_at: at })
      .where('store_id', '=', ctx.store.id)
      .where('sku_id', '=', move.skuId)
      .execute();
  }
  await trx
    .insertInto('stock_movements')
    .values({
      id: uuidv7(),
      store_id: ctx.store.id,
      sku_id: move.skuId,
      delta: move.delta,
      kind: move.kind,
      reason: move.reason ?? null,
      ref_type: move.ref.type,
      ref_id: move.ref.id,
      unit_cost: move.unitCost ?? null,
      on_hand_after: after,
      staff_id: move.staffId,
      at,
    })
    .execute();
  outbox.add('stock.changed', {
    skuId: move.skuId,
    delta: move.delta,
    onHand: after,
    kind: move.kind,
    ref: move.ref.id,
  });
  const threshold = sku.skuThreshold ?? sku.styleThreshold;
  if (threshold !== null && before > threshold && after <= threshold) {
    outbox.add('stock.low', {
      skuId: move.skuId,
      barcode: sku.barcode,
      styleCode: sku.styleCode,
      onHand: after,
      threshold,
    });
  }
  return { skuId: move.skuId, delta: move.delta, onHand: after, warning };
}

/** This store's on-hand of a SKU, from the cache. */
export async function onHand(db: Kysely<Database>, ctx: AppContext, skuId: string): Promise<number> {
  const row = await db
    .selectFrom('stock_levels')
    .select('on_hand')
    .where('store_id', '=', ctx.store.id)
    .where('sku_id', '=', skuId)
    .executeTakeFirst();
  return row?.on_hand ?? 0;
}
