import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { runAction } from '../../events/action.js';
import type { DocumentKind, DocumentLine, StockDocument } from '../../protocol/inventory.js';
import type { Database } from '../../storage/schema.js';
import { type AuditKind, recordAudit } from '../audit/service.js';
import { moveStock, type StockKind } from './ledger.js';

export const ADJUSTMENT_REASONS = ['damaged', 'lost', 'found', 'correction'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

interface DocumentInput {
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

/** One stock document and its movements, in one transaction; events go out after commit. */
async function record(ctx: AppContext, input: DocumentInput, staffId: string | null): Promise<StockDocument> {
  const id = uuidv7();
  await runAction(ctx, async (trx, outbox) => {
    if (input.externalRef) {
      const seen = await trx
        .selectFrom('stock_documents')
        .select('id')
        .where('store_id', '=', ctx.store.id)
        .where('kind', '=', input.kind)
        .where('external_ref', '=', input.externalRef)
        .executeTakeFirst();
      if (seen) {
        throw new ApiError('conflict', `Transfer ${input.externalRef} was received already (${seen.id}).`, {
          'body.transferId': 'received already',
        });
      }
    }
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

export interface TransferInput {
  direction: 'out' | 'in';
  /** The other store's code. */
  store: string;
  /** For a transfer in: the sending store's transfer id, so it is received once. */
  transferId?: string | undefined;
  lines: { skuId: string; qty: number }[];
  note?: string | undefined;
}

/**
 * Stock sent to or received from another store. Where the stores share one database (chain
 * mode: it holds several stores), the other store must be one of the chain's, and a transfer
 * received must be one that store sent here: between the two it is in transit.
 */
export async function transferStock(
  ctx: AppContext,
  input: TransferInput,
  staffId: string | null,
): Promise<StockDocument> {
  if (input.store === ctx.store.code) {
    throw new ApiError('validation_failed', 'A transfer goes to or comes from another store.', {
      'body.store': 'this store',
    });
  }
  if (await inChain(ctx)) await checkChainTransfer(ctx, input);
  const out = input.direction === 'out';
  return record(
    ctx,
    {
      kind: out ? 'transfer_out' : 'transfer_in',
      counterpart: input.store,
      externalRef: out ? null : (input.transferId ?? null),
      note: input.note ?? null,
      lines: input.lines.map((line) => ({ skuId: line.skuId, delta: out ? -line.qty : line.qty })),
    },
    staffId,
  );
}

/** Whether this database holds a chain's stores (a single shop's other stores are not in it). */
async function inChain(ctx: AppContext): Promise<boolean> {
  const row = await ctx.storage.db
    .selectFrom('stores')
    .select(ctx.storage.db.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n) > 1;
}

async function checkChainTransfer(ctx: AppContext, input: TransferInput): Promise<void> {
  const db = ctx.storage.db;
  const other = await db.selectFrom('stores').select('id').where('code', '=', input.store).executeTakeFirst();
  if (!other) {
    throw new ApiError('business_rule', `There is no store ${input.store} in this chain.`, {
      'body.store': 'not a store of the chain',
    });
  }
  if (input.direction === 'out') return;
  const sent = input.transferId
    ? await db
        .selectFrom('stock_documents')
        .select('id')
        .where('id', '=', input.transferId)
        .where('store_id', '=', other.id)
        .where('kind', '=', 'transfer_out')
        .where('counterpart', '=', ctx.store.code)
        .executeTakeFirst()
    : undefined;
  if (!sent) {
    throw new ApiError('business_rule', `Store ${input.store} sent no such transfer to this store.`, {
      'body.transferId': 'not a transfer sent here by that store',
    });
  }
}

/** A transfer another store of the chain sent here that this store has not received yet. */
export interface TransferInTransit {
  transferId: string;
  from: string;
  at: string;
  note: string | null;
  lines: DocumentLine[];
}

/** Chain mode: what the other stores sent here and is still on its way (nothing for a single shop). */
export async function transfersInTransit(ctx: AppContext): Promise<TransferInTransit[]> {
  const db = ctx.storage.db;
  const sent = await db
    .selectFrom('stock_documents as d')
    .innerJoin('stores as st', 'st.id', 'd.store_id')
    .select(['d.id', 'st.code', 'd.at', 'd.note'])
    .where('d.kind', '=', 'transfer_out')
    .where('d.counterpart', '=', ctx.store.code)
    .where('d.store_id', '<>', ctx.store.id)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('stock_documents as r')
            .select('r.id')
            .where('r.store_id', '=', ctx.store.id)
            .where('r.kind', '=', 'transfer_in')
            .whereRef('r.external_ref', '=', 'd.id'),
        ),
      ),
    )
    .orderBy('d.at')
    .execute();
  return Promise.all(
    sent.map(async (doc) => ({
      transferId: doc.id,
      from: doc.code,
      at: doc.at,
      note: doc.note,
      lines: await documentLines(db, doc.id),
    })),
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
  };
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
