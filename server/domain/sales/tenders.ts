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
 * The most change a cash payment can need: one fen less than the largest note (¥100). A payment
 * that would still cover the total with a ¥100 note taken away is over-tendered — a slip of the
 * keypad, or a training sale "giving" ¥10,000,000 of change.
 */
export const MAX_CHANGE = 10000 - 1;

/**
 * Checks a sale's payments against its total: tenders other than cash, with the exchange
 * `credit`, never exceed the total; cash may, and what is over is the change, below a ¥100 note.
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
  const change = paid - total;
  if (change > MAX_CHANGE) {
    throw new ApiError(
      'business_rule',
      `${change} fen of change: without a ¥100 note the payment would still cover the total.`,
      { payments: `over-tendered: ${change} of change at most ${MAX_CHANGE}` },
    );
  }
  return { paid, change };
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
 * A refund's tenders, and `beyond`: what each tender gives back beyond what it has left of what
 * it paid (cash for a card or stored-value payment, card for a cash one, cash for goods an
 * exchange credit paid for); `beyondTenders` is their sum. That part is an exception: a manager
 * approves it and says why.
 */
export interface RefundPlan {
  refunds: RefundTender[];
  beyond: { method: string; amount: number }[];
  beyondTenders: number;
}

/** What each tender of a sale paid in, in the order paid: cash less the change; not the exchange credit. */
export function tendersPaid(
  payments: readonly { method: string; amount: number }[],
  change: number,
): Map<string, number> {
  const paid = new Map<string, number>();
  for (const p of payments) {
    if (p.method === 'exchange') continue;
    paid.set(p.method, (paid.get(p.method) ?? 0) + p.amount);
  }
  if (paid.has('cash')) paid.set('cash', (paid.get('cash') ?? 0) - change);
  return paid;
}

/** What each tender has refunded so far, from the refunds of the sale's earlier returns. */
export function refundedBy(refunds: readonly { method: string; amount: number }[]): Map<string, number> {
  const done = new Map<string, number>();
  for (const r of refunds) done.set(r.method, (done.get(r.method) ?? 0) + r.amount);
  return done;
}

function leftOf(paid: Map<string, number>, done: Map<string, number>, method: string): number {
  return Math.max(0, (paid.get(method) ?? 0) - (done.get(method) ?? 0));
}

function addTo(refunds: RefundTender[], method: string, amount: number): void {
  if (amount <= 0) return;
  const same = refunds.find((r) => r.method === method);
  if (same) same.amount += amount;
  else refunds.push({ method, amount, reference: null });
}

/**
 * The refund by default, each tender in proportion to what it paid. With `T` what the tenders
 * paid and `C` what they will have refunded after this return (earlier refunds plus this one,
 * at most `T`), a tender that paid `p` is due `floor(p × C / T)` in all; now it gets that less
 * what it already refunded, never below 0 nor above what it has left. The fen the floors leave
 * go one each to the tenders furthest below their exact share `p × C / T` (ties in the order
 * paid), so over any run of returns every tender stays within a fen of its share; after an
 * exception (cash asked beyond its share earlier) what the shares miss goes where money is
 * left, in the order paid. When every tender has given back all it paid, what is still owed
 * (goods an exchange credit paid for) goes back in cash beyond the tenders.
 */
export function refundByTenders(
  amount: number,
  paid: Map<string, number>,
  done: Map<string, number>,
): RefundPlan {
  const total = [...paid.values()].reduce((s, n) => s + n, 0);
  const before = [...paid.keys()].reduce((s, m) => s + Math.min(paid.get(m) ?? 0, done.get(m) ?? 0), 0);
  const after = Math.min(total, before + amount);
  const refunds: RefundTender[] = [];
  let rest = amount;
  for (const [method, p] of paid) {
    if (total === 0) break;
    const due = Math.floor((p * after) / total) - (done.get(method) ?? 0);
    const now = Math.min(Math.max(0, due), leftOf(paid, done, method), rest);
    addTo(refunds, method, now);
    rest -= now;
  }
  const room = (method: string) =>
    leftOf(paid, done, method) - (refunds.find((r) => r.method === method)?.amount ?? 0);
  // The fen the floors leave (fewer than the tenders): one each to the tenders furthest below
  // their exact share `p × after ÷ total`, ties in the order paid — so no tender drifts ahead.
  const behind = (method: string) =>
    (paid.get(method) ?? 0) * after -
    total * ((done.get(method) ?? 0) + (refunds.find((r) => r.method === method)?.amount ?? 0));
  const mostBehind = [...paid.keys()].sort((a, b) => behind(b) - behind(a));
  for (const method of mostBehind) {
    if (rest === 0) break;
    if (room(method) <= 0) continue;
    addTo(refunds, method, 1);
    rest -= 1;
  }
  // After an exception the shares fall short: the rest where money is left, in the order paid.
  for (const method of paid.keys()) {
    if (rest === 0) break;
    const now = Math.min(room(method), rest);
    addTo(refunds, method, now);
    rest -= now;
  }
  addTo(refunds, 'cash', rest);
  return { refunds, beyond: rest > 0 ? [{ method: 'cash', amount: rest }] : [], beyondTenders: rest };
}

/**
 * The tenders a refund was asked by: they must come to `amount`. What a tender gives back
 * beyond what it still has of what it paid is the exception (in `beyond`), whichever tender it
 * is: cash for a card payment, a card for a cash one, stored value for either.
 */
export function refundAsAsked(
  amount: number,
  asked: readonly { method: string; amount: number; reference?: string | undefined }[],
  paid: Map<string, number>,
  done: Map<string, number>,
): RefundPlan {
  const sum = asked.reduce((s, r) => s + r.amount, 0);
  if (sum !== amount) {
    throw new ApiError(
      'business_rule',
      `The refund must come to ${amount} fen; the tenders given come to ${sum}.`,
      { refund: `must come to ${amount}` },
    );
  }
  const taken = new Map(done);
  const beyond: RefundPlan['beyond'] = [];
  const refunds = asked.map((r) => {
    const over = r.amount - leftOf(paid, taken, r.method);
    if (over > 0) {
      const same = beyond.find((b) => b.method === r.method);
      if (same) same.amount += over;
      else beyond.push({ method: r.method, amount: over });
    }
    taken.set(r.method, (taken.get(r.method) ?? 0) + r.amount);
    return { method: r.method, amount: r.amount, reference: r.reference ?? null };
  });
  return { refunds, beyond, beyondTenders: beyond.reduce((sum, b) => sum + b.amount, 0) };
}
