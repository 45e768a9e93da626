import type { AppContext } from '../../context.js';
import { runAction } from '../../events/action.js';
import { faultPoint } from '../../fault-point.js';
import { announceQr, cancelWithProvider, gatewayFor, orderDescription, record } from './settle.js';
import { type PaymentRow, paymentRow } from './views.js';

/**
 * The customer scans the shop's code: the provider makes an order for the exact amount and
 * answers the code URL (WeChat Native `code_url`, Alipay precreate `qr_code`); the till's
 * customer display shows it (`payment.qr`) and the follow-up queries until it is paid, or closes
 * it after `qrSeconds` or when the cashier cancels, as with a scanned code.
 */

/**
 * Asks the provider for the code of a payment just written (its row is the crash-safe record).
 * No answer: no customer can have seen a code, so the order is closed and the cashier tries
 * again; a `close` that must be tried again leaves it to the follow-up.
 */
export async function offerQr(ctx: AppContext, row: PaymentRow): Promise<PaymentRow> {
  const gateway = await gatewayFor(ctx, row);
  if (!gateway.precreate) throw new Error(`${row.provider} has no QR payment`);
  const offer = await gateway.precreate({
    outTradeNo: row.out_trade_no,
    amount: row.amount,
    description: orderDescription(ctx),
    seconds: ctx.config.payments.qrSeconds,
  });
  faultPoint('payment.offered');
  if (offer.state === 'refused') return record(ctx, row.id, { status: 'failed', failure: offer.failure });
  if (offer.state === 'unknown') {
    ctx.log.warn({ paymentId: row.id, why: offer.why }, 'no QR code from the provider: closed');
    return cancelWithProvider(ctx, row);
  }
  return runAction(ctx, async (trx, outbox) => {
    await trx
      .updateTable('payments')
      .set({ qr_url: offer.qrUrl, updated_at: ctx.now().toISOString() })
      .where('id', '=', row.id)
      .where('store_id', '=', ctx.store.id)
      .where('unsettled', '=', 1)
      .execute();
    const now = (await paymentRow(trx, ctx, row.id)) as PaymentRow;
    announceQr(outbox, now);
    return now;
  });
}
