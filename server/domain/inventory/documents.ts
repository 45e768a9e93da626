import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { newId } from '../../ids.js';
import type {
  AdjustmentReason,
  DocumentKind,
  DocumentLine,
  StockDocument,
  TransferState,
} from '../../protocol/inventory.js';
import type { Database } from '../../storage/schema.js';
import { type AuditKind, recordAudit } from '../audit/service.js';
import { moveStock, type StockKind } from './ledger.js';
import { transferState } from './transfer-state.js';

export interface DocumentInput {
  kind: DocumentKind;
  reason?: string | null;
  supplier?: string | null;
  counterpart?: string | null;
  externalRef?: string | null;
  note?: string | null;
  lines: { skuId: string; delta: number; unitCost?: number | null }[];
}

const AUDIT: Record<DocumentKind, AuditKind> = {
  receipt: 'stock.received',
  adjustment: 'stock.adjusted',
  transfer_out: 'stock.transferred',
  transfer_in: 'stock.transferred',
};

/**
 * One stock document and its movements, in one transaction; events go out after commit.
 * `check` runs first inside that transaction (what it reads cannot change before the write)
 * and may settle the document's reason.
 */
export async function record(
  ctx: AppContext,
  given: DocumentInput,
  staffId: string | null,
  check?: (trx: Kysely<Database>) => Promise<{ reason: string | null } | undefined>,
): Promise<StockDocument> {
  const id = newId();
  await runAction(ctx, async (trx, outbox) => {
    const input = { ...given, ...(await check?.(trx)) };
    await trx
      .insertInto('stock_documents')
      .values({
        id,
        store_id: ctx.store.id,
        kind: input.kind,
        reason: input.reason ?? null,
        supplier: input.supplier ?? null,
        counterpart: input.counterpart ?? null,
        external_ref: input.externalRef ?? null,
        note: input.note ?? null,
        staff_id: staffId,
        at: ctx.now().toISOString(),
      })
      .execute();
    for (const [index, line] of input.lines.entries()) {
      await moveStock(
        trx,
        ctx,
        {
          skuId: line.skuId,
          delta: line.delta,
          kind: input.kind as StockKind,
          reason: input.reason ?? null,
          ref: { type: input.kind, id },
          staffId,
          unitCost: line.unitCost ?? null,
        },
        outbox,
        `body.lines.${index}.skuId`,
      );
    }
    await recordAudit(trx, ctx, {
      kind: AUDIT[input.kind],
      staffId,
      subjectType: 'stock_document',
      subjectId: id,
      detail: {
        kind: input.kind,
        lines: input.lines.length,
        units: input.lines.reduce((sum, line) => sum + line.delta, 0),
        ...(input.reason && { reason: input.reason }),
        ...(input.counterpart && { store: input.counterpart }),
      },
    });
  });
  return getStockDocument(ctx, id);
}

export interface ReceiptInput {
  lines: { skuId: string; qty: number; unitCost?: number | undefined }[];
  supplier?: string | undefined;
  note?: string | undefined;
}

/** Goods in from a supplier, with the cost per unit when known. */
export function receiveStock(
  ctx: AppContext,
  input: ReceiptInput,
  staffId: string | null,
): Promise<StockDocument> {
  return record(
    ctx,
    {
      kind: 'receipt',
      supplier: input.supplier ?? null,
      note: input.note ?? null,
      lines: input.lines.map((line) => ({
        skuId: line.skuId,
        delta: line.qty,
        unitCost: line.unitCost ?? null,
      })),
    },
    staffId,
  );
}

export interface AdjustmentInput {
  reason: AdjustmentReason;
  lines: { skuId: string; delta: number }[];
  note?: string | undefined;
}

/** Damaged and lost take stock out, found puts it back, a correction goes either way. */
export function adjustStock(
  ctx: AppContext,
  input: AdjustmentInput,
  staffId: string | null,
): Promise<StockDocument> {
  const wrongWay = input.lines.findIndex(
    (line) =>
      ((input.reason === 'damaged' || input.reason === 'lost') && line.delta > 0) ||
      (input.reason === 'found' && line.delta < 0),
  );
  if (wrongWay >= 0) {
    throw new ApiError('validation_failed', `A "${input.reason}" adjustment cannot move stock that way.`, {
      [`body.lines.${wrongWay}.delta`]: input.reason === 'found' ? 'must be positive' : 'must be negative',
    });
  }
  return record(
    ctx,
    { kind: 'adjustment', reason: input.reason, note: input.note ?? null, lines: input.lines },
    staffId,
  );
}

export async function getStockDocument(ctx: AppContext, id: string): Promise<StockDocument> {
  const db = ctx.storage.db;
  const doc = await db
    .selectFrom('stock_documents')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!doc) throw notFound('stock document', id);
  return {
    id: doc.id,
    kind: doc.kind as DocumentKind,
    at: doc.at,
    reason: doc.reason,
    supplier: doc.supplier,
    store: doc.counterpart,
    transferId: doc.external_ref,
    note: doc.note,
    staffId: doc.staff_id,
    lines: await documentLines(db, id),
    transfer: await documentTransfer(db, doc),
  };
}

function documentTransfer(
  db: Kysely<Database>,
  doc: { id: string; kind: string; external_ref: string | null },
): Promise<TransferState | null> | null {
  if (doc.kind === 'transfer_out') return transferState(db, doc.id);
  if (doc.kind === 'transfer_in' && doc.external_ref) return transferState(db, doc.external_ref);
  return null;
}

export async function documentLines(db: Kysely<Database>, refId: string): Promise<DocumentLine[]> {
  const rows = await db
    .selectFrom('stock_movements as m')
    .innerJoin('skus as k', 'k.id', 'm.sku_id')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .select([
      'm.sku_id as skuId',
      'k.barcode',
      's.style_code as styleCode',
      's.name',
      'k.color',
      'k.size',
      'm.delta',
      'm.unit_cost as unitCost',
      'm.on_hand_after as onHandAfter',
    ])
    .where('m.ref_id', '=', refId)
    .orderBy('m.id')
    .execute();
  return rows;
}
