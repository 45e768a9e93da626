import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { notFound, reusedId } from '../../errors.js';
import { runRequest } from '../../events/action.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { ExchangeResult, SaleResult } from '../../protocol/sales.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { tillInTraining } from '../carts/training.js';
import type { PinProof } from '../loyalty/stored-value.js';
import { verifyMemberPin } from '../members/pin.js';
import { withProviderRefunds } from '../payments/refunds.js';
import type { Approver } from '../staff/approval.js';
import type { Approval } from './approvals.js';
import { checkSaleApprovals, logFailure, writeSale } from './complete.js';
import { requestHash } from './idempotency.js';
import { priceRequest } from './quote.js';
import { paysCash, queueReceipt } from './receipt-print.js';
import {
  cashExceptionFor,
  checkReturnApproval,
  replayReturn,
  writeReceiptlessReturn,
  writeReturn,
} from './returns.js';
import type { ExchangeInput, ReceiptlessExchangeInput } from './schemas.js';

/** A resend of an exchange: the return and the new sale as first answered (409 for another body). */
async function replayExchange(
  db: Kysely<Database>,
  ctx: AppContext,
  input: { id: string; saleId: string },
  hash: string,
): Promise<ExchangeResult | null> {
  const back = await replayReturn(db, ctx, input.id, hash);
  if (!back) return null;
  const row = await db
    .selectFrom('sales')
    .select('result')
    .where('id', '=', input.saleId)
    .executeTakeFirstOrThrow();
  const sale = JSON.parse(row.result) as SaleResult;
  return { return: back, sale, difference: sale.total - back.amount + back.keptBack };
}

/** The new sale's id must be new: one already used by another sale is a reused id. */
async function assertSaleIdFree(trx: Kysely<Database>, saleId: string): Promise<void> {
  const taken = await trx.selectFrom('sales').select('id').where('id', '=', saleId).executeTakeFirst();
  if (taken) throw reusedId('sale');
}

/**
 * `POST /api/sales/:id/exchanges`: a return of goods of sale `:id` and a new sale for the
 * member of that sale, in one transaction. The returned goods' value pays for the new goods;
 * the customer pays the rest (`payments`) or gets the difference back (`refund`, by default to
 * the original tenders). Idempotent by `id` (the return's); the new sale takes `saleId`.
 */
export async function exchangeSale(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  originalSaleId: string,
  input: ExchangeInput,
): Promise<{ replayed: boolean; result: ExchangeResult }> {
  const { memberPin, ...rest } = input;
  const hash = requestHash({ exchangeOf: originalSaleId, ...rest });
  const replay = (db: Kysely<Database>) => replayExchange(db, ctx, input, hash);
  const first = await replay(ctx.storage.db);
  if (first) return { replayed: true, result: first };
  const original = await ctx.storage.db
    .selectFrom('sales')
    .select(['member_id', 'training'])
    .where('id', '=', originalSaleId)
    .executeTakeFirst();
  if (!original) throw notFound('sale', originalSaleId);
  const returnApprover = await checkReturnApproval(ctx, staff, approval, originalSaleId);
  const approvals = await checkSaleApprovals(ctx, staff, returnApprover ?? approval, input.lines);
  approvals.approver ??= returnApprover;
  const cashException = await cashExceptionFor(ctx, staff, approvals.approver ?? approval);
  let pin: PinProof | null = null;
  if (memberPin !== undefined && original.member_id)
    pin = await verifyMemberPin(ctx, original.member_id, memberPin, staff.deviceId);
  const saleInput = {
    id: input.saleId,
    ...(original.member_id && { memberId: original.member_id }),
    lines: input.lines,
    couponCodes: input.couponCodes,
    redeemPoints: input.redeemPoints,
    training: original.training === 1,
    payments: input.payments,
    ...(input.expectedTotal !== undefined && { expectedTotal: input.expectedTotal }),
  };
  try {
    const done = await runRequest(ctx, replay, async (trx, outbox) => {
      await assertSaleIdFree(trx, input.saleId);
      const { quote } = await priceRequest(trx, ctx, saleInput);
      const back = await writeReturn(trx, ctx, outbox, {
        returnId: input.id,
        saleId: originalSaleId,
        lines: input.returnLines,
        refund: input.refund,
        cashException,
        exchangeCredit: quote.total,
        staff,
        approverId: approvals.approver?.staffId ?? null,
        hash,
        reason: input.reason,
        field: 'returnLines',
      });
      const credit = back.result.refund.find((r) => r.method === 'exchange')?.amount ?? 0;
      const sold = await writeSale(trx, ctx, outbox, {
        input: saleInput,
        staff,
        approvals,
        pin,
        hash,
        credit: { amount: credit, returnId: input.id },
      });
      await recordAudit(trx, ctx, {
        kind: 'sale.exchanged',
        staffId: staff.staffId,
        approverId: approvals.approver?.staffId ?? null,
        deviceId: staff.deviceId,
        subjectType: 'sale',
        subjectId: originalSaleId,
        detail: {
          returnId: input.id,
          saleId: input.saleId,
          difference: sold.sale.total - (back.result.amount - back.result.keptBack),
        },
      });
      await queueReceipt(trx, ctx, outbox, {
        terminalId: staff.deviceId,
        document: back.receipt,
        jobId: input.id,
        // The difference handed back in cash comes out of the drawer.
        openDrawer: paysCash(back.result.refund),
      });
      await queueReceipt(trx, ctx, outbox, {
        terminalId: staff.deviceId,
        document: sold.receipt,
        jobId: input.saleId,
        openDrawer: paysCash(input.payments),
      });
      return {
        return: back.result,
        sale: sold.sale,
        difference: sold.sale.total - (back.result.amount - back.result.keptBack),
      };
    });
    return {
      ...done,
      result: { ...done.result, return: await withProviderRefunds(ctx, done.result.return) },
    };
  } catch (error) {
    await logFailure(ctx, staff, { type: 'sale', id: input.saleId }, error);
    throw error;
  }
}

/**
 * `POST /api/exchanges` (无小票换货): goods back without a receipt and a new sale, in one
 * transaction. The goods are worth the price in force (or `unitAmount`) and pay for the new
 * goods (`method: exchange`); the customer pays the rest or gets the difference back, in cash
 * unless `refund` says otherwise. Always `sale.refund` (the route checks it: `approver`).
 * Idempotent by `id` (the return's); the new sale takes `saleId`.
 */
export async function receiptlessExchange(
  ctx: AppContext,
  staff: StaffPrincipal,
  approver: Approver | null,
  input: ReceiptlessExchangeInput,
): Promise<{ replayed: boolean; result: ExchangeResult }> {
  const hash = requestHash({ receiptlessExchange: true, ...input });
  const replay = (db: Kysely<Database>) => replayExchange(db, ctx, input, hash);
  const first = await replay(ctx.storage.db);
  if (first) return { replayed: true, result: first };
  const approvals = await checkSaleApprovals(ctx, staff, approver, input.lines);
  approvals.approver ??= approver;
  const training = input.training || (await tillInTraining(ctx.storage.db, staff.deviceId));
  const saleInput = {
    id: input.saleId,
    lines: input.lines,
    couponCodes: [],
    redeemPoints: 0,
    training,
    payments: input.payments,
    ...(input.expectedTotal !== undefined && { expectedTotal: input.expectedTotal }),
  };
  try {
    return await runRequest(ctx, replay, async (trx, outbox) => {
      await assertSaleIdFree(trx, input.saleId);
      const { quote } = await priceRequest(trx, ctx, saleInput);
      const back = await writeReceiptlessReturn(trx, ctx, outbox, {
        returnId: input.id,
        lines: input.returnLines,
        refund: input.refund,
        exchangeCredit: quote.total,
        staff,
        approverId: approvals.approver?.staffId ?? null,
        hash,
        reason: input.reason,
        training,
        field: 'returnLines',
      });
      const credit = back.result.refund.find((r) => r.method === 'exchange')?.amount ?? 0;
      const sold = await writeSale(trx, ctx, outbox, {
        input: saleInput,
        staff,
        approvals,
        pin: null,
        hash,
        credit: { amount: credit, returnId: input.id },
      });
      const difference = sold.sale.total - back.result.amount;
      await recordAudit(trx, ctx, {
        kind: 'sale.exchanged',
        staffId: staff.staffId,
        approverId: approvals.approver?.staffId ?? null,
        deviceId: staff.deviceId,
        subjectType: 'sale',
        subjectId: input.saleId,
        detail: {
          returnId: input.id,
          saleId: input.saleId,
          difference,
          receiptless: true,
          reason: input.reason,
        },
      });
      await queueReceipt(trx, ctx, outbox, {
        terminalId: staff.deviceId,
        document: back.receipt,
        jobId: input.id,
        openDrawer: paysCash(back.result.refund),
      });
      await queueReceipt(trx, ctx, outbox, {
        terminalId: staff.deviceId,
        document: sold.receipt,
        jobId: input.saleId,
        openDrawer: paysCash(input.payments),
      });
      return { return: back.result, sale: sold.sale, difference };
    });
  } catch (error) {
    await logFailure(ctx, staff, { type: 'sale', id: input.saleId }, error);
    throw error;
  }
}
