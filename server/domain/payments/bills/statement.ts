import type { PaymentProvider } from '../../../protocol/payments.js';

/**
 * A provider's statement of one day (its 对账单), in the store's words: what it took and what it
 * gave back, keyed by our own numbers (out_trade_no, out_refund_no) so it can be matched.
 */

export interface StatementTrade {
  outTradeNo: string;
  transactionId: string;
  /** Fen the customer paid. */
  amount: number;
  /** `revoked`: taken, then given back by a cancel (WeChat reverse, Alipay cancel). */
  state: 'paid' | 'revoked';
}

export interface StatementRefund {
  outTradeNo: string;
  /** Empty for the money a cancel gave back: the provider made that refund, not the shop. */
  outRefundNo: string;
  refundId: string;
  amount: number;
  state: 'succeeded' | 'processing' | 'failed';
}

export interface Statement {
  provider: PaymentProvider;
  /** The provider's day, Beijing time: YYYY-MM-DD. */
  day: string;
  trades: StatementTrade[];
  refunds: StatementRefund[];
}

/**
 * `ready` with the statement; `not_ready` while the provider is still making it (a day's bill
 * is there after about 10:00 the next day); `unavailable` when it could not be had, and why.
 */
export type StatementAnswer =
  | { state: 'ready'; statement: Statement }
  | { state: 'not_ready' }
  | { state: 'unavailable'; why: string };

export class BillError extends Error {}

/** A provider's yuan amount ("100.00", "-5.5") as fen; anything else is a broken bill. */
export function fenOfYuan(text: string): number {
  const value = text.trim();
  if (!/^-?\d+(\.\d{1,2})?$/.test(value)) throw new BillError(`not an amount: "${value.slice(0, 20)}"`);
  return Math.round(Number(value) * 100);
}
