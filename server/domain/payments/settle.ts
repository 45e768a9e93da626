import type { AppContext } from '../../context.js';
import { runAction } from '../../events/action.js';
import type { Outbox } from '../../events/outbox.js';
import type { PaymentFailure, PaymentProvider } from '../../protocol/payments.js';
import { gatewayOf } from './gateways.js';
import type { Gateway, TradeState } from './provider.js';
import { type PaymentRow, paymentRow, paymentView } from './views.js';

/**
 * Settling a payment with its provider: one provider conversation at a time per payment in this
 * server (the till's request, the cashier's cancel and the follow-up worker take turns), each
 * outcome written only while the payment is still unsettled, so nothing decided is undone.
 */

const turns = new WeakMap<AppContext, Map<string, Promise<unknown>>>();

/** Runs `work` once every earlier conversation about this payment has ended. */
export function inTurn<T>(ctx: AppContext, paymentId: string, work: () => Promise<T>): Promise<T> {
  let queue = turns.get(ctx);
  if (!queue) {
    queue = new Map();
    turns.set(ctx, queue);
  }
  const before = queue.get(paymentId) ?? Promise.resolve();
  const mine = before.then(work, work);
  const tail = mine.catch(() => undefined);
  queue.set(paymentId, tail);
  void tail.then(() => {
    if (queue.get(paymentId) === tail) queue.delete(paymentId);
  });
  return mine;
}

/** What the customer sees in their wallet for a payment at this shop. */
export function orderDescription(ctx: AppContext): string {
  return `${ctx.store.name} 服装`;
}

export async function gatewayFor(ctx: AppContext, row: PaymentRow): Promise<Gateway> {
  return gatewayOf(ctx, row.provider as PaymentProvider);
}

/** Tells the till's customer display about a QR payment: its code to show, or that it settled. */
export function announceQr(outbox: Outbox, row: PaymentRow): void {
  if (row.mode !== 'qr' || row.device_id === null) return;
  outbox.add('payment.qr', { terminalId: row.device_id, payment: paymentView(row) });
}

type Outcome =
  | { status: 'succeeded'; transactionId: string }
  | { status: 'failed'; failure: PaymentFailure }
  | { status: 'cancelled'; failure: PaymentFailure; refunded: boolean }
  | { status: 'pending' };

/**
 * When each unsettled payment was last asked after (the clock's ms), kept in memory: a payment the
 * customer is still confirming is asked again every few seconds, and writing each "still waiting"
 * (a committed transaction, with its fsync) would queue a thousand writes a round beside the tills'
 * sales. After a restart the map is empty, and the first round asks after every unsettled one.
 */
const lastAsked = new Map<string, number>();

/** Whether `id` was asked after since `dueMs` (then the follow-up waits for its next turn). */
export function askedSince(id: string, dueMs: number): boolean {
  return (lastAsked.get(id) ?? Number.NEGATIVE_INFINITY) > dueMs;
}

/**
 * Writes what the provider said, if the payment is still unsettled; the row as it is now. A QR
 * payment settled here leaves its till's customer display.
 */
export async function record(ctx: AppContext, id: string, outcome: Outcome): Promise<PaymentRow> {
  if (outcome.status === 'pending') {
    lastAsked.set(id, ctx.now().getTime());
    return (await paymentRow(ctx.storage.db, ctx, id)) as PaymentRow;
  }
  lastAsked.delete(id);
  return runAction(ctx, async (trx, outbox) => {
    const at = ctx.now().toISOString();
    const base = trx
      .updateTable('payments')
      .where('id', '=', id)
      .where('store_id', '=', ctx.store.id)
      .where('unsettled', '=', 1);
    switch (outcome.status) {
      case 'succeeded':
        await base
          .set({ status: 'succeeded', unsettled: 0, transaction_id: outcome.transactionId, updated_at: at })
          .execute();
        break;
      case 'failed':
        await base
          .set({ status: 'failed', unsettled: 0, failure: outcome.failure, updated_at: at })
          .execute();
        break;
      case 'cancelled':
        await base
          .set({
            status: 'cancelled',
            unsettled: 0,
            failure: outcome.failure,
            refunded_on_cancel: outcome.refunded ? 1 : 0,
            updated_at: at,
          })
          .execute();
        break;
    }
    const row = (await paymentRow(trx, ctx, id)) as PaymentRow;
    if (row.updated_at === at && row.unsettled === 0) announceQr(outbox, row);
    return row;
  });
}

/** A provider's answer about a trade as the payment's outcome; `absent` and `unknown` decide nothing. */
export function outcomeOf(trade: TradeState): Outcome {
  switch (trade.state) {
    case 'paid':
      return { status: 'succeeded', transactionId: trade.transactionId };
    case 'refused':
      return { status: 'failed', failure: trade.failure };
    default:
      return { status: 'pending' };
  }
}

/** Why a payment is being cancelled: the cashier asked, or the customer took too long. */
function cancelReason(row: PaymentRow): PaymentFailure {
  return row.cancel_asked === 1 ? 'cancelled_by_cashier' : 'not_confirmed';
}

/**
 * Reverses (WeChat) or cancels (Alipay) a payment; a `recall` or no answer leaves it for the
 * next turn. A cancel that gave back money already taken is recorded so.
 */
export async function cancelWithProvider(ctx: AppContext, row: PaymentRow): Promise<PaymentRow> {
  const gateway = await gatewayFor(ctx, row);
  // A QR order is closed (WeChat cannot reverse a Native order); a scanned code is reversed.
  const done =
    row.mode === 'qr' && gateway.close
      ? await gateway.close(row.out_trade_no)
      : await gateway.cancel(row.out_trade_no);
  if (done.state === 'again') {
    ctx.log.warn({ paymentId: row.id, why: done.why }, 'payment cancel to be tried again');
    return record(ctx, row.id, { status: 'pending' });
  }
  return record(ctx, row.id, {
    status: 'cancelled',
    failure: cancelReason(row),
    refunded: done.state === 'refunded',
  });
}

/**
 * One follow-up of an unsettled payment: a query first (nothing is decided without one); paid
 * stays paid unless the cashier asked to cancel; still waiting after the deadline, or asked to
 * cancel, it is cancelled; an order the provider never saw is closed ahead of a late request.
 * A QR order is different in two ways: paid it stays paid (a close cannot give money back, so a
 * cancelled one is refunded after, see `worker.ts`), and one whose code was shown may be unknown
 * to the provider until a customer scans it (Alipay), which is waiting, not absent; one whose
 * code was never shown is closed at once.
 */
export async function followUp(ctx: AppContext, id: string): Promise<PaymentRow | undefined> {
  return inTurn(ctx, id, async () => {
    const row = await paymentRow(ctx.storage.db, ctx, id);
    if (!row || row.unsettled === 0) return row;
    const gateway = await gatewayFor(ctx, row);
    let trade = await gateway.query(row.out_trade_no);
    const late = ctx.now().getTime() >= Date.parse(row.deadline_at);
    const qr = row.mode === 'qr';
    if (qr && row.qr_url !== null && trade.state === 'absent') trade = { state: 'waiting' };
    if (trade.state === 'paid' && (row.cancel_asked === 0 || qr)) return record(ctx, id, outcomeOf(trade));
    if (trade.state === 'refused') {
      // A QR order the provider closed (a close whose answer was lost, or its own time-out): no
      // wallet refuses a shown code, nobody paid it, so it ended as a cancel does.
      return record(
        ctx,
        id,
        qr ? { status: 'cancelled', failure: cancelReason(row), refunded: false } : outcomeOf(trade),
      );
    }
    // A QR order whose code was never shown (a crash before the provider's answer): nobody can pay it.
    const unseen = qr && row.qr_url === null;
    if (row.cancel_asked === 1 || late || unseen || trade.state === 'absent')
      return cancelWithProvider(ctx, row);
    return record(ctx, id, { status: 'pending' });
  });
}
