import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { newId } from '../../ids.js';
import type { CountResult, StocktakeView, VarianceReport } from '../../protocol/inventory.js';
import type { Database, StocktakeTable } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { withDescendants } from '../catalog/categories.js';
import { moveStock, onHand } from './ledger.js';

/*
 * A stocktake (盘点). Each SKU's count is compared with the on-hand at the moment it was
 * first counted, not at commit: a garment sold after it was counted left the shelf after
 * the count, so the sale is not mistaken for a loss. Commit moves each SKU by
 * counted − expected-at-first-count, on top of whatever sold meanwhile.
 */

async function findStocktake(db: Kysely<Database>, ctx: AppContext, id: string): Promise<StocktakeTable> {
  const row = await db
    .selectFrom('stocktakes')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!row) throw notFound('stocktake', id);
  return row;
}

function mustBeOpen(row: StocktakeTable): void {
  if (row.status !== 'open')
    throw new ApiError('business_rule', `This stocktake is ${row.status}; it takes no more changes.`);
}

/** The category ids (sub-categories included) a stocktake covers; null for the whole store. */
async function scope(
  db: Kysely<Database>,
  ctx: AppContext,
  row: StocktakeTable,
): Promise<Set<string> | null> {
  const ids = JSON.parse(row.category_ids) as string[];
  return ids.length === 0 ? null : new Set(await withDescendants(db, ctx, ids));
}

export async function openStocktake(
  ctx: AppContext,
  input: { categoryIds?: string[] | undefined; note?: string | undefined },
  staffId: string | null,
): Promise<StocktakeView> {
  const id = newId();
  await ctx.storage.write(async (trx) => {
    const open = await trx
      .selectFrom('stocktakes')
      .select('id')
      .where('store_id', '=', ctx.store.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (open)
      throw new ApiError('conflict', `Stocktake ${open.id} is still open; commit or cancel it first.`);
    const categoryIds = [...new Set(input.categoryIds ?? [])];
    await withDescendants(trx, ctx, categoryIds);
    await trx
      .insertInto('stocktakes')
      .values({
        id,
        store_id: ctx.store.id,
        status: 'open',
        category_ids: JSON.stringify(categoryIds),
        note: input.note ?? null,
        opened_by: staffId,
        opened_at: ctx.now().toISOString(),
        closed_by: null,
        closed_at: null,
      })
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'stocktake.opened',
      staffId,
      subjectType: 'stocktake',
      subjectId: id,
      detail: { categoryIds },
    });
  });
  return getStocktake(ctx, id);
}

export async function getStocktake(ctx: AppContext, id: string): Promise<StocktakeView> {
  const db = ctx.storage.db;
  const row = await findStocktake(db, ctx, id);
  const counted = await db
    .selectFrom('stocktake_counts')
    .select((eb) => [eb.fn.countAll<number>().as('skus'), eb.fn.sum<number>('counted').as('units')])
    .where('stocktake_id', '=', id)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    status: row.status as StocktakeView['status'],
    categoryIds: JSON.parse(row.category_ids) as string[],
    note: row.note,
    openedAt: row.opened_at,
    openedBy: row.opened_by,
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    countedSkus: Number(counted.skus),
    countedUnits: Number(counted.units ?? 0),
  };
}

/**
 * Counts one SKU: by barcode, adding `qty` to what was counted (every scan of the same
 * barcode adds up), or by id setting the count outright (a correction).
 */
export async function recordCount(
  ctx: AppContext,
  id: string,
  target: { barcode: string; add: number } | { skuId: string; set: number },
): Promise<CountResult> {
  return ctx.storage.write(async (trx) => {
    const row = await findStocktake(trx, ctx, id);
    mustBeOpen(row);
    const sku = await trx
      .selectFrom('skus as k')
      .innerJoin('styles as s', 's.id', 'k.style_id')
      .select(['k.id', 'k.barcode', 'k.color', 'k.size', 's.style_code', 's.category_id'])
      .$call((q) =>
        'barcode' in target ? q.where('k.barcode', '=', target.barcode) : q.where('k.id', '=', target.skuId),
      )
      .executeTakeFirst();
    if (!sku) {
      throw 'barcode' in target
        ? new ApiError('not_found', `Barcode ${target.barcode} is not in the catalogue.`, {
            barcode: 'unknown barcode',
          })
        : notFound('SKU', target.skuId);
    }
    const inScope = await scope(trx, ctx, row);
    if (inScope && !(sku.category_id && inScope.has(sku.category_id))) {
      throw new ApiError(
        'business_rule',
        `${sku.style_code} ${sku.color}/${sku.size} is outside this stocktake's categories.`,
        {
          ['barcode' in target ? 'barcode' : 'skuId']: 'outside the stocktake',
        },
      );
    }
    const now = ctx.now().toISOString();
    const existing = await trx
      .selectFrom('stocktake_counts')
      .select('counted')
      .where('stocktake_id', '=', id)
      .where('sku_id', '=', sku.id)
      .executeTakeFirst();
    const counted = 'add' in target ? (existing?.counted ?? 0) + target.add : target.set;
    if (existing) {
      await trx
        .updateTable('stocktake_counts')
        .set({ counted, updated_at: now })
        .where('stocktake_id', '=', id)
        .where('sku_id', '=', sku.id)
        .execute();
    } else {
      await trx
        .insertInto('stocktake_counts')
        .values({
          stocktake_id: id,
          sku_id: sku.id,
          counted,
          expected: await onHand(trx, ctx, sku.id),
          first_counted_at: now,
          updated_at: now,
        })
        .execute();
    }
    return {
      skuId: sku.id,
      barcode: sku.barcode,
      styleCode: sku.style_code,
      color: sku.color,
      size: sku.size,
      counted,
    };
  });
}

async function varianceOf(
  db: Kysely<Database>,
  ctx: AppContext,
  row: StocktakeTable,
): Promise<VarianceReport> {
  const counts = await db
    .selectFrom('stocktake_counts as c')
    .innerJoin('skus as k', 'k.id', 'c.sku_id')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .select([
      'c.sku_id as skuId',
      'k.barcode',
      's.style_code as styleCode',
      's.name',
      'k.color',
      'k.size',
      'c.expected',
      'c.counted',
      's.cost',
    ])
    .where('c.stocktake_id', '=', row.id)
    .orderBy('s.style_code')
    .orderBy('k.id')
    .execute();
  const lines = counts.map(({ cost, ...line }) => {
    const variance = line.counted - line.expected;
    return { ...line, variance, value: variance * (cost ?? 0) };
  });
  const inScope = await scope(db, ctx, row);
  const stocked = await db
    .selectFrom('stock_levels as l')
    .innerJoin('skus as k', 'k.id', 'l.sku_id')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .select([
      'l.sku_id as skuId',
      'k.barcode',
      's.style_code as styleCode',
      'k.color',
      'k.size',
      'l.on_hand as onHand',
      's.category_id',
    ])
    .where('l.store_id', '=', ctx.store.id)
    .where('l.on_hand', '!=', 0)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('stocktake_counts as c')
            .select('c.sku_id')
            .where('c.stocktake_id', '=', row.id)
            .whereRef('c.sku_id', '=', 'l.sku_id'),
        ),
      ),
    )
    .orderBy('s.style_code')
    .execute();
  const notCounted = stocked
    .filter((sku) => !inScope || (sku.category_id !== null && inScope.has(sku.category_id)))
    .map(({ category_id: _category, ...sku }) => sku);
  return {
    stocktakeId: row.id,
    lines,
    notCounted,
    totals: {
      variance: lines.reduce((sum, line) => sum + line.variance, 0),
      value: lines.reduce((sum, line) => sum + line.value, 0),
    },
  };
}

export async function stocktakeVariance(ctx: AppContext, id: string): Promise<VarianceReport> {
  return varianceOf(ctx.storage.db, ctx, await findStocktake(ctx.storage.db, ctx, id));
}

/**
 * Books the variance as `stocktake` movements, all in one transaction. With `zeroUncounted`
 * an in-scope SKU nobody counted is taken as missing (its on-hand goes to zero); without it,
 * it is left as it is.
 */
export async function commitStocktake(
  ctx: AppContext,
  id: string,
  options: { zeroUncounted: boolean },
  staffId: string | null,
): Promise<VarianceReport & { stocktake: StocktakeView }> {
  const report = await runAction(ctx, async (trx, outbox) => {
    const row = await findStocktake(trx, ctx, id);
    mustBeOpen(row);
    const variance = await varianceOf(trx, ctx, row);
    const ref = { type: 'stocktake', id };
    for (const line of variance.lines) {
      if (line.variance === 0) continue;
      await moveStock(
        trx,
        ctx,
        { skuId: line.skuId, delta: line.variance, kind: 'stocktake', reason: 'count', ref, staffId },
        outbox,
      );
    }
    if (options.zeroUncounted) {
      for (const sku of variance.notCounted) {
        await moveStock(
          trx,
          ctx,
          { skuId: sku.skuId, delta: -sku.onHand, kind: 'stocktake', reason: 'not counted', ref, staffId },
          outbox,
        );
      }
    }
    const now = ctx.now().toISOString();
    await trx
      .updateTable('stocktakes')
      .set({ status: 'committed', closed_by: staffId, closed_at: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'stocktake.committed',
      staffId,
      subjectType: 'stocktake',
      subjectId: id,
      detail: { ...variance.totals, skus: variance.lines.length, zeroUncounted: options.zeroUncounted },
    });
    return variance;
  });
  return { ...report, stocktake: await getStocktake(ctx, id) };
}

export async function cancelStocktake(
  ctx: AppContext,
  id: string,
  staffId: string | null,
): Promise<StocktakeView> {
  await ctx.storage.write(async (trx) => {
    const row = await findStocktake(trx, ctx, id);
    mustBeOpen(row);
    await trx
      .updateTable('stocktakes')
      .set({ status: 'cancelled', closed_by: staffId, closed_at: ctx.now().toISOString() })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'stocktake.cancelled',
      staffId,
      subjectType: 'stocktake',
      subjectId: id,
    });
  });
  return getStocktake(ctx, id);
}

/** The store's open stocktake, if any: a scanner at the terminal counts into it. */
export async function openStocktakeId(ctx: AppContext): Promise<string> {
  const row = await ctx.storage.db
    .selectFrom('stocktakes')
    .select('id')
    .where('store_id', '=', ctx.store.id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!row) throw new ApiError('business_rule', 'No stocktake is open.');
  return row.id;
}
