import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { withDescendants } from './categories.js';
import { priceInForce } from './price-in-force.js';

export const ROUNDINGS = { fen: 1, jiao: 10, yuan: 100 } as const;
export type Rounding = keyof typeof ROUNDINGS;

/**
 * A markdown price: `price × (100 − percent) / 100`, rounded half up to the unit (fen,
 * jiao = 0.10 or yuan = 1.00), in integer arithmetic so no float ever touches money.
 * 29900 at 30% → 20930 exact; to the yuan 20900. 19990 at 15% → 16991.5 → 16992 to the fen,
 * 17000 to the yuan.
 */
export function markdownPrice(price: number, percent: number, rounding: Rounding): number {
  const unit = ROUNDINGS[rounding];
  const hundredths = price * (100 - percent);
  const divisor = 100 * unit;
  return Math.floor((hundredths + divisor / 2) / divisor) * unit;
}

export interface PriceChangeView {
  id: string;
  price: number;
  startsAt: string;
  reason: string;
  markdownId: string | null;
  staffId: string | null;
  createdAt: string;
  status: 'scheduled' | 'in_force' | 'past' | 'cancelled';
  /** Set on a scheduled change that was called off before it started. */
  cancellation: { at: string; reason: string; staffId: string | null } | null;
}

/** A chain store's own price of a style. */
export interface StorePriceView {
  price: number;
  setAt: string;
  staffId: string | null;
}

export interface PriceHistory {
  styleId: string;
  /** In force now at this store: its store price when it has one, else the list price. */
  price: number;
  /** The chain's list price in force now (the same as `price` without a store price). */
  listPrice: number;
  /** This store's own price, when a branch of a chain set one. */
  storePrice: StorePriceView | null;
  /** The price the style was created with. */
  basePrice: number;
  /** Newest start first. */
  changes: PriceChangeView[];
}

/** A change starts now or later: backdating would rewrite the price of sales already made. */
function startTime(ctx: AppContext, startsAt: string | undefined): string {
  const now = ctx.now().toISOString();
  if (startsAt === undefined) return now;
  if (startsAt < now) {
    throw new ApiError('validation_failed', 'A price change cannot start in the past.', {
      'body.startsAt': 'in the past',
    });
  }
  return startsAt;
}

async function insertChange(
  trx: Kysely<Database>,
  ctx: AppContext,
  change: {
    styleId: string;
    price: number;
    startsAt: string;
    reason: string;
    markdownId: string | null;
    staffId: string | null;
  },
): Promise<void> {
  await trx
    .insertInto('price_changes')
    .values({
      id: newId(),
      store_id: ctx.store.catalogId,
      style_id: change.styleId,
      price: change.price,
      starts_at: change.startsAt,
      reason: change.reason,
      markdown_id: change.markdownId,
      staff_id: change.staffId,
      created_at: ctx.now().toISOString(),
    })
    .execute();
}

/** Changes a style's retail price now or from `startsAt`; the history keeps every change. */
export async function changePrice(
  ctx: AppContext,
  styleId: string,
  input: { price: number; startsAt?: string | undefined; reason?: string | undefined },
  staffId: string | null,
): Promise<PriceHistory> {
  const startsAt = startTime(ctx, input.startsAt);
  await ctx.storage.write(async (trx) => {
    const style = await trx
      .selectFrom('styles as s')
      .select(['s.id', 's.style_code', priceInForce(startsAt).as('price')])
      .where('s.id', '=', styleId)
      .where('s.store_id', '=', ctx.store.catalogId)
      .executeTakeFirst();
    if (!style) throw notFound('style', styleId);
    await insertChange(trx, ctx, {
      styleId,
      price: input.price,
      startsAt,
      reason: input.reason ?? 'price change',
      markdownId: null,
      staffId,
    });
    await recordAudit(trx, ctx, {
      kind: 'price.changed',
      staffId,
      subjectType: 'style',
      subjectId: styleId,
      detail: { styleCode: style.style_code, from: style.price, to: input.price, startsAt },
    });
  });
  return priceHistory(ctx, styleId);
}

export async function priceHistory(ctx: AppContext, styleId: string): Promise<PriceHistory> {
  const db = ctx.storage.db;
  const now = ctx.now().toISOString();
  const style = await db
    .selectFrom('styles as s')
    .leftJoin('store_prices as sp', (join) =>
      join.onRef('sp.style_id', '=', 's.id').on('sp.store_id', '=', ctx.store.id),
    )
    .select([
      's.id',
      's.base_price',
      priceInForce(now, ctx.store).as('price'),
      priceInForce(now).as('list_price'),
      'sp.price as store_price',
      'sp.set_at as store_price_set_at',
      'sp.staff_id as store_price_staff_id',
    ])
    .where('s.id', '=', styleId)
    .where('s.store_id', '=', ctx.store.catalogId)
    .executeTakeFirst();
  if (!style) throw notFound('style', styleId);
  const rows = await db
    .selectFrom('price_changes as pc')
    .leftJoin('price_change_cancellations as x', 'x.change_id', 'pc.id')
    .selectAll('pc')
    .select(['x.at as cancelled_at', 'x.reason as cancel_reason', 'x.staff_id as cancelled_by'])
    .where('pc.style_id', '=', styleId)
    .orderBy('pc.starts_at', 'desc')
    .orderBy('pc.id', 'desc')
    .execute();
  const current = rows.find((row) => row.starts_at <= now && row.cancelled_at === null);
  return {
    styleId,
    price: style.price,
    listPrice: style.list_price,
    storePrice:
      style.store_price !== null && style.store_price_set_at !== null
        ? { price: style.store_price, setAt: style.store_price_set_at, staffId: style.store_price_staff_id }
        : null,
    basePrice: style.base_price,
    changes: rows.map((row) => ({
      id: row.id,
      price: row.price,
      startsAt: row.starts_at,
      reason: row.reason,
      markdownId: row.markdown_id,
      staffId: row.staff_id,
      createdAt: row.created_at,
      status:
        row.cancelled_at !== null
          ? 'cancelled'
          : row.starts_at > now
            ? 'scheduled'
            : row === current
              ? 'in_force'
              : 'past',
      cancellation:
        row.cancelled_at !== null
          ? { at: row.cancelled_at, reason: row.cancel_reason ?? '', staffId: row.cancelled_by }
          : null,
    })),
  };
}

/**
 * Calls off a scheduled price change before it starts. The price history is append-only, so
 * the cancellation is a row of its own; the price in force skips cancelled changes. A change
 * that has started (or was cancelled already) stays as it is.
 */
export async function cancelPriceChange(
  ctx: AppContext,
  styleId: string,
  changeId: string,
  reason: string | undefined,
  actor: { staffId: string | null; approverId?: string | null },
): Promise<PriceHistory> {
  await ctx.storage.write(async (trx) => {
    const now = ctx.now().toISOString();
    const change = await trx
      .selectFrom('price_changes as pc')
      .innerJoin('styles as s', 's.id', 'pc.style_id')
      .leftJoin('price_change_cancellations as x', 'x.change_id', 'pc.id')
      .select(['pc.id', 'pc.price', 'pc.starts_at', 'pc.markdown_id', 's.style_code', 'x.at as cancelled_at'])
      .where('pc.id', '=', changeId)
      .where('pc.style_id', '=', styleId)
      .where('pc.store_id', '=', ctx.store.catalogId)
      .executeTakeFirst();
    if (!change) throw notFound('price change of this style', changeId);
    if (change.cancelled_at !== null) {
      throw new ApiError('conflict', 'This price change was cancelled already.', {
        'params.changeId': 'cancelled already',
      });
    }
    if (change.starts_at <= now) {
      throw new ApiError(
        'business_rule',
        'This price change has started; make a new price change instead of cancelling it.',
        { 'params.changeId': 'started already' },
      );
    }
    await trx
      .insertInto('price_change_cancellations')
      .values({
        change_id: changeId,
        store_id: ctx.store.catalogId,
        style_id: styleId,
        reason: reason ?? 'cancelled',
        staff_id: actor.staffId,
        approver_id: actor.approverId ?? null,
        at: now,
      })
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'price.change_cancelled',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      subjectType: 'style',
      subjectId: styleId,
      detail: {
        styleCode: change.style_code,
        changeId,
        price: change.price,
        startsAt: change.starts_at,
        ...(change.markdown_id && { markdownId: change.markdown_id }),
        ...(reason && { reason }),
      },
    });
  });
  return priceHistory(ctx, styleId);
}

/** Head office (and a shop on its own) sells at the list price: a store price is a branch's. */
function assertBranch(ctx: AppContext): void {
  if (ctx.store.id === ctx.store.catalogId) {
    throw new ApiError(
      'business_rule',
      'Head office sells at the list price: change the list price instead.',
      {
        'body.price': 'head office has no store price',
      },
    );
  }
}

/** Sets this branch's own price of a style (replacing the one it had). Audited. */
export async function setStorePrice(
  ctx: AppContext,
  styleId: string,
  price: number,
  staffId: string | null,
): Promise<PriceHistory> {
  assertBranch(ctx);
  await ctx.storage.write(async (trx) => {
    const now = ctx.now().toISOString();
    const style = await trx
      .selectFrom('styles as s')
      .select(['s.id', 's.style_code', priceInForce(now, ctx.store).as('price')])
      .where('s.id', '=', styleId)
      .where('s.store_id', '=', ctx.store.catalogId)
      .executeTakeFirst();
    if (!style) throw notFound('style', styleId);
    await trx
      .insertInto('store_prices')
      .values({ store_id: ctx.store.id, style_id: styleId, price, staff_id: staffId, set_at: now })
      .onConflict((conflict) =>
        conflict.columns(['store_id', 'style_id']).doUpdateSet({ price, staff_id: staffId, set_at: now }),
      )
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'price.store_set',
      staffId,
      subjectType: 'style',
      subjectId: styleId,
      detail: { styleCode: style.style_code, from: style.price, to: price },
    });
  });
  return priceHistory(ctx, styleId);
}

/** This branch goes back to the chain's list price for a style. Audited. */
export async function clearStorePrice(
  ctx: AppContext,
  styleId: string,
  staffId: string | null,
): Promise<PriceHistory> {
  assertBranch(ctx);
  await ctx.storage.write(async (trx) => {
    const row = await trx
      .selectFrom('store_prices as sp')
      .innerJoin('styles as s', 's.id', 'sp.style_id')
      .select(['sp.price', 's.style_code'])
      .where('sp.store_id', '=', ctx.store.id)
      .where('sp.style_id', '=', styleId)
      .executeTakeFirst();
    if (!row) throw notFound('store price of style', styleId);
    await trx
      .deleteFrom('store_prices')
      .where('store_id', '=', ctx.store.id)
      .where('style_id', '=', styleId)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'price.store_cleared',
      staffId,
      subjectType: 'style',
      subjectId: styleId,
      detail: { styleCode: row.style_code, was: row.price },
    });
  });
  return priceHistory(ctx, styleId);
}

export interface MarkdownInput {
  categoryId?: string | undefined;
  season?: string | undefined;
  year?: number | undefined;
  /** Whole percent off, 1–90. */
  percent: number;
  rounding: Rounding;
  startsAt?: string | undefined;
  reason?: string | undefined;
}

export interface MarkdownResult {
  markdownId: string;
  startsAt: string;
  /** Styles whose price changes. */
  styles: number;
  /** Styles left alone because the rounded price equals the old one. */
  unchanged: number;
}

/**
 * Marks down every active style of a category (sub-categories included) and/or a season
 * and year by a percentage of the price in force when the markdown starts, in one
 * transaction with one audit row.
 */
export async function markdown(
  ctx: AppContext,
  input: MarkdownInput,
  staffId: string | null,
): Promise<MarkdownResult> {
  const startsAt = startTime(ctx, input.startsAt);
  const markdownId = newId();
  return ctx.storage.write(async (trx) => {
    let query = trx
      .selectFrom('styles as s')
      .select(['s.id', priceInForce(startsAt).as('price')])
      .where('s.store_id', '=', ctx.store.catalogId)
      .where('s.active', '=', 1);
    if (input.categoryId)
      query = query.where('s.category_id', 'in', await withDescendants(trx, ctx, [input.categoryId]));
    if (input.season) query = query.where('s.season', '=', input.season);
    if (input.year) query = query.where('s.year', '=', input.year);
    const styles = await query.execute();
    let changed = 0;
    for (const style of styles) {
      const price = markdownPrice(style.price, input.percent, input.rounding);
      if (price === style.price) continue;
      await insertChange(trx, ctx, {
        styleId: style.id,
        price,
        startsAt,
        reason: input.reason ?? `markdown ${input.percent}%`,
        markdownId,
        staffId,
      });
      changed++;
    }
    await recordAudit(trx, ctx, {
      kind: 'price.markdown',
      staffId,
      subjectType: 'markdown',
      subjectId: markdownId,
      detail: {
        percent: input.percent,
        rounding: input.rounding,
        startsAt,
        styles: changed,
        ...(input.categoryId && { categoryId: input.categoryId }),
        ...(input.season && { season: input.season }),
        ...(input.year && { year: input.year }),
      },
    });
    return { markdownId, startsAt, styles: changed, unchanged: styles.length - changed };
  });
}
