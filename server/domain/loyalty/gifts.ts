import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { newId } from '../../ids.js';
import type { Database, GiftRedemptionRow, GiftRow } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { memberRow } from '../members/rows.js';
import { expiryFor } from './calendar.js';
import type { Actor, LedgerRef } from './ledger-ref.js';
import { noteMemberChanged } from './member-events.js';
import { redeemPoints } from './points.js';
import { type LotShare, PointsBook } from './points-book.js';
import { remember, replayed } from './requests.js';
import { loadSettings } from './settings.js';
import type { Idempotent } from './stored-value-actions.js';

export interface GiftView {
  id: string;
  name: string;
  description: string | null;
  /** Points one gift costs. */
  points: number;
  /** In stock now (the cached sum of the gift's stock ledger). */
  stock: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface GiftRedemptionView {
  id: string;
  memberId: string;
  gift: { id: string; name: string };
  qty: number;
  points: number;
  status: 'redeemed' | 'returned';
  at: string;
  staffId: string | null;
  returnedAt: string | null;
  returnReason: string | null;
}

export interface GiftRedeemResult extends GiftRedemptionView {
  /** The member's points after the redemption. */
  pointsBalance: number;
  /** The gift's stock after the redemption. */
  giftStock: number;
  /** Which lots gave the points, soonest expiry first. */
  lots: LotShare[];
}

type GiftStockKind = 'receipt' | 'adjustment' | 'redemption' | 'return';

const giftView = (row: GiftRow): GiftView => ({
  id: row.id,
  name: row.name,
  description: row.description,
  points: row.points,
  stock: row.stock,
  active: row.active === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const redemptionView = (row: GiftRedemptionRow, giftName: string): GiftRedemptionView => ({
  id: row.id,
  memberId: row.member_id,
  gift: { id: row.gift_id, name: giftName },
  qty: row.qty,
  points: row.points,
  status: row.status as GiftRedemptionView['status'],
  at: row.at,
  staffId: row.staff_id,
  returnedAt: row.returned_at,
  returnReason: row.return_reason,
});

async function giftRow(db: Kysely<Database>, ctx: AppContext, id: string, field = 'params.id') {
  const row = await db
    .selectFrom('gifts')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!row)
    throw new ApiError('not_found', `No gift with id ${JSON.stringify(id)}.`, { [field]: 'unknown gift' });
  return row;
}

async function assertNameFree(trx: Kysely<Database>, ctx: AppContext, name: string, except: string | null) {
  const taken = await trx
    .selectFrom('gifts')
    .select('id')
    .where('store_id', '=', ctx.store.id)
    .where('name', '=', name)
    .executeTakeFirst();
  if (taken && taken.id !== except) {
    throw new ApiError('conflict', `A gift named ${name} exists already.`, { 'body.name': 'in use' });
  }
}

/**
 * Moves a gift's stock by `delta` and appends the ledger row with the stock after it, in the
 * caller's transaction. Stock never goes below zero: that is a 409 naming `field`.
 */
async function moveGiftStock(
  trx: Kysely<Database>,
  ctx: AppContext,
  move: {
    giftId: string;
    delta: number;
    kind: GiftStockKind;
    ref: LedgerRef | null;
    actor: Actor;
    note?: string | null;
    field: string;
  },
): Promise<number> {
  const at = ctx.now().toISOString();
  const updated = await trx
    .updateTable('gifts')
    .set((eb) => ({ stock: eb('stock', '+', move.delta), updated_at: at }))
    .where('id', '=', move.giftId)
    .where('stock', '>=', Math.max(0, -move.delta))
    .returning('stock')
    .executeTakeFirst();
  if (!updated) {
    const { stock } = await giftRow(trx, ctx, move.giftId);
    throw new ApiError('conflict', `Only ${stock} of this gift in stock.`, {
      [move.field]: `only ${stock} in stock`,
    });
  }
  await trx
    .insertInto('gift_stock_movements')
    .values({
      id: newId(),
      store_id: ctx.store.id,
      gift_id: move.giftId,
      delta: move.delta,
      stock_after: updated.stock,
      kind: move.kind,
      ref_type: move.ref?.type ?? null,
      ref_id: move.ref?.id ?? null,
      staff_id: move.actor.staffId,
      approver_id: move.actor.approverId ?? null,
      note: move.note ?? null,
      at,
    })
    .execute();
  return updated.stock;
}

export async function listGifts(
  db: Kysely<Database>,
  ctx: AppContext,
  filter: { active?: boolean | undefined },
): Promise<GiftView[]> {
  let query = db.selectFrom('gifts').selectAll().where('store_id', '=', ctx.store.id);
  if (filter.active !== undefined) query = query.where('active', '=', filter.active ? 1 : 0);
  return (await query.orderBy('points').orderBy('name').execute()).map(giftView);
}

export async function getGift(ctx: AppContext, id: string): Promise<GiftView> {
  return giftView(await giftRow(ctx.storage.db, ctx, id));
}

export interface NewGift {
  name: string;
  description?: string | undefined;
  points: number;
  stock?: number | undefined;
  active?: boolean | undefined;
}

/** Adds a gift to the redemption catalogue; opening stock is its first ledger row. */
export async function createGift(ctx: AppContext, input: NewGift, actor: Actor): Promise<GiftView> {
  const id = newId();
  await ctx.storage.write(async (trx) => {
    await assertNameFree(trx, ctx, input.name, null);
    const at = ctx.now().toISOString();
    await trx
      .insertInto('gifts')
      .values({
        id,
        store_id: ctx.store.id,
        name: input.name,
        description: input.description ?? null,
        points: input.points,
        stock: 0,
        active: input.active === false ? 0 : 1,
        created_at: at,
        updated_at: at,
      })
      .execute();
    if (input.stock) {
      await moveGiftStock(trx, ctx, {
        giftId: id,
        delta: input.stock,
        kind: 'receipt',
        ref: null,
        actor,
        note: 'opening stock',
        field: 'body.stock',
      });
    }
    await recordAudit(trx, ctx, {
      kind: 'gift.saved',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'gift',
      subjectId: id,
      detail: { created: true, name: input.name, points: input.points, stock: input.stock ?? 0 },
    });
  });
  return getGift(ctx, id);
}

export interface GiftChanges {
  name?: string | undefined;
  description?: string | null | undefined;
  points?: number | undefined;
  active?: boolean | undefined;
}

/** Renames, reprices, describes or (de)activates a gift; redemptions already made keep their points. */
export async function updateGift(
  ctx: AppContext,
  id: string,
  changes: GiftChanges,
  actor: Actor,
): Promise<GiftView> {
  await ctx.storage.write(async (trx) => {
    const before = await giftRow(trx, ctx, id);
    if (changes.name !== undefined) await assertNameFree(trx, ctx, changes.name, id);
    await trx
      .updateTable('gifts')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.description !== undefined && { description: changes.description }),
        ...(changes.points !== undefined && { points: changes.points }),
        ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
        updated_at: ctx.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'gift.saved',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'gift',
      subjectId: id,
      detail: {
        name: before.name,
        changes: Object.fromEntries(
          Object.entries(changes)
            .filter(([, value]) => value !== undefined)
            .map(([key, value]) => [key, { from: giftView(before)[key as keyof GiftView], to: value }]),
        ),
      },
    });
  });
  return getGift(ctx, id);
}

/** Books gifts received (positive) or written off (negative, never below zero). */
export async function adjustGiftStock(
  ctx: AppContext,
  id: string,
  input: { delta: number; note?: string | undefined },
  actor: Actor,
): Promise<GiftView> {
  await ctx.storage.write(async (trx) => {
    const gift = await giftRow(trx, ctx, id);
    const stock = await moveGiftStock(trx, ctx, {
      giftId: id,
      delta: input.delta,
      kind: input.delta > 0 ? 'receipt' : 'adjustment',
      ref: null,
      actor,
      note: input.note ?? null,
      field: 'body.delta',
    });
    await recordAudit(trx, ctx, {
      kind: 'gift.restocked',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'gift',
      subjectId: id,
      detail: { name: gift.name, delta: input.delta, stock, ...(input.note && { note: input.note }) },
    });
  });
  return getGift(ctx, id);
}

export async function giftStockMovements(ctx: AppContext, id: string, limit: number) {
  await giftRow(ctx.storage.db, ctx, id);
  const rows = await ctx.storage.db
    .selectFrom('gift_stock_movements')
    .selectAll()
    .where('gift_id', '=', id)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    delta: row.delta,
    stockAfter: row.stock_after,
    kind: row.kind,
    ref: row.ref_type && row.ref_id ? `${row.ref_type}:${row.ref_id}` : null,
    staffId: row.staff_id,
    note: row.note,
  }));
}

/**
 * A member redeems points for gifts: the points come from the soonest-expiring lots, the
 * stock goes down, the redemption and its audit row are written, all in one transaction.
 * Idempotent by the client's `id`: the same id and body answer the first result, another
 * body is a 409. Refused with nothing changed when the gift is inactive (422), out of stock
 * (409) or the member lacks the points (409).
 */
export async function redeemGift(
  ctx: AppContext,
  memberId: string,
  body: { id: string; giftId: string; qty: number },
  actor: Actor,
): Promise<Idempotent<GiftRedeemResult>> {
  const key = {
    id: body.id,
    kind: 'gift_redemption',
    memberId,
    body: { giftId: body.giftId, qty: body.qty },
  };
  const outcome = await runAction(ctx, async (trx, outbox) => {
    const first = await replayed<GiftRedeemResult>(trx, key);
    if (first) return { replayed: true, result: first };
    const gift = await giftRow(trx, ctx, body.giftId, 'body.giftId');
    if (gift.active !== 1) {
      throw new ApiError('business_rule', `${gift.name} is not offered for points any more.`, {
        'body.giftId': 'inactive',
      });
    }
    if (gift.stock < body.qty) {
      throw new ApiError('conflict', `Only ${gift.stock} × ${gift.name} in stock.`, {
        'body.qty': `only ${gift.stock} in stock`,
      });
    }
    const points = gift.points * body.qty;
    const ref = { type: 'gift_redemption', id: body.id };
    const redeemed = await redeemPoints(trx, ctx, outbox, {
      memberId,
      points,
      ref,
      reason: 'gift',
      staffId: actor.staffId,
    });
    const giftStock = await moveGiftStock(trx, ctx, {
      giftId: gift.id,
      delta: -body.qty,
      kind: 'redemption',
      ref,
      actor,
      field: 'body.qty',
    });
    const row: GiftRedemptionRow = {
      id: body.id,
      store_id: ctx.store.id,
      member_id: memberId,
      gift_id: gift.id,
      qty: body.qty,
      points,
      status: 'redeemed',
      at: ctx.now().toISOString(),
      staff_id: actor.staffId,
      approver_id: actor.approverId ?? null,
      device_id: actor.deviceId ?? null,
      returned_at: null,
      returned_by: null,
      return_reason: null,
    };
    await trx.insertInto('gift_redemptions').values(row).execute();
    const result: GiftRedeemResult = {
      ...redemptionView(row, gift.name),
      pointsBalance: redeemed.balance,
      giftStock,
      lots: redeemed.lots,
    };
    await remember(trx, ctx, key, result);
    await recordAudit(trx, ctx, {
      kind: 'gift.redeemed',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: memberId,
      detail: { redemptionId: body.id, giftId: gift.id, gift: gift.name, qty: body.qty, points },
    });
    return { replayed: false, result };
  });
  return outcome;
}

/** The member who holds a merged member's points now (following merges); erased members refuse. */
async function receivingMember(trx: Kysely<Database>, memberId: string): Promise<string> {
  let row = await memberRow(trx, memberId);
  for (let hops = 0; row.status === 'merged' && row.merged_into && hops < 20; hops++) {
    row = await memberRow(trx, row.merged_into);
  }
  if (row.status !== 'active') {
    throw new ApiError('business_rule', 'This member was erased on request; the points cannot go back.', {
      memberId: row.status,
    });
  }
  return row.id;
}

/**
 * A manager takes a redeemed gift back: the gift returns to stock and the points go back
 * into the lots they came from (a new lot with a fresh expiry where that lot has expired
 * meanwhile, or when the member was merged into another), in one transaction. Once only.
 */
export async function returnGiftRedemption(
  ctx: AppContext,
  redemptionId: string,
  reason: string,
  actor: Actor,
): Promise<GiftRedemptionView & { pointsBalance: number; giftStock: number }> {
  const result = await runAction(ctx, async (trx, outbox) => {
    const row = await trx
      .selectFrom('gift_redemptions')
      .selectAll()
      .where('id', '=', redemptionId)
      .where('store_id', '=', ctx.store.id)
      .executeTakeFirst();
    if (!row) throw notFound('gift redemption', redemptionId);
    if (row.status !== 'redeemed') {
      throw new ApiError('conflict', 'This gift redemption was returned already.', {
        'params.id': 'returned already',
      });
    }
    const gift = await giftRow(trx, ctx, row.gift_id);
    const ref = { type: 'gift_redemption', id: row.id };
    const memberId = await receivingMember(trx, row.member_id);
    const book = await PointsBook.open(trx, ctx, memberId, actor);
    const taken = await trx
      .selectFrom('points_movements')
      .innerJoin('points_lots', 'points_lots.id', 'points_movements.lot_id')
      .select(['points_movements.lot_id', 'points_movements.delta', 'points_lots.expires_at'])
      .where('points_movements.ref_type', '=', ref.type)
      .where('points_movements.ref_id', '=', ref.id)
      .where('points_movements.reason', '=', 'gift')
      .orderBy('points_lots.expires_at', 'desc')
      .execute();
    const note = `gift return ${row.id}`;
    let left = row.points;
    if (memberId === row.member_id) {
      for (const lot of taken) {
        if (left === 0) break;
        if (lot.expires_at <= book.at) continue;
        const put = Math.min(left, -lot.delta);
        await book.moveLot(lot.lot_id, put, 'return_give', ref, note);
        left -= put;
      }
    }
    if (left > 0) {
      const settings = await loadSettings(trx);
      const expiresAt = expiryFor(ctx.now(), settings.expiry, ctx.store.timeZone).toISOString();
      await book.addLot(left, 'give_back', 'return_give', expiresAt, ref, note);
    }
    await book.close();
    noteMemberChanged(outbox, memberId, 'points_given_back');
    const giftStock = await moveGiftStock(trx, ctx, {
      giftId: row.gift_id,
      delta: row.qty,
      kind: 'return',
      ref,
      actor,
      note: reason,
      field: 'params.id',
    });
    const at = ctx.now().toISOString();
    await trx
      .updateTable('gift_redemptions')
      .set({ status: 'returned', returned_at: at, returned_by: actor.staffId, return_reason: reason })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'gift.returned',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: memberId,
      detail: {
        redemptionId: row.id,
        giftId: row.gift_id,
        gift: gift.name,
        qty: row.qty,
        points: row.points,
        reason,
      },
    });
    return {
      ...redemptionView(
        { ...row, status: 'returned', returned_at: at, returned_by: actor.staffId, return_reason: reason },
        gift.name,
      ),
      pointsBalance: book.balance,
      giftStock,
    };
  });
  return result;
}

export async function memberGiftRedemptions(
  ctx: AppContext,
  memberId: string,
  limit: number,
): Promise<GiftRedemptionView[]> {
  await memberRow(ctx.storage.db, memberId);
  const rows = await ctx.storage.db
    .selectFrom('gift_redemptions')
    .innerJoin('gifts', 'gifts.id', 'gift_redemptions.gift_id')
    .selectAll('gift_redemptions')
    .select('gifts.name as gift_name')
    .where('gift_redemptions.member_id', '=', memberId)
    .orderBy('gift_redemptions.at', 'desc')
    .orderBy('gift_redemptions.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => redemptionView(row, row.gift_name));
}

/** Every gift's cached stock against the sum of its ledger. */
export async function checkGiftStock(
  db: Kysely<Database>,
): Promise<{ checked: number; mismatches: { giftId: string; cached: number; ledger: number }[] }> {
  const rows = await db
    .selectFrom('gifts as g')
    .leftJoin('gift_stock_movements as m', 'm.gift_id', 'g.id')
    .select((eb) => [
      'g.id as giftId',
      'g.stock as cached',
      eb.fn.coalesce(eb.fn.sum<number>('m.delta'), eb.lit(0)).as('ledger'),
    ])
    .groupBy('g.id')
    .execute();
  return {
    checked: rows.length,
    mismatches: rows
      .map((row) => ({ giftId: row.giftId, cached: Number(row.cached), ledger: Number(row.ledger) }))
      .filter((row) => row.cached !== row.ledger),
  };
}
