import type { Kysely, Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import type {
  MobilePaymentView,
  PaymentAggregator,
  PaymentFailure,
  PaymentProvider,
  PaymentRefundView,
  PaymentStatus,
} from '../../protocol/payments.js';
import type { Database, PaymentRefundTable, PaymentTable } from '../../storage/schema.js';

export type PaymentRow = Selectable<PaymentTable>;
export type RefundRow = Selectable<PaymentRefundTable>;

export function paymentView(row: PaymentRow): MobilePaymentView {
  return {
    id: row.id,
    amount: row.amount,
    status: row.status as PaymentStatus,
    provider: row.provider as PaymentProvider,
    ...(row.aggregator !== null && { aggregator: row.aggregator as PaymentAggregator }),
    ...(row.transaction_id !== null && { transactionId: row.transaction_id }),
    ...(row.failure !== null && { failure: row.failure as PaymentFailure }),
    ...(row.refunded_on_cancel === 1 && { refundedOnCancel: true }),
    ...(row.sale_id !== null && { saleId: row.sale_id }),
    at: row.created_at,
    ...(row.mode === 'qr' && { mode: 'qr' as const }),
    ...(row.qr_url !== null && { qrUrl: row.qr_url }),
  };
}

export function refundView(row: RefundRow): PaymentRefundView {
  return {
    id: row.id,
    paymentId: row.payment_id,
    amount: row.amount,
    status: row.status === 'requested' ? 'processing' : (row.status as PaymentRefundView['status']),
    ...(row.refund_id !== null && { refundId: row.refund_id }),
  };
}

export async function paymentRow(
  db: Kysely<Database>,
  ctx: AppContext,
  id: string,
): Promise<PaymentRow | undefined> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
}

export async function mustPayment(db: Kysely<Database>, ctx: AppContext, id: string): Promise<PaymentRow> {
  const row = await paymentRow(db, ctx, id);
  if (!row) throw notFound('payment', id);
  return row;
}

/** `GET /api/payments/unfinished`: money taken that no sale used and nobody gave back, oldest first. */
export async function unfinishedPayments(ctx: AppContext): Promise<{ items: MobilePaymentView[] }> {
  const rows = await ctx.storage.db
    .selectFrom('payments')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .where('status', '=', 'succeeded')
    .where('sale_id', 'is', null)
    .orderBy('created_at')
    .limit(200)
    .execute();
  return { items: rows.map(paymentView) };
}
