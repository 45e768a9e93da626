import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { runRequest } from '../../events/action.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { ExchangeResult, SaleResult } from '../../protocol/sales.js';
import { recordAudit } from '../audit/service.js';
import type { PinProof } from '../loyalty/stored-value.js';
import { verifyMemberPin } from '../members/pin.js';
import { withProviderRefunds } from '../payments/refunds.js';
import type { Approval } from './approvals.js';
import { checkSaleApprovals, logFailure, writeSale } from './complete.js';
import { requestHash, reusedId } from './idempotency.js';
import { priceRequest } from './quote.js';
import { paysCash, queueReceipt } from './receipt-print.js';
import { cashExceptionFor, checkReturnApproval, replayReturn, writeReturn } from './returns.js';
import type { ExchangeInput } from './schemas.js';

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
  const replay = async (db: typeof ctx.storage.db) => {
    const back = await replayReturn(db, ctx, input.id, hash);
    if (!back) return null;
    const row = await db
      .selectFrom('sales')
      .select('result')
      .where('id', '=', input.saleId)
      .executeTakeFirstOrThrow();
    const sale = JSON.parse(row.result) as SaleResult;
    return { return: back, sale, difference: sale.total - back.amount + back.keptBack };
  };
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
      const taken = await trx
        .selectFrom('sales')
        .select('id')
        .where('id', '=', input.saleId)
        .executeTakeFirst();
      if (taken) throw reusedId('sale');
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
        openDrawer: false,
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
