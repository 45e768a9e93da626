import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { runAction } from '../../events/action.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import { newestFirstPage } from '../../storage/paging.js';
import type { Database } from '../../storage/schema.js';

/** What the exception log records. */
export const EXCEPTION_KINDS = [
  /** A sale took a SKU below zero under the `allow` policy. */
  'negative_stock',
  /** The price the terminal showed (`expectedTotal`) was not the price in force at commit. */
  'price_changed',
  /** A payment failed inside the sale's transaction (stored value short, PIN, coupon…): nothing was kept. */
  'payment_failed',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

export interface ExceptionEntry {
  kind: ExceptionKind;
  message: string;
  staffId: string | null;
  deviceId: string | null;
  ref?: { type: string; id: string } | null;
  detail?: Record<string, unknown>;
}

/** Appends one row inside the caller's transaction (it commits with the sale). */
export async function recordException(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  entry: ExceptionEntry,
): Promise<string> {
  const id = newId();
  await trx
    .insertInto('sale_exceptions')
    .values({
      id,
      store_id: ctx.store.id,
      at: ctx.now().toISOString(),
      kind: entry.kind,
      staff_id: entry.staffId,
      device_id: entry.deviceId,
      ref_type: entry.ref?.type ?? null,
      ref_id: entry.ref?.id ?? null,
      message: entry.message,
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
  outbox.add('sale.exception', {
    id,
    kind: entry.kind,
    message: entry.message,
    terminalId: entry.deviceId,
  });
  return id;
}

/**
 * For what failed and rolled back: writes the row in a transaction of its own, after the
 * failed one. Never throws (a log that cannot be written must not hide the real error).
 */
export async function recordExceptionApart(ctx: AppContext, entry: ExceptionEntry): Promise<void> {
  try {
    await runAction(ctx, (trx, outbox) => recordException(trx, ctx, outbox, entry));
  } catch (error) {
    ctx.log.error({ err: error, kind: entry.kind }, 'could not write the exception log');
  }
}

export interface ExceptionView {
  id: string;
  at: string;
  kind: ExceptionKind;
  message: string;
  staffId: string | null;
  deviceId: string | null;
  ref: { type: string; id: string } | null;
  detail: Record<string, unknown>;
}

/** Newest first, `nextBefore` pages on. */
export async function listExceptions(
  ctx: AppContext,
  filter: { kind?: ExceptionKind | undefined; before?: string | undefined; limit: number },
): Promise<{ items: ExceptionView[]; nextBefore: string | null }> {
  let query = ctx.storage.db.selectFrom('sale_exceptions').selectAll().where('store_id', '=', ctx.store.id);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.before) query = query.where('id', '<', filter.before);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return newestFirstPage(rows, filter.limit, (row) => ({
    id: row.id,
    at: row.at,
    kind: row.kind as ExceptionKind,
    message: row.message,
    staffId: row.staff_id,
    deviceId: row.device_id,
    ref: row.ref_type && row.ref_id ? { type: row.ref_type, id: row.ref_id } : null,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  }));
}
