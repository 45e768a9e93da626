import type { PaymentAggregator, PaymentProvider } from './payments.js';

/** 对账: the store's mobile payments and refunds of a day against each provider's statement. Money in fen. */

/**
 * What differs, most dangerous first:
 * - `missing_in_shop`: the provider took the money, this store has no payment for it.
 * - `not_paid_in_shop`: the provider took it, the store's payment is failed, cancelled or pending.
 * - `cancelled_at_provider`: the provider gave it back by a cancel, the store counts it paid.
 * - `missing_at_provider`: the store counts a payment the provider's statement does not have.
 * - `amount_differs`: both have it, for different amounts.
 * - `refund_missing_in_shop`, `refund_missing_at_provider`, `refund_amount_differs`: the same for refunds.
 * - `refund_processing`: one side has not finished the refund yet; it settles by itself.
 */
export const RECONCILIATION_KINDS = [
  'missing_in_shop',
  'not_paid_in_shop',
  'cancelled_at_provider',
  'missing_at_provider',
  'amount_differs',
  'refund_missing_in_shop',
  'refund_missing_at_provider',
  'refund_amount_differs',
  'refund_processing',
] as const;
export type ReconciliationKind = (typeof RECONCILIATION_KINDS)[number];

export interface ReconciliationLine {
  kind: ReconciliationKind;
  outTradeNo: string;
  outRefundNo?: string;
  /** The store's payment, when it has one. */
  paymentId?: string;
  saleId?: string;
  transactionId?: string;
  shopAmount?: number;
  providerAmount?: number;
  /** The store's payment or refund status (`succeeded`, `pending`, `processing`…). */
  shopStatus?: string;
  /** The statement's: `paid`, `revoked`, `succeeded`, `processing`, `failed`. */
  providerStatus?: string;
  /** When the store's payment or refund was made (ISO). */
  at?: string;
}

export interface ReconciliationTotals {
  /** Payments that took money (counted even when a cancel gave it back), and their fen. */
  payments: number;
  paid: number;
  refunds: number;
  refunded: number;
}

/**
 * One provider's day. `not_ready`: its bill for the day is made after about 10:00 (Beijing) the
 * next day, `readyAt`; `unavailable`: it could not be had (`why`); `no_statement`: this provider
 * offers none to download.
 */
export interface ProviderReconciliation {
  provider: PaymentProvider;
  /**
   * The aggregator the wallet's payments go through (`upay`: 收钱吧), when one does: 收钱吧
   * documents no statement API, so its state is `no_statement` and its bill is downloaded from
   * the 收钱吧 merchant back office.
   */
  aggregator?: PaymentAggregator;
  state: 'ready' | 'not_ready' | 'unavailable' | 'no_statement';
  why?: string;
  readyAt?: string;
  shop: ReconciliationTotals;
  statement?: ReconciliationTotals;
  /** Payments and refunds both sides agree on. */
  matched: number;
  lines: ReconciliationLine[];
}

/** `GET /api/payments/reconciliation?date=YYYY-MM-DD&provider=`. */
export interface ReconciliationView {
  /** The providers' day, Beijing time. */
  date: string;
  providers: ProviderReconciliation[];
}
