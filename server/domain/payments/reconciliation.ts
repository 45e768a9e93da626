import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { storeDay } from '../../dates.js';
import { ApiError } from '../../errors.js';
import { PAYMENT_PROVIDERS, type PaymentProvider } from '../../protocol/payments.js';
import type {
  ProviderReconciliation,
  ReconciliationKind,
  ReconciliationLine,
  ReconciliationTotals,
  ReconciliationView,
} from '../../protocol/reconciliation.js';
import { RECONCILIATION_KINDS } from '../../protocol/reconciliation.js';
import type { Statement } from './bills/statement.js';
import { gatewaysOf, paymentsOn } from './gateways.js';
import type { PaymentRow, RefundRow } from './views.js';

/**
 * 对账: a day's mobile payments and refunds matched with each provider's statement by our own
 * numbers (out_trade_no, out_refund_no) and amount. The providers' day is Beijing time, as their
 * bills are; the bill of day D is made after about 10:00 on D+1, so before that the report says
 * when to come back rather than calling what the provider has not written yet "missing".
 */

export const reconciliationQuery = z.strictObject({
  /** Without one: yesterday, Beijing time, by the server's clock (the latest day with bills). */
  date: storeDay('a date YYYY-MM-DD').optional(),
  provider: z.enum(PAYMENT_PROVIDERS).optional(),
});
export type ReconciliationQuery = z.output<typeof reconciliationQuery>;

const DAY_MS = 86_400_000;
const BEIJING_MS = 8 * 3600_000;
/** A provider's bill of a day is there from 10:00 (Beijing) the next day. */
const READY_AFTER_MS = 10 * 3600_000;
/** How many numbers one `in (…)` lookup carries. */
const LOOKUP_CHUNK = 500;

function bounds(date: string): { start: string; end: string; readyAt: string } {
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return {
    start: new Date(start).toISOString(),
    end: new Date(start + DAY_MS).toISOString(),
    readyAt: new Date(start + DAY_MS + READY_AFTER_MS).toISOString(),
  };
}

/** The store's side of one provider's day: payments and refunds made that day, by our numbers. */
interface ShopDay {
  payments: Map<string, PaymentRow>;
  refunds: Map<string, RefundRow & { out_trade_no: string }>;
}

async function shopDay(
  ctx: AppContext,
  provider: PaymentProvider,
  start: string,
  end: string,
): Promise<ShopDay> {
  const db = ctx.storage.db;
  const payments = await db
    .selectFrom('payments')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .where('provider', '=', provider)
    .where('created_at', '>=', start)
    .where('created_at', '<', end)
    .execute();
  const refunds = await db
    .selectFrom('payment_refunds')
    .innerJoin('payments', 'payments.id', 'payment_refunds.payment_id')
    .selectAll('payment_refunds')
    .select('payments.out_trade_no')
    .where('payment_refunds.store_id', '=', ctx.store.id)
    .where('payments.provider', '=', provider)
    .where('payment_refunds.created_at', '>=', start)
    .where('payment_refunds.created_at', '<', end)
    .execute();
  return {
    payments: new Map(payments.map((p) => [p.out_trade_no, p])),
    refunds: new Map(refunds.map((r) => [r.id, r])),
  };
}

/** What the statement names that the day's rows do not (made the day before, say): looked up by number. */
async function addNamed(ctx: AppContext, provider: PaymentProvider, day: ShopDay, statement: Statement) {
  const db = ctx.storage.db;
  const trades = statement.trades.map((t) => t.outTradeNo).filter((no) => !day.payments.has(no));
  for (let i = 0; i < trades.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('payments')
      .selectAll()
      .where('store_id', '=', ctx.store.id)
      .where('provider', '=', provider)
      .where('out_trade_no', 'in', trades.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const row of rows) day.payments.set(row.out_trade_no, row);
  }
  const refunds = statement.refunds.map((r) => r.outRefundNo).filter((no) => !day.refunds.has(no));
  for (let i = 0; i < refunds.length; i += LOOKUP_CHUNK) {
    const rows = await db
      .selectFrom('payment_refunds')
      .innerJoin('payments', 'payments.id', 'payment_refunds.payment_id')
      .selectAll('payment_refunds')
      .select('payments.out_trade_no')
      .where('payment_refunds.store_id', '=', ctx.store.id)
      .where('payments.provider', '=', provider)
      .where('payment_refunds.id', 'in', refunds.slice(i, i + LOOKUP_CHUNK))
      .execute();
    for (const row of rows) day.refunds.set(row.id, row);
  }
}

/** A payment that took the customer's money: paid, or paid and then given back by a cancel. */
function tookMoney(row: PaymentRow): boolean {
  return row.status === 'succeeded' || (row.status === 'cancelled' && row.refunded_on_cancel === 1);
}

function shopTotals(day: ShopDay, start: string, end: string): ReconciliationTotals {
  const inDay = (at: string) => at >= start && at < end;
  const payments = [...day.payments.values()].filter((p) => inDay(p.created_at) && tookMoney(p));
  const refunds = [...day.refunds.values()].filter((r) => inDay(r.created_at) && r.status !== 'failed');
  return {
    payments: payments.length,
    paid: payments.reduce((s, p) => s + p.amount, 0),
    refunds: refunds.length,
    refunded: refunds.reduce((s, r) => s + r.amount, 0),
  };
}

function statementTotals(statement: Statement): ReconciliationTotals {
  const refunds = statement.refunds.filter((r) => r.state !== 'failed');
  return {
    payments: statement.trades.length,
    paid: statement.trades.reduce((s, t) => s + t.amount, 0),
    refunds: refunds.length,
    refunded: refunds.reduce((s, r) => s + r.amount, 0),
  };
}

/** Every difference between the store's day and the statement, and how many agree. */
function compare(
  day: ShopDay,
  statement: Statement,
  start: string,
  end: string,
): { matched: number; lines: ReconciliationLine[] } {
  const lines: ReconciliationLine[] = [];
  let matched = 0;
  const paymentLine = (
    kind: ReconciliationKind,
    row: PaymentRow | undefined,
    extra: Partial<ReconciliationLine>,
  ) => {
    lines.push({
      kind,
      outTradeNo: row?.out_trade_no ?? '',
      ...(row && {
        paymentId: row.id,
        shopAmount: row.amount,
        shopStatus: row.status,
        at: row.created_at,
        ...(row.sale_id !== null && { saleId: row.sale_id }),
        ...(row.transaction_id !== null && { transactionId: row.transaction_id }),
      }),
      ...extra,
    });
  };
  const seenTrades = new Set<string>();
  for (const trade of statement.trades) {
    seenTrades.add(trade.outTradeNo);
    const row = day.payments.get(trade.outTradeNo);
    const theirs = {
      outTradeNo: trade.outTradeNo,
      transactionId: trade.transactionId,
      providerAmount: trade.amount,
      providerStatus: trade.state,
    };
    if (!row) {
      // Taken and given back by a cancel: no money is anywhere it should not be.
      if (trade.state === 'paid') paymentLine('missing_in_shop', undefined, theirs);
      continue;
    }
    if (trade.state === 'paid' && !tookMoney(row)) paymentLine('not_paid_in_shop', row, theirs);
    else if (trade.state === 'revoked' && row.status === 'succeeded') {
      paymentLine('cancelled_at_provider', row, theirs);
    } else if (row.amount !== trade.amount && tookMoney(row)) paymentLine('amount_differs', row, theirs);
    else matched += 1;
  }
  for (const row of day.payments.values()) {
    if (seenTrades.has(row.out_trade_no) || !tookMoney(row)) continue;
    if (row.created_at >= start && row.created_at < end) paymentLine('missing_at_provider', row, {});
  }

  const refundLine = (
    kind: ReconciliationKind,
    row: (RefundRow & { out_trade_no: string }) | undefined,
    extra: Partial<ReconciliationLine>,
  ) => {
    lines.push({
      kind,
      outTradeNo: row?.out_trade_no ?? '',
      ...(row && {
        outRefundNo: row.id,
        paymentId: row.payment_id,
        shopAmount: row.amount,
        shopStatus: row.status,
        at: row.created_at,
      }),
      ...extra,
    });
  };
  const seenRefunds = new Set<string>();
  for (const refund of statement.refunds) {
    seenRefunds.add(refund.outRefundNo);
    const row = day.refunds.get(refund.outRefundNo);
    const theirs = {
      outTradeNo: refund.outTradeNo,
      outRefundNo: refund.outRefundNo,
      providerAmount: refund.amount,
      providerStatus: refund.state,
    };
    if (!row) {
      if (refund.state !== 'failed') refundLine('refund_missing_in_shop', undefined, theirs);
    } else if (row.amount !== refund.amount) refundLine('refund_amount_differs', row, theirs);
    else if (refund.state === 'failed' && row.status !== 'failed') {
      refundLine('refund_missing_at_provider', row, theirs);
    } else if (refund.state === 'processing' || row.status === 'processing' || row.status === 'requested') {
      refundLine('refund_processing', row, theirs);
    } else matched += 1;
  }
  for (const row of day.refunds.values()) {
    if (seenRefunds.has(row.id) || row.status === 'failed') continue;
    if (row.created_at < start || row.created_at >= end) continue;
    // Not sent yet (the follow-up sends it): the provider cannot have it.
    refundLine(row.status === 'requested' ? 'refund_processing' : 'refund_missing_at_provider', row, {});
  }
  const order = (kind: ReconciliationKind) => RECONCILIATION_KINDS.indexOf(kind);
  lines.sort((a, b) => order(a.kind) - order(b.kind) || (a.at ?? '').localeCompare(b.at ?? ''));
  return { matched, lines };
}

/** `GET /api/payments/reconciliation`: each provider's day, or why it cannot be had yet. */
export async function reconcile(ctx: AppContext, query: ReconciliationQuery): Promise<ReconciliationView> {
  const date = query.date ?? new Date(ctx.now().getTime() + BEIJING_MS - DAY_MS).toISOString().slice(0, 10);
  const { start, end, readyAt } = bounds(date);
  const now = ctx.now().toISOString();
  if (now < end) {
    throw new ApiError('validation_failed', 'That day is not over yet (Beijing time).', {
      'query.date': 'a day before today',
    });
  }
  // The gateways' own refusal names the payment code, which a reconciliation has not got.
  if (!paymentsOn(ctx)) {
    throw new ApiError('business_rule', 'Mobile payment is not set up on this server.', {
      payments: 'mobile payment is off (admin page, 收款设置)',
    });
  }
  const { byProvider } = await gatewaysOf(ctx);
  const providers = query.provider ? [query.provider] : PAYMENT_PROVIDERS.filter((p) => byProvider[p]);
  const results: ProviderReconciliation[] = [];
  for (const provider of providers) {
    const gateway = byProvider[provider];
    const day = await shopDay(ctx, provider, start, end);
    const base = {
      provider,
      ...(gateway?.aggregator && { aggregator: gateway.aggregator }),
      shop: shopTotals(day, start, end),
      matched: 0,
      lines: [],
    };
    if (!gateway?.statement) {
      results.push({ ...base, state: 'no_statement' });
      continue;
    }
    if (now < readyAt) {
      results.push({ ...base, state: 'not_ready', readyAt });
      continue;
    }
    const answer = await gateway.statement(date);
    if (answer.state === 'not_ready') results.push({ ...base, state: 'not_ready', readyAt });
    else if (answer.state === 'unavailable') {
      ctx.log.warn({ provider, date, why: answer.why }, 'provider statement unavailable');
      results.push({ ...base, state: 'unavailable', why: answer.why });
    } else {
      await addNamed(ctx, provider, day, answer.statement);
      results.push({
        ...base,
        state: 'ready',
        statement: statementTotals(answer.statement),
        ...compare(day, answer.statement, start, end),
      });
    }
  }
  return { date, providers: results };
}
