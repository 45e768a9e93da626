import type { PaymentRefundView } from './payments.js';
import type { ReceiptLogo } from './receipt.js';
import type { SkuLabel } from './sku.js';

/** Sales as the till and an integration see them. Money in fen. */

/** The tenders a sale takes. */
export const SALE_PAYMENT_METHODS = ['cash', 'card', 'wechat', 'alipay', 'stored_value'] as const;
export type SalePaymentMethod = (typeof SALE_PAYMENT_METHODS)[number];

/** A tender as a terminal sends it. */
export interface PaymentRequest {
  method: SalePaymentMethod;
  amount: number;
  /** The card slip or payment reference number. */
  reference?: string;
  /** A succeeded mobile payment (`POST /api/payments`) this tender is; its amount must match. */
  paymentId?: string;
}

/** A manual line discount: a percentage off (basis points) or an amount off one line. */
export type LineDiscount = { kind: 'percent'; offBp: number } | { kind: 'amount'; amount: number };

/** A line as a terminal sends it: a SKU by id or by barcode. */
export interface SaleLineRequest {
  skuId?: string;
  barcode?: string;
  qty: number;
  /** A price for one unit the cashier sets (a manager's approval beyond the limit). */
  priceOverride?: number;
  discount?: LineDiscount;
}

/** `POST /api/sales` and `sale/complete`: the terminal's UUID for the sale is its idempotency key. */
export interface SaleRequest {
  id: string;
  memberId?: string;
  lines: SaleLineRequest[];
  couponCodes?: string[];
  redeemPoints?: number;
  training?: boolean;
  payments?: PaymentRequest[];
  /** The total the terminal showed; a different total at commit answers 409 with the new quote. */
  expectedTotal?: number;
  /** The member's PIN for a stored-value payment above the PIN limit. */
  memberPin?: string;
}

/** `POST /api/sales/quote` and `sale/quote`: the very body of a sale, priced; `id` and `payments` are ignored. */
export interface QuoteRequest extends Omit<SaleRequest, 'id' | 'payments'> {
  id?: string;
  payments?: unknown[];
}

export interface SaleDiscount {
  source: string;
  ref?: string;
  label: string;
  amount: number;
}

export interface SaleLineResult extends SkuLabel {
  lineId: string;
  qty: number;
  unitPrice: number;
  discounts: SaleDiscount[];
  total: number;
}

/** The answer to `POST /api/sales` (API.md), stored with the sale and returned as is to a repeat. */
export interface SaleResult {
  id: string;
  number: string;
  at: string;
  training: boolean;
  lines: SaleLineResult[];
  subtotal: number;
  discountTotal: number;
  total: number;
  rounding: number;
  payments: { method: string; amount: number; reference?: string }[];
  change: number;
  pointsEarned: number;
  pointsRedeemed: number;
  coupons: string[];
  member: { id: string; points: number; storedValue: number; tier: { code: string; name: string } } | null;
  /** Lines sold below zero under the `allow` policy (also in the exception log). */
  warnings: { line: number; skuId: string; code: 'negative_stock'; onHand: number }[];
  staffId: string;
  terminalId: string | null;
  exchangeOf?: string;
}

export interface Completed {
  /** True when this id and body came before: the first answer, nothing written (HTTP 200). */
  replayed: boolean;
  sale: SaleResult;
}

export interface SaleView extends SaleResult {
  status: 'completed' | 'voided';
  voided: { at: string; by: string | null; approverId: string | null; reason: string | null } | null;
  /** Per line of `lines`, in order: how many units came back so far. */
  returned: { lineId: string; skuId: string; qty: number; returnedQty: number }[];
  returns: { id: string; number: string; at: string; kind: string; amount: number; refundTotal: number }[];
}

/** The answer to `POST /api/sales/:id/returns`, stored with the return and returned to a repeat. */
export interface ReturnResult {
  id: string;
  saleId: string | null;
  number: string;
  at: string;
  kind: 'return' | 'exchange' | 'receiptless' | 'receiptless_exchange';
  training: boolean;
  lines: { skuId: string; qty: number; amount: number }[];
  /** What the returned goods were worth: their share of the sale after every discount. */
  amount: number;
  /** The value of earned points the member had already spent, kept back from the refund. */
  keptBack: number;
  pointsTakenBack: number;
  pointsShortfall: number;
  pointsGivenBack: number;
  couponsReleased: string[];
  refund: { method: string; amount: number; reference?: string }[];
  refundTotal: number;
  member: { id: string; points: number; storedValue: number } | null;
  approverId: string | null;
  /** Mobile tenders given back through their provider (not stored: their state now). */
  providerRefunds?: PaymentRefundView[];
}

/**
 * `POST /api/sales/:id/returns/preview`: what the return with this body would do, worked out by
 * the return itself and then rolled back — nothing is kept, no number is taken.
 */
export interface ReturnPreview
  extends Omit<ReturnResult, 'id' | 'number' | 'at' | 'approverId' | 'providerRefunds'> {
  /** Per tender of the sale, in the order paid: what it took in and what it has left to give back. */
  tenders: { method: string; paid: number; left: number }[];
  /** What a tender would give back beyond what it paid: the exception a manager approves with a reason. */
  beyondTenders: { method: string; amount: number }[];
  /** Why this staff member could not do it alone: a late return, money back beyond the tenders. */
  approvalNeeded: ('late' | 'beyond_tenders')[];
}

/** The answer to `POST /api/sales/:id/exchanges` and `POST /api/exchanges`: the return and the new sale, kept together. */
export interface ExchangeResult {
  return: ReturnResult;
  sale: SaleResult;
  /** New goods − returned goods: positive, the customer paid it; negative, it went back to them. */
  difference: number;
}

export interface SaleSummary {
  id: string;
  number: string;
  at: string;
  status: string;
  training: boolean;
  total: number;
  memberId: string | null;
  staffId: string | null;
  terminalId: string | null;
}

/** 抹零: every bill rounded down to the jiao or the yuan, or not at all. */
export type SaleRounding = 'none' | 'jiao' | 'yuan';

/** `GET`/`PUT /api/sales/receipt-settings`: what the shop prints on every receipt. Empty means not printed. */
export interface ReceiptSettings {
  /** The store's address; empty prints the address from config.json, if any. */
  address: string;
  phone: string;
  /** 退换须知, one printed line each. */
  returnsPolicy: string[];
  /** Lines at the bottom (opening hours, a web shop); 谢谢惠顾 is printed after them anyway. */
  footer: string[];
  /** Lines under the shop's name at the top (a slogan, a WeChat id). */
  header: string[];
  /** The logo printed at the top (`PUT /api/sales/receipt-settings/logo`), or none. */
  logo: ReceiptLogo | null;
}

/** `GET`/`PUT /api/sales/settings`: the checkout rules a shop chooses. */
export interface SalesSettings {
  /** Days after the sale within which a cashier may take goods back; beyond that a manager approves. */
  returnDays: number;
  /** The largest manual line discount a cashier may give alone, in basis points off (1000 = 10%). */
  cashierDiscountLimitBp: number;
  rounding: SaleRounding;
  /** A till sells only while a shift is open on it (else 422 with `fields.shift`). */
  requireShift: boolean;
}
