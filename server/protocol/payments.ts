/** Mobile payments (付款码) as the till and an integration see them (API.md "Mobile payment"). Money in fen. */

/** The providers a customer's payment code can belong to. */
export const PAYMENT_PROVIDERS = ['wechat', 'alipay'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

/**
 * `pending`: the customer is still confirming (or the provider's answer is not known yet); the
 * server keeps querying by itself. The other three are final.
 */
export type PaymentStatus = 'succeeded' | 'pending' | 'failed' | 'cancelled';

/** `POST /api/payments`: `id` is the terminal's idempotency key. */
export interface MobilePaymentRequest {
  id: string;
  amount: number;
  /** The customer's 付款码 as the scanner read it. */
  authCode: string;
  memberId?: string;
  saleId?: string;
}

/** Why a payment failed or was cancelled, in words the till translates. */
export type PaymentFailure =
  | 'insufficient_balance'
  | 'code_expired'
  | 'refused'
  | 'not_confirmed'
  | 'cancelled_by_cashier';

export interface MobilePaymentView {
  id: string;
  amount: number;
  status: PaymentStatus;
  provider: PaymentProvider;
  /** The provider's transaction number, printed on the receipt. */
  transactionId?: string;
  failure?: PaymentFailure;
  /** A cancel found the money already taken and gave it back. */
  refundedOnCancel?: boolean;
  /** The sale this payment paid, once it did. */
  saleId?: string;
  at: string;
}

/** A refund asked of a payment's provider for a return or a void. */
export interface PaymentRefundView {
  /** The out_refund_no (the return's id). */
  id: string;
  paymentId: string;
  amount: number;
  status: 'processing' | 'succeeded' | 'failed';
  /** The provider's refund id. */
  refundId?: string;
}

/** `GET /api/payments/unfinished`: money taken whose sale was never completed, for the cashier to finish or refund. */
export interface UnfinishedPayments {
  items: MobilePaymentView[];
}
