import { randomBytes } from 'node:crypto';
import type { PaymentAggregator, PaymentFailure, PaymentProvider } from '../../protocol/payments.js';
import type { StatementAnswer } from './bills/statement.js';

/**
 * What every provider (WeChat Pay, Alipay, an aggregator) answers, in the store's words. The
 * providers' own states map onto these in their adapters, as their documents say:
 * - `paid`: the money is taken (SUCCESS / TRADE_SUCCESS).
 * - `waiting`: the customer is confirming (USERPAYING / 10003 / WAIT_BUYER_PAY): query again.
 * - `refused`: final, nothing taken (NOTENOUGH, AUTH_CODE_EXPIRE, TRADE_CLOSED…).
 * - `unknown`: SYSTEMERROR / 20000 / no answer at all: nothing may be decided before a query.
 * - `absent`: a query finds no such order.
 */
export type TradeState =
  | { state: 'paid'; transactionId: string }
  | { state: 'waiting' }
  | { state: 'refused'; failure: PaymentFailure }
  | { state: 'unknown'; why: string }
  /** The provider never heard of this out_trade_no (a crash before the call went out). */
  | { state: 'absent' };

/**
 * A cancel (WeChat reverse, Alipay cancel): `cancelled` when nothing was taken, `refunded` when
 * the money had been taken and went back, `again` when the provider asks to be asked again
 * (`recall`, or no answer).
 */
export type CancelState = { state: 'cancelled' } | { state: 'refunded' } | { state: 'again'; why: string };

export type RefundState =
  | { state: 'succeeded'; refundId: string }
  | { state: 'processing'; refundId?: string }
  | { state: 'failed'; why: string }
  | { state: 'unknown'; why: string };

export interface TradeOrder {
  outTradeNo: string;
  amount: number;
  authCode: string;
  /** Shown to the customer in their wallet. */
  description: string;
}

/** An order the customer pays by scanning the shop's QR code (WeChat Native / Alipay precreate). */
export interface QrOrder {
  outTradeNo: string;
  amount: number;
  description: string;
  /** How long the code may be paid; the provider closes it by itself after (Alipay's `timeout_express`). */
  seconds: number;
}

/** A QR order's answer: the code URL to show, refused for good, or not known (ask again by query). */
export type QrState =
  | { state: 'ready'; qrUrl: string }
  | { state: 'refused'; failure: PaymentFailure }
  | { state: 'unknown'; why: string };

export interface RefundOrder {
  outTradeNo: string;
  outRefundNo: string;
  amount: number;
  /** What the payment was for: WeChat checks it. */
  total: number;
}

/** Whether a merchant's keys work with the provider, and why not (see `PaymentSetupTest`). */
export type GatewayCheck =
  | { ok: true }
  | { ok: false; why: 'signature_refused' | 'answer_unsigned' | 'no_answer' | 'unexpected'; detail?: string };

/** An out_trade_no no payment ever has: the "test connection" asks after it. */
export function checkOrderNumber(): string {
  return `HGCHECK${randomBytes(8).toString('hex').toUpperCase()}`;
}

/** One provider behind the same calls; its adapter speaks the provider's wire format. */
export interface Gateway {
  readonly provider: PaymentProvider;
  /** The aggregator between the store and the wallet (`upay`: 收钱吧); absent for the wallet's own API. */
  readonly aggregator?: PaymentAggregator;
  pay(order: TradeOrder): Promise<TradeState>;
  query(outTradeNo: string): Promise<TradeState>;
  cancel(outTradeNo: string): Promise<CancelState>;
  refund(order: RefundOrder): Promise<RefundState>;
  queryRefund(order: RefundOrder): Promise<RefundState>;
  /** The keys tried with a query that cannot find an order: nothing is charged. */
  check(): Promise<GatewayCheck>;
  /**
   * The customer scans the shop's code (WeChat Native, Alipay precreate): the provider's code
   * URL for the exact amount. Optional: a provider without it takes scanned codes only.
   */
  precreate?(order: QrOrder): Promise<QrState>;
  /**
   * Ends an unpaid QR order (WeChat `close`, Alipay `cancel`), as `cancel` does a code payment;
   * `refunded` when the provider gave back money already taken.
   */
  close?(outTradeNo: string): Promise<CancelState>;
  /** The provider's statement of a day (YYYY-MM-DD, Beijing time), for 对账; absent where it has none. */
  statement?(day: string): Promise<StatementAnswer>;
}

/** The provider a customer's payment code belongs to, by its length and first two digits. */
export function providerOf(authCode: string): PaymentProvider | null {
  if (/^1[0-5]\d{16}$/.test(authCode)) return 'wechat';
  if (/^(2[5-9]|30)\d{14,22}$/.test(authCode)) return 'alipay';
  return null;
}
