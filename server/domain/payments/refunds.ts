import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import type { PaymentProvider, PaymentRefundView } from '../../protocol/payments.js';
import type { Database } from '../../storage/schema.js';
import { gatewayOf } from './gateways.js';
import type { RefundOrder, RefundState } from './provider.js';
import { inTurn } from './settle.js';
import { type PaymentRow, paymentRow, type RefundRow, refundView } from './views.js';

/**
 * Refunds through the provider. A refund is written (its out_refund_no the return's id) inside
 * the return's or void's own transaction, and sent after commit; the follow-up worker sends
 * what a crash left unsent and follows PROCESSING to SUCCESS. Resending one out_refund_no never
 * refunds twice: the provider keys the refund by it.
 */

/**
 * Inside a return's (or void's) transaction: `amount` of the sale's `method` tender goes back
 * through the provider of the sale's payments of that kind, oldest first, each at most what it
 * has left. A tender ticked by hand (no payment behind it) is refunded by hand, as before.
 */
export async function queueProviderRefunds(
  trx: Kysely<Database>,
  ctx: AppContext,
  refund: { saleId: string; refundNo: string; returnId: string; method: string; amount: number },
): Promise<void> {
  if (refund.method !== 'wechat' && refund.method !== 'alipay') return;
  const payments = await trx
    .selectFrom('payments')
    .select(['id', 'amount'])
    .where('store_id', '=', ctx.store.id)
    .where('sale_id', '=', refund.saleId)
    .where('provider', '=', refund.method)
    .orderBy('created_at')
    .execute();
  let rest = refund.amount;
  const at = ctx.now().toISOString();
  for (const payment of payments) {
    if (rest === 0) break;
    const before = await trx
      .selectFrom('payment_refunds')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('sum'))
      .where('payment_id', '=', payment.id)
      .where('status', '!=', 'failed')
      .executeTakeFirstOrThrow();
    const now = Math.min(rest, payment.amount - Number(before.sum));
    if (now <= 0) continue;
    const count = await trx
      .selectFrom('payment_refunds')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('return_id', '=', refund.returnId)
      .executeTakeFirstOrThrow();
    const n = Number(count.n);
    await trx
      .insertInto('payment_refunds')
      .values({
        id: n === 0 ? refund.refundNo : `${refund.refundNo}-${n + 1}`,
        store_id: ctx.store.id,
        payment_id: payment.id,
        return_id: refund.returnId,
        amount: now,
        status: 'requested',
        refund_id: null,
        failure: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    rest -= now;
  }
}

function orderOf(refund: RefundRow, payment: PaymentRow): RefundOrder {
  return {
    outTradeNo: payment.out_trade_no,
    outRefundNo: refund.id,
    amount: refund.amount,
    total: payment.amount,
  };
}

/** Sends a refund, or asks after one already sent; writes what the provider said. */
export async function sendRefund(ctx: AppContext, refundId: string): Promise<RefundRow | undefined> {
  return inTurn(ctx, `refund:${refundId}`, async () => {
    const db = ctx.storage.db;
    const refund = await db
      .selectFrom('payment_refunds')
      .selectAll()
      .where('id', '=', refundId)
      .executeTakeFirst();
    if (!refund || refund.status === 'succeeded' || refund.status === 'failed') return refund;
    const payment = (await paymentRow(db, ctx, refund.payment_id)) as PaymentRow;
    const gateway = await gatewayOf(ctx, payment.provider as PaymentProvider);
    // A refund asked before (maybe answered, maybe not) is asked after, not sent blind again.
    const state: RefundState =
      refund.status === 'requested'
        ? await gateway.refund(orderOf(refund, payment))
        : await gateway.queryRefund(orderOf(refund, payment));
    return runAction(ctx, async (trx) => {
      const at = ctx.now().toISOString();
      const update = trx.updateTable('payment_refunds').where('id', '=', refundId);
      if (state.state === 'succeeded') {
        await update.set({ status: 'succeeded', refund_id: state.refundId, updated_at: at }).execute();
      } else if (state.state === 'processing') {
        await update
          .set({ status: 'processing', ...(state.refundId && { refund_id: state.refundId }), updated_at: at })
          .execute();
      } else if (state.state === 'failed') {
        ctx.log.error({ refundId, why: state.why }, 'the provider refused a refund');
        await update.set({ status: 'failed', failure: state.why, updated_at: at }).execute();
      } else {
        // No answer: whether it arrived is unknown, so from now on it is only asked after.
        await update.set({ status: 'processing', updated_at: at }).execute();
      }
      return trx
        .selectFrom('payment_refunds')
        .selectAll()
        .where('id', '=', refundId)
        .executeTakeFirstOrThrow();
    });
  });
}

/** After a return or void committed: its provider refunds sent now, as they stand. */
export async function sendRefundsOf(ctx: AppContext, returnId: string): Promise<PaymentRefundView[]> {
  const rows = await ctx.storage.db
    .selectFrom('payment_refunds')
    .select('id')
    .where('store_id', '=', ctx.store.id)
    .where('return_id', '=', returnId)
    .orderBy('id')
    .execute();
  const views: PaymentRefundView[] = [];
  for (const row of rows) {
    const sent = await sendRefund(ctx, row.id);
    if (sent) views.push(refundView(sent));
  }
  return views;
}

/**
 * A succeeded payment no sale used, cancelled: refunded in full. The refund row and the
 * payment's new status commit together, so the refund is followed up even after a crash.
 */
export async function refundOnCancel(ctx: AppContext, row: PaymentRow): Promise<PaymentRow> {
  const refundNo = `C${row.out_trade_no}`;
  const updated = await runAction(ctx, async (trx) => {
    const now = await paymentRow(trx, ctx, row.id);
    if (now?.status !== 'succeeded') return now;
    if (now.sale_id !== null) {
      throw new ApiError(
        'conflict',
        `This payment paid sale ${now.sale_id}: take the goods back as a return.`,
        {
          id: 'used by a sale',
        },
      );
    }
    const at = ctx.now().toISOString();
    await trx
      .insertInto('payment_refunds')
      .values({
        id: refundNo,
        store_id: ctx.store.id,
        payment_id: row.id,
        return_id: null,
        amount: row.amount,
        status: 'requested',
        refund_id: null,
        failure: null,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await trx
      .updateTable('payments')
      .set({ status: 'cancelled', refunded_on_cancel: 1, failure: 'cancelled_by_cashier', updated_at: at })
      .where('id', '=', row.id)
      .execute();
    return paymentRow(trx, ctx, row.id);
  });
  await sendRefund(ctx, refundNo);
  return updated ?? row;
}

/**
 * After a return committed: its mobile tenders go back through their providers now (a crash in
 * between: the follow-up sends them), and the answer carries the providers' refund ids.
 */
export async function withProviderRefunds<T extends { id: string }>(
  ctx: AppContext,
  result: T,
): Promise<T & { providerRefunds?: PaymentRefundView[] }> {
  const providerRefunds = await sendRefundsOf(ctx, result.id);
  return providerRefunds.length > 0 ? { ...result, providerRefunds } : result;
}

/** The out_refund_no of a void's refunds. */
export function voidRefundNo(saleId: string): string {
  return `void-${saleId}`;
}

/** Inside a void's transaction: every mobile payment of the sale goes back in full. */
export async function queueVoidRefunds(
  trx: Kysely<Database>,
  ctx: AppContext,
  saleId: string,
): Promise<void> {
  const paid = await trx
    .selectFrom('payments')
    .select(['provider', (eb) => eb.fn.sum<number>('amount').as('amount')])
    .where('store_id', '=', ctx.store.id)
    .where('sale_id', '=', saleId)
    .groupBy('provider')
    .orderBy('provider')
    .execute();
  for (const { provider, amount } of paid) {
    await queueProviderRefunds(trx, ctx, {
      saleId,
      refundNo: voidRefundNo(saleId),
      returnId: voidRefundNo(saleId),
      method: provider,
      amount: Number(amount),
    });
  }
}
