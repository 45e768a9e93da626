import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { DocumentLine, StockDocument, TransferLineState } from '../../protocol/inventory.js';
import type { Database } from '../../storage/schema.js';
import { documentLines, record } from './documents.js';
import { CLOSES_TRANSFER, transferState } from './transfer-state.js';

export interface TransferInput {
  direction: 'out' | 'in';
  /** The other store's code. */
  store: string;
  /** For a transfer in: the sending store's transfer id, so it is received once. */
  transferId?: string | undefined;
  lines: { skuId: string; qty: number }[];
  /** Chain mode, a transfer in: that is all that came; what did not is the discrepancy. */
  close?: boolean | undefined;
  note?: string | undefined;
}

/**
 * Stock sent to or received from another store. Where the stores share one database (chain
 * mode: it holds several stores), the other store must be one of the chain's, and a transfer
 * is received against what that store sent here: never more than is still on its way, in as
 * many receipts as it takes, until everything came or the receiver closes it short.
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
  const chain = await inChain(ctx);
  if (chain) await checkChainStore(ctx, input.store);
  if (!chain && input.close) {
    throw new ApiError(
      'validation_failed',
      'Only a transfer within the chain is received against what was sent.',
      {
        'body.close': 'chain mode only',
      },
    );
  }
  const out = input.direction === 'out';
  const check = out
    ? undefined
    : chain
      ? (trx: Kysely<Database>) => checkAgainstSent(trx, ctx, input)
      : (trx: Kysely<Database>) => checkReceivedOnce(trx, ctx, input.transferId);
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
    check,
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

async function checkChainStore(ctx: AppContext, code: string): Promise<void> {
  const other = await ctx.storage.db
    .selectFrom('stores')
    .select('id')
    .where('code', '=', code)
    .executeTakeFirst();
  if (!other) {
    throw new ApiError('business_rule', `There is no store ${code} in this chain.`, {
      'body.store': 'not a store of the chain',
    });
  }
}

/** A single shop: a transfer in with the other system's transfer id is booked once. */
async function checkReceivedOnce(
  trx: Kysely<Database>,
  ctx: AppContext,
  transferId: string | undefined,
): Promise<undefined> {
  if (!transferId) return;
  const seen = await trx
    .selectFrom('stock_documents')
    .select('id')
    .where('store_id', '=', ctx.store.id)
    .where('kind', '=', 'transfer_in')
    .where('external_ref', '=', transferId)
    .executeTakeFirst();
  if (seen) {
    throw new ApiError('conflict', `Transfer ${transferId} was received already (${seen.id}).`, {
      'body.transferId': 'received already',
    });
  }
}

/**
 * Chain mode: a receipt books in only what the sender sent here and has not been booked in
 * yet (five sent, seven booked in would make two units from nothing), and not after the
 * transfer is done. Runs inside the receipt's transaction.
 */
async function checkAgainstSent(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: TransferInput,
): Promise<{ reason: string | null }> {
  const state = input.transferId ? await transferState(trx, input.transferId) : null;
  if (!state || state.from !== input.store || state.to !== ctx.store.code) {
    throw new ApiError('business_rule', `Store ${input.store} sent no such transfer to this store.`, {
      'body.transferId': 'not a transfer sent here by that store',
    });
  }
  if (state.status !== 'in_transit') {
    throw new ApiError(
      'conflict',
      `Transfer ${state.id} was ${state.status === 'received' ? 'received in full' : 'closed'} already.`,
      { 'body.transferId': 'received already' },
    );
  }
  const left = new Map(state.lines.map((line) => [line.skuId, line.missing]));
  for (const [i, line] of input.lines.entries()) {
    const open = left.get(line.skuId);
    if (open === undefined) {
      throw new ApiError('business_rule', `SKU ${line.skuId} was not sent on this transfer.`, {
        [`body.lines.${i}.skuId`]: 'not on this transfer',
      });
    }
    if (line.qty > open) {
      throw new ApiError(
        'business_rule',
        `Only ${open} of this SKU are still on their way; book any extra as a "found" adjustment.`,
        { [`body.lines.${i}.qty`]: `only ${open} still to come` },
      );
    }
    left.set(line.skuId, open - line.qty);
  }
  // The receipt that brings the last unit, or that the receiver says is the last, closes it.
  const complete = [...left.values()].every((n) => n === 0);
  return { reason: complete || input.close ? CLOSES_TRANSFER : null };
}

/** A transfer another store of the chain sent here that this store has not received in full yet. */
export interface TransferInTransit {
  transferId: string;
  from: string;
  at: string;
  note: string | null;
  lines: DocumentLine[];
  /** Per SKU: sent, booked in so far, still to come. */
  received: TransferLineState[];
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
            .where('r.reason', '=', CLOSES_TRANSFER)
            .whereRef('r.external_ref', '=', 'd.id'),
        ),
      ),
    )
    .orderBy('d.at')
    .execute();
  const open: TransferInTransit[] = [];
  for (const doc of sent) {
    const state = await transferState(db, doc.id);
    if (state?.status !== 'in_transit') continue;
    open.push({
      transferId: doc.id,
      from: doc.code,
      at: doc.at,
      note: doc.note,
      lines: await documentLines(db, doc.id),
      received: state.lines,
    });
  }
  return open;
}
