import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError, reusedId } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { faultPoint } from '../../fault-point.js';
import { type MobilePaymentView, PAYMENT_PROVIDERS } from '../../protocol/payments.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import { requestHash } from '../sales/idempotency.js';
import { gatewayOf } from './gateways.js';
import { providerOf } from './provider.js';
import { offerQr } from './qr.js';
import { refundOnCancel } from './refunds.js';
import { followUp, gatewayFor, inTurn, orderDescription, outcomeOf, record } from './settle.js';
import { mustPayment, type PaymentRow, paymentRow, paymentView } from './views.js';

const id = z.string().trim().min(1).max(64);

/**
 * The customer's 付款码 (`authCode`, the provider comes from it), or `mode: "qr"` with the
 * `provider` whose code the customer display shows for the customer to scan.
 */
export const paymentBody = z
  .strictObject({
    /** The terminal's idempotency key, made before the first attempt. */
    id,
    amount: z.number().int('whole fen').min(1).max(100_000_000),
    authCode: z
      .string()
      .trim()
      .regex(/^\d{16,24}$/, '16–24 digits')
      .optional(),
    mode: z.literal('qr').optional(),
    provider: z.enum(PAYMENT_PROVIDERS).optional(),
    memberId: id.optional(),
    saleId: id.optional(),
  })
  .superRefine((body, issues) => {
    const qr = body.mode === 'qr';
    if (qr && body.provider === undefined) {
      issues.addIssue({ code: 'custom', path: ['provider'], message: 'wechat or alipay, for a QR payment' });
    }
    if (qr && body.authCode !== undefined) {
      issues.addIssue({
        code: 'custom',
        path: ['authCode'],
        message: 'none: the customer scans the shop’s code',
      });
    }
    if (!qr && body.authCode === undefined) {
      issues.addIssue({ code: 'custom', path: ['authCode'], message: 'the customer’s payment code' });
    }
    if (!qr && body.provider !== undefined) {
      issues.addIssue({
        code: 'custom',
        path: ['provider'],
        message: 'only with mode qr: a code names its provider',
      });
    }
  });
export type PaymentInput = z.output<typeof paymentBody>;

/** A fresh out_trade_no: at most 32 letters and digits, as WeChat allows. */
function outTradeNo(ctx: AppContext): string {
  const at = ctx.now().toISOString().replace(/\D/g, '').slice(0, 14);
  return `HG${at}${randomBytes(6).toString('hex').toUpperCase()}`;
}

/**
 * `POST /api/payments`: the payment is written with its out_trade_no first (a crash after that
 * leaves a row the follow-up queries), then the provider is asked. A resend of the same id
 * never asks again: it answers the payment as it stands (201 first, 200 after).
 */
export async function takePayment(
  ctx: AppContext,
  staff: StaffPrincipal,
  input: PaymentInput,
): Promise<{ created: boolean; payment: MobilePaymentView }> {
  const qr = input.mode === 'qr';
  const provider = qr ? (input.provider ?? null) : providerOf(input.authCode ?? '');
  if (!provider) {
    throw new ApiError('validation_failed', 'This is neither a WeChat nor an Alipay payment code.', {
      'body.authCode': 'not a WeChat (18 digits, 10–15…) or Alipay (16–24 digits, 25–30…) payment code',
    });
  }
  const gateway = await gatewayOf(ctx, provider);
  if (qr && !gateway.precreate) {
    throw new ApiError('business_rule', 'This provider takes scanned payment codes only.', {
      'body.provider': 'no QR payment with this provider',
    });
  }
  const seconds = qr ? ctx.config.payments.qrSeconds : ctx.config.payments.confirmSeconds;
  const hash = requestHash(input);
  const { created, row } = await runAction(ctx, async (trx) => {
    const seen = await paymentRow(trx, ctx, input.id);
    if (seen) {
      if (seen.request_hash !== hash) throw reusedId('payment');
      return { created: false, row: seen };
    }
    const at = ctx.now();
    const fresh: PaymentRow = {
      id: input.id,
      store_id: ctx.store.id,
      provider,
      out_trade_no: outTradeNo(ctx),
      amount: input.amount,
      request_hash: hash,
      status: 'pending',
      unsettled: 1,
      transaction_id: null,
      failure: null,
      cancel_asked: 0,
      refunded_on_cancel: 0,
      sale_id: null,
      member_id: input.memberId ?? null,
      staff_id: staff.staffId,
      device_id: staff.deviceId,
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
      deadline_at: new Date(at.getTime() + seconds * 1000).toISOString(),
      mode: qr ? 'qr' : 'code',
      qr_url: null,
      aggregator: gateway.aggregator ?? null,
    };
    // The sale it is for may not exist yet: `sale_id` is set when a sale takes the payment.
    const { sale_id: _saleId, ...columns } = fresh;
    await trx.insertInto('payments').values(columns).execute();
    return { created: true, row: fresh };
  });
  if (!created) return { created, payment: paymentView(row) };
  if (qr) return { created, payment: paymentView(await inTurn(ctx, row.id, () => offerQr(ctx, row))) };
  const authCode = input.authCode as string;
  const settled = await inTurn(ctx, row.id, async () => {
    const gateway = await gatewayFor(ctx, row);
    let trade = await gateway.pay({
      outTradeNo: row.out_trade_no,
      amount: row.amount,
      authCode,
      description: orderDescription(ctx),
    });
    faultPoint('payment.answered');
    // SYSTEMERROR or no answer: the money may have been taken; ask before deciding anything.
    if (trade.state === 'unknown') trade = await gateway.query(row.out_trade_no);
    return record(ctx, row.id, outcomeOf(trade));
  });
  return { created, payment: paymentView(settled) };
}

export async function getPayment(ctx: AppContext, paymentId: string): Promise<MobilePaymentView> {
  return paymentView(await mustPayment(ctx.storage.db, ctx, paymentId));
}

/**
 * `POST /api/payments/:id/cancel`: a pending payment is reversed with the provider (and given
 * back if it had in fact gone through); a succeeded one no sale used is refunded in full; one a
 * sale used is returned through that sale instead (409).
 */
export async function cancelPayment(ctx: AppContext, paymentId: string): Promise<MobilePaymentView> {
  // Claimed first, in a write of its own: from now on no sale can take it as a tender.
  const claimed = await runAction(ctx, async (trx) => {
    const row = await mustPayment(trx, ctx, paymentId);
    if (row.sale_id !== null) {
      throw new ApiError(
        'conflict',
        `This payment paid sale ${row.sale_id}: take the goods back as a return.`,
        {
          id: 'used by a sale',
        },
      );
    }
    if (row.status === 'pending' || row.status === 'succeeded') {
      await trx
        .updateTable('payments')
        .set({ cancel_asked: 1, updated_at: ctx.now().toISOString() })
        .where('id', '=', paymentId)
        .execute();
    }
    return { ...row, cancel_asked: 1 };
  });
  // Pending: the follow-up queries, then reverses (a `recall` or no answer: the worker goes on).
  const row = claimed.status === 'pending' ? ((await followUp(ctx, paymentId)) ?? claimed) : claimed;
  // It went through before the reverse could stop it, or had already: refunded in full.
  if (row.status === 'succeeded') return paymentView(await refundOnCancel(ctx, row));
  return paymentView(row);
}
