import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { CartTable, Database } from '../../storage/schema.js';
import { skusForLines } from '../sales/quote.js';
import type { SaleLineInput } from '../sales/schemas.js';

/** One line of a cart: a SKU, a quantity, and what the cashier changed on it. */
export interface CartLineDraft {
  lineId: string;
  skuId: string;
  qty: number;
  priceOverride?: number;
  discount?: SaleLineInput['discount'];
}

/** What a cart holds; it becomes the body of `POST /api/sales` at checkout. */
export interface CartBody {
  lines: CartLineDraft[];
  memberId: string | null;
  couponCodes: string[];
  redeemPoints: number;
  training: boolean;
}

export interface CartRecord {
  id: string;
  terminalId: string;
  status: 'active' | 'held' | 'completed';
  label: string | null;
  body: CartBody;
  approverId: string | null;
  saleId: string | null;
  createdAt: string;
  updatedAt: string;
}

export const MAX_CART_LINES = 200;
export const MAX_HELD_CARTS = 20;

const EMPTY: CartBody = { lines: [], memberId: null, couponCodes: [], redeemPoints: 0, training: false };

function record(row: CartTable): CartRecord {
  return {
    id: row.id,
    terminalId: row.terminal_id,
    status: row.status as CartRecord['status'],
    label: row.label,
    body: JSON.parse(row.body) as CartBody,
    approverId: row.approver_id,
    saleId: row.sale_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The terminal a staff member works at; carts belong to terminals, not people. */
export function terminalOf(staff: StaffPrincipal): string {
  if (!staff.deviceId) {
    throw new ApiError('business_rule', 'Sign in with your PIN on a checkout terminal to use its cart.');
  }
  return staff.deviceId;
}

async function activeRow(trx: Kysely<Database>, terminalId: string): Promise<CartTable | undefined> {
  return trx
    .selectFrom('carts')
    .selectAll()
    .where('terminal_id', '=', terminalId)
    .where('status', '=', 'active')
    .executeTakeFirst();
}

async function insertActive(
  trx: Kysely<Database>,
  ctx: AppContext,
  terminalId: string,
  staffId: string | null,
  body: CartBody,
): Promise<CartTable> {
  const now = ctx.now().toISOString();
  const row: CartTable = {
    id: newId(),
    store_id: ctx.store.id,
    terminal_id: terminalId,
    status: 'active',
    label: null,
    body: JSON.stringify(body),
    approver_id: null,
    sale_id: null,
    created_by: staffId,
    created_at: now,
    updated_at: now,
  };
  await trx.insertInto('carts').values(row).execute();
  return row;
}

/** The terminal's cart in progress, made (empty) when there is none. */
export async function activeCart(ctx: AppContext, terminalId: string): Promise<CartRecord> {
  const existing = await activeRow(ctx.storage.db, terminalId);
  if (existing) return record(existing);
  return ctx.storage.write(async (trx) => {
    const raced = await activeRow(trx, terminalId);
    return record(raced ?? (await insertActive(trx, ctx, terminalId, null, EMPTY)));
  });
}

/**
 * Changes the terminal's cart in one transaction. `change` gets the current body and returns
 * the new one (it may throw to refuse); the approver, when given, is kept for checkout.
 */
export async function changeCart(
  ctx: AppContext,
  staff: StaffPrincipal,
  change: (body: CartBody) => CartBody | Promise<CartBody>,
  approverId?: string,
): Promise<CartRecord> {
  const terminalId = terminalOf(staff);
  return ctx.storage.write(async (trx) => {
    const row =
      (await activeRow(trx, terminalId)) ?? (await insertActive(trx, ctx, terminalId, staff.staffId, EMPTY));
    const body = await change(JSON.parse(row.body) as CartBody);
    if (body.lines.length > MAX_CART_LINES) {
      throw new ApiError('validation_failed', `A cart holds at most ${MAX_CART_LINES} lines.`, {
        lines: 'too many',
      });
    }
    const updated: CartTable = {
      ...row,
      body: JSON.stringify(body),
      approver_id: approverId ?? row.approver_id,
      updated_at: ctx.now().toISOString(),
    };
    await trx
      .updateTable('carts')
      .set({ body: updated.body, approver_id: updated.approver_id, updated_at: updated.updated_at })
      .where('id', '=', row.id)
      .execute();
    return record(updated);
  });
}

/** Resolves a scanned barcode or a SKU id to the SKU (404 naming the field when unknown). */
export async function resolveSku(
  ctx: AppContext,
  line: { skuId?: string; barcode?: string },
): Promise<string> {
  const input = line.skuId ? { skuId: line.skuId, qty: 1 } : { barcode: line.barcode ?? '', qty: 1 };
  const [sku] = await skusForLines(ctx.storage.db, ctx, [input], 'line');
  if (!sku?.active) {
    throw new ApiError('business_rule', 'This item is not for sale.', {
      [line.skuId ? 'skuId' : 'barcode']: 'not for sale',
    });
  }
  return sku.id;
}

/** 挂单: parks the cart in progress under a label and starts an empty one. */
export async function holdCart(
  ctx: AppContext,
  staff: StaffPrincipal,
  label: string | null,
): Promise<CartRecord> {
  const terminalId = terminalOf(staff);
  return ctx.storage.write(async (trx) => {
    const row = await activeRow(trx, terminalId);
    const body = row ? (JSON.parse(row.body) as CartBody) : EMPTY;
    if (!row || body.lines.length === 0) {
      throw new ApiError('business_rule', 'There is nothing in the cart to hold.', { lines: 'empty' });
    }
    const held = await trx
      .selectFrom('carts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('terminal_id', '=', terminalId)
      .where('status', '=', 'held')
      .executeTakeFirstOrThrow();
    if (Number(held.n) >= MAX_HELD_CARTS) {
      throw new ApiError(
        'conflict',
        `At most ${MAX_HELD_CARTS} carts can be held; recall or clear one first.`,
      );
    }
    await trx
      .updateTable('carts')
      .set({ status: 'held', label, updated_at: ctx.now().toISOString() })
      .where('id', '=', row.id)
      .execute();
    return record(
      await insertActive(trx, ctx, terminalId, staff.staffId, { ...EMPTY, training: body.training }),
    );
  });
}

export async function heldCarts(ctx: AppContext, terminalId: string): Promise<CartRecord[]> {
  const rows = await ctx.storage.db
    .selectFrom('carts')
    .selectAll()
    .where('terminal_id', '=', terminalId)
    .where('status', '=', 'held')
    .orderBy('updated_at')
    .execute();
  return rows.map(record);
}

/** 取单: brings a held cart back; a cart in progress with goods in it is held in its place. */
export async function recallCart(
  ctx: AppContext,
  staff: StaffPrincipal,
  cartId: string,
): Promise<CartRecord> {
  const terminalId = terminalOf(staff);
  return ctx.storage.write(async (trx) => {
    const held = await trx
      .selectFrom('carts')
      .selectAll()
      .where('id', '=', cartId)
      .where('terminal_id', '=', terminalId)
      .where('status', '=', 'held')
      .executeTakeFirst();
    if (!held)
      throw new ApiError('not_found', 'No held cart with this id on this terminal.', { cartId: 'unknown' });
    const now = ctx.now().toISOString();
    const current = await activeRow(trx, terminalId);
    if (current) {
      const empty = (JSON.parse(current.body) as CartBody).lines.length === 0;
      if (empty) await trx.deleteFrom('carts').where('id', '=', current.id).execute();
      else
        await trx
          .updateTable('carts')
          .set({ status: 'held', updated_at: now })
          .where('id', '=', current.id)
          .execute();
    }
    await trx
      .updateTable('carts')
      .set({ status: 'active', updated_at: now })
      .where('id', '=', held.id)
      .execute();
    return record({ ...held, status: 'active', updated_at: now });
  });
}

/** Empties the cart in progress (the training switch stays as it was). */
export function clearCart(ctx: AppContext, staff: StaffPrincipal): Promise<CartRecord> {
  return changeCart(ctx, staff, (body) => ({ ...EMPTY, training: body.training }));
}

/** Inside checkout's transaction: 409 when the cart was changed (or paid) since it was priced. */
export async function assertCartAsRead(trx: Kysely<Database>, cart: CartRecord): Promise<void> {
  const row = await trx
    .selectFrom('carts')
    .select(['status', 'body'])
    .where('id', '=', cart.id)
    .executeTakeFirst();
  if (row?.status !== 'active' || row.body !== JSON.stringify(cart.body)) {
    throw new ApiError('conflict', 'The cart changed while it was being paid; check it and pay again.', {
      cart: 'changed',
    });
  }
}

/**
 * Inside checkout's transaction: the cart is kept as completed with its sale, and an empty one
 * takes over (the one already there, if the cart was closed before).
 */
export async function closeCart(
  trx: Kysely<Database>,
  ctx: AppContext,
  staff: StaffPrincipal,
  cartId: string,
  saleId: string,
): Promise<CartRecord> {
  const terminalId = terminalOf(staff);
  const row = await trx.selectFrom('carts').selectAll().where('id', '=', cartId).executeTakeFirstOrThrow();
  const training = (JSON.parse(row.body) as CartBody).training;
  const closed = await trx
    .updateTable('carts')
    .set({ status: 'completed', sale_id: saleId, updated_at: ctx.now().toISOString() })
    .where('id', '=', cartId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  const current = closed.numUpdatedRows > 0n ? undefined : await activeRow(trx, terminalId);
  return record(current ?? (await insertActive(trx, ctx, terminalId, staff.staffId, { ...EMPTY, training })));
}

/** The cart that a sale came from, if it was checked out from a cart. */
export async function cartOfSale(ctx: AppContext, saleId: string): Promise<CartRecord | null> {
  const row = await ctx.storage.db
    .selectFrom('carts')
    .selectAll()
    .where('sale_id', '=', saleId)
    .executeTakeFirst();
  return row ? record(row) : null;
}
