import { ApiError } from '../../errors.js';

/**
 * The money of a sale or a return, worked out without the database: how a sale's payments
 * settle its total (and the change), and which tenders a refund goes back by. All in fen.
 */

export interface Settled {
  /** Everything handed over: cash, the other tenders and the exchange credit. */
  paid: number;
  change: number;
}

/**
 * Checks a sale's payments against its total: tenders other than cash, with the exchange
 * `credit`, never exceed the total; cash may, and what is over is the change.
 */
export function settle(
  total: number,
  credit: number,
  payments: readonly { method: string; amount: number }[],
): Settled {
  let cash = 0;
  let nonCash = credit;
  for (const payment of payments) {
    if (payment.method === 'cash') cash += payment.amount;
    else nonCash += payment.amount;
  }
  if (nonCash > total) {
    throw new ApiError(
      'business_rule',
      `Payments other than cash come to ${nonCash} fen, more than the total ${total}.`,
      { payments: `non-cash over the total by ${nonCash - total}` },
    );
  }
  const paid = cash + nonCash;
  if (paid < total) {
    throw new ApiError('business_rule', `The payments come to ${paid} fen; the sale is ${total}.`, {
      payments: `short by ${total - paid}`,
    });
  }
  return { paid, change: paid - total };
}

/** The cash a payment leaves in the drawer once the change went back out of it. */
export function cashKept(amount: number, change: number): number {
  return amount - Math.min(change, amount);
}

/**
 * `floor(total × (done + now) / of) − floor(total × done / of)`: the share of `total` that `now`
 * of `of` units carry after `done` went before; the shares add up to `total` when all is back.
 */
export function share(total: number, done: number, now: number, of: number): number {
  if (of <= 0 || total === 0) return 0;
  return Math.floor((total * (done + now)) / of) - Math.floor((total * done) / of);
}

export interface RefundTender {
  method: string;
  amount: number;
  reference: string | null;
}

/**
 * What each tender of a sale can still give back: what it paid (cash less the change), less
 * what earlier returns refunded by it.
 */
export function refundable(
  payments: readonly { method: string; amount: number }[],
  change: number,
  refundedBefore: readonly { method: string; amount: number }[],
): Map<string, number> {
  const left = new Map<string, number>();
  for (const p of payments) left.set(p.method, (left.get(p.method) ?? 0) + p.amount);
  if (left.has('cash')) left.set('cash', (left.get('cash') ?? 0) - change);
  for (const r of refundedBefore) left.set(r.method, (left.get(r.method) ?? 0) - r.amount);
  return left;
}

/**
 * The tenders a refund was asked by: they must come to `amount`, and none but cash may give
 * back more than it still can (`left`, which this takes them from).
 */
export function refundAsAsked(
  amount: number,
  asked: readonly { method: string; amount: number; reference?: string | undefined }[],
  left: Map<string, number>,
): RefundTender[] {
  const sum = asked.reduce((s, r) => s + r.amount, 0);
  if (sum !== amount) {
    throw new ApiError(
      'business_rule',
      `The refund must come to ${amount} fen; the tenders given come to ${sum}.`,
      { refund: `must come to ${amount}` },
    );
  }
  return asked.map((r, i) => {
    const can = Math.max(0, left.get(r.method) ?? 0);
    if (r.method !== 'cash' && r.amount > (left.get(r.method) ?? 0)) {
      throw new ApiError('business_rule', `At most ${can} fen can go back by ${r.method}.`, {
        [`refund.${i}.amount`]: `at most ${can} by ${r.method}`,
      });
    }
    left.set(r.method, (left.get(r.method) ?? 0) - r.amount);
    return { method: r.method, amount: r.amount, reference: r.reference ?? null };
  });
}

/**
 * The refund by default: back by the sale's own tenders, the last paid first, each at most what
 * it can still give back (`left`); what none can take goes back in cash. An exchange credit
 * is not a tender to give back by.
 */
export function refundByTenders(
  amount: number,
  payments: readonly { method: string }[],
  left: Map<string, number>,
): RefundTender[] {
  const refunds: RefundTender[] = [];
  let rest = amount;
  for (const p of [...payments].reverse()) {
    if (rest === 0) break;
    if (p.method === 'exchange') continue;
    const can = Math.max(0, Math.min(rest, left.get(p.method) ?? 0));
    if (can === 0) continue;
    left.set(p.method, (left.get(p.method) ?? 0) - can);
    const same = refunds.find((r) => r.method === p.method);
    if (same) same.amount += can;
    else refunds.push({ method: p.method, amount: can, reference: null });
    rest -= can;
  }
  if (rest > 0) {
    const cash = refunds.find((r) => r.method === 'cash');
    if (cash) cash.amount += rest;
    else refunds.push({ method: 'cash', amount: rest, reference: null });
  }
  return refunds;
}
