import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import { append } from '../../storage/appends.js';
import { hotQuery } from '../../storage/hot-query.js';
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
  const [moved] = await moveStocks(trx, ctx, [move], outbox, () => field);
  return moved as MoveResult;
}

/** What a move needs to know of its SKU besides its stock. */
export interface StockSku {
  id: string;
  barcode: string;
  styleId: string;
  size: string;
  styleCode: string;
  /** The SKU's low-stock threshold, else its style's (null: none). */
  threshold: number | null;
}

/** The SKUs of `ids` as `StockSku`, in one statement. */
async function stockSkus(trx: Kysely<Database>, ids: readonly string[]): Promise<StockSku[]> {
  if (ids.length === 0) return [];
  const rows = await trx
    .selectFrom('skus as k')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .select([
      'k.id',
      'k.barcode',
      'k.style_id as styleId',
      'k.size',
      'k.low_stock_threshold as skuThreshold',
      's.low_stock_threshold as styleThreshold',
      's.style_code as styleCode',
    ])
    .where('k.id', 'in', ids)
    .execute();
  return rows.map(({ skuThreshold, styleThreshold, ...sku }) => ({
    ...sku,
    threshold: skuThreshold ?? styleThreshold,
  }));
}

/**
 * Adds each SKU's total (`sku0`, `total0`, with `style0`, `size0` for a new row; `storeId`, `at`)
 * to its stock level, or starts the level at it, answering what each came to. The shape: how
 * many SKUs.
 */
const addToLevels = hotQuery((trx, value, skuCount: number) =>
  trx
    .insertInto('stock_levels')
    .values(
      Array.from({ length: skuCount }, (_, i) => ({
        store_id: value('storeId'),
        sku_id: value(`sku${i}`),
        style_id: value(`style${i}`),
        size: value(`size${i}`),
        on_hand: value(`total${i}`),
        updated_at: value('at'),
      })),
    )
    .onConflict((oc) =>
      oc.columns(['sku_id', 'store_id']).doUpdateSet((eb) => ({
        on_hand: eb('stock_levels.on_hand', '+', eb.ref('excluded.on_hand')),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returning(['sku_id', 'on_hand']),
);

/**
 * `moveStock` for several moves of one business action (a sale's lines) in two statements
 * whatever their number: the cached on-hand moved together (inserted or added to) returning
 * what it came to, and the ledger rows appended together — three when the SKUs are not given
 * (`known`: a sale read them when it was priced) and are read first. Each move sees the on-hand
 * the moves before it left (the same SKU twice in one sale counts down twice); `fieldOf(i)`
 * names the field an error about move `i` is reported on.
 */
export async function moveStocks(
  trx: Kysely<Database>,
  ctx: AppContext,
  moves: readonly StockMove[],
  outbox: Outbox,
  fieldOf: (i: number) => string,
  known: readonly StockSku[] = [],
): Promise<MoveResult[]> {
  for (const [i, move] of moves.entries()) {
    if (!Number.isSafeInteger(move.delta) || move.delta === 0) {
      throw new ApiError('validation_failed', 'A stock movement moves a whole number of units.', {
        [fieldOf(i)]: 'zero or not whole',
      });
    }
  }
  if (moves.length === 0) return [];
  const skus = new Map(known.map((sku) => [sku.id, sku]));
  const unknown = [...new Set(moves.map((move) => move.skuId))].filter((id) => !skus.has(id));
  for (const sku of await stockSkus(trx, unknown)) skus.set(sku.id, sku);
  const totals = new Map<string, number>();
  for (const [i, move] of moves.entries()) {
    if (!skus.has(move.skuId))
      throw new ApiError('not_found', `No SKU with id ${JSON.stringify(move.skuId)}.`, {
        [fieldOf(i)]: 'unknown SKU',
      });
    totals.set(move.skuId, (totals.get(move.skuId) ?? 0) + move.delta);
  }
  const at = ctx.now().toISOString();
  // A SKU without a cache row had none on hand: its row starts at its moves' total; one with a
  // row gets the total added, in the statement itself, which answers what each came to.
  const levels: Record<string, unknown> = { storeId: ctx.store.id, at };
  for (const [i, [skuId, total]] of [...totals].entries()) {
    const sku = skus.get(skuId) as StockSku;
    levels[`sku${i}`] = skuId;
    levels[`style${i}`] = sku.styleId;
    levels[`size${i}`] = sku.size;
    levels[`total${i}`] = total;
  }
  const moved = await addToLevels.all(trx, levels, totals.size);
  const onHandNow = new Map(
    moved.map((row) => [row.sku_id, row.on_hand - (totals.get(row.sku_id) as number)]),
  );
  const results: MoveResult[] = [];
  for (const [i, move] of moves.entries()) {
    const sku = skus.get(move.skuId) as StockSku;
    const before = onHandNow.get(move.skuId) ?? 0;
    const after = before + move.delta;
    let warning: MoveResult['warning'] = null;
    if (after < 0 && move.delta < 0) {
      const refuse =
        move.kind === 'sale'
          ? (await inventorySettings(trx, ctx)).negativeStock === 'refuse'
          : move.kind !== 'stocktake';
      // Written already: the refusal rolls the caller's whole transaction back.
      if (refuse) {
        throw new ApiError(
          'conflict',
          `Not enough stock of ${sku.barcode}: ${before} on hand, ${-move.delta} wanted.`,
          {
            [fieldOf(i)]: `only ${before} on hand`,
          },
        );
      }
      warning = 'negative_stock';
    }
    onHandNow.set(move.skuId, after);
    outbox.add('stock.changed', {
      skuId: move.skuId,
      delta: move.delta,
      onHand: after,
      kind: move.kind,
      ref: move.ref.id,
    });
    const { threshold } = sku;
    if (threshold !== null && before > threshold && after <= threshold) {
      outbox.add('stock.low', {
        skuId: move.skuId,
        barcode: sku.barcode,
        styleCode: sku.styleCode,
        onHand: after,
        threshold,
      });
    }
    results.push({ skuId: move.skuId, delta: move.delta, onHand: after, warning });
  }
  await append(
    trx,
    'stock_movements',
    moves.map((move, i) => ({
      id: newId(),
      store_id: ctx.store.id,
      sku_id: move.skuId,
      delta: move.delta,
      kind: move.kind,
      reason: move.reason ?? null,
      ref_type: move.ref.type,
      ref_id: move.ref.id,
      unit_cost: move.unitCost ?? null,
      on_hand_after: (results[i] as MoveResult).onHand,
      staff_id: move.staffId,
      at,
    })),
  );
  return results;
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
