import type { CartView } from '../../../server/protocol/cart.js';
import type { CommandParams } from '../../../server/protocol/commands.js';
import type { CouponView as MemberCoupon } from '../../../server/protocol/loyalty.js';
import type { Quote, QuoteLine } from '../../../server/protocol/quote.js';
import type {
  ExchangeResult,
  LineDiscount,
  PaymentRequest,
  ReturnPreview,
  ReturnResult,
  SaleSummary,
  SaleView,
} from '../../../server/protocol/sales.js';
import type { DayReport } from '../../../server/protocol/shifts.js';
import type { HangerConnection, RequestOptions } from '../connection/connection.js';
import { type ApiAuth, call } from './http.js';

export type { CartCompleted, CartView, CheckedOut as CheckoutResult } from '../../../server/protocol/cart.js';
export type { CouponView as MemberCoupon } from '../../../server/protocol/loyalty.js';
export type { Quote, QuoteLine } from '../../../server/protocol/quote.js';
export type {
  ExchangeResult,
  LineDiscount,
  PaymentRequest as Payment,
  ReturnPreview,
  ReturnResult,
  SalePaymentMethod as PaymentMethod,
  SaleView as SaleDetail,
} from '../../../server/protocol/sales.js';
export type { DayReport, ShiftReport } from '../../../server/protocol/shifts.js';

/** The quote's price of one cart line: the quote names each line by the cart line's id. */
export function pricedLine(quote: CartView['quote'] | undefined, lineId: string): QuoteLine | undefined {
  return quote?.lines.find((line) => line.lineId === lineId);
}

/**
 * The terminal's cart over the WebSocket. Every change answers with the priced cart; the server
 * also publishes it as `cart.changed` to the terminal and its display.
 */
export const cart = {
  get: (c: HangerConnection) => c.request('cart/get'),
  add: (c: HangerConnection, barcode: string) => c.request('cart/add', { barcode }),
  setQty: (c: HangerConnection, lineId: string, qty: number) => c.request('cart/set_qty', { lineId, qty }),
  remove: (c: HangerConnection, lineId: string) => c.request('cart/remove', { lineId }),
  price: (
    c: HangerConnection,
    lineId: string,
    priceOverride: number | null,
    discount: LineDiscount | null,
    options?: RequestOptions,
  ) => c.request('cart/price', { lineId, priceOverride, discount }, options),
  member: (c: HangerConnection, memberId: string | null) => c.request('cart/member', { memberId }),
  coupons: (c: HangerConnection, couponCodes: string[]) => c.request('cart/coupons', { couponCodes }),
  points: (c: HangerConnection, redeemPoints: number) => c.request('cart/points', { redeemPoints }),
  training: (c: HangerConnection, on: boolean) => c.request('cart/training', { on }),
  clear: (c: HangerConnection) => c.request('cart/clear'),
  hold: (c: HangerConnection, label?: string) => c.request('cart/hold', label ? { label } : {}),
  held: async (c: HangerConnection) => (await c.request('cart/held')).items,
  recall: (c: HangerConnection, cartId: string) => c.request('cart/recall', { cartId }),
  checkout: (c: HangerConnection, input: CommandParams<'cart/checkout'>, options?: RequestOptions) =>
    c.request('cart/checkout', { ...input }, options),
};

export const shift = {
  current: (c: HangerConnection) => c.request('shift/current'),
  open: (c: HangerConnection, openingFloat: number) => c.request('shift/open', { openingFloat }),
  close: (c: HangerConnection, countedCash: number) => c.request('shift/close', { countedCash }),
};

/** The Z report of a store day: this store's, or another store's of the chain (`store`, head office only). */
export function dayReport(auth: ApiAuth, date?: string, store?: string): Promise<DayReport> {
  return call<DayReport>(auth, 'GET', '/api/reports/day', { query: { date, store } });
}

/** A sale by the number on its receipt (typed or scanned), with its lines and what came back. */
export async function saleByNumber(auth: ApiAuth, number: string): Promise<SaleView | null> {
  const found = await call<{ items: SaleSummary[] }>(auth, 'GET', '/api/sales', { query: { number } });
  const first = found.items[0];
  return first ? call<SaleView>(auth, 'GET', `/api/sales/${encodeURIComponent(first.id)}`) : null;
}

/** A return as the till sends it: the lines, and the refund's tenders when not the sale's own. */
export interface ReturnRequest {
  id: string;
  lines: { skuId: string; qty: number }[];
  refund?: { method: string; amount: number }[];
  /** Why; the server needs it when money goes back otherwise than it was paid. */
  reason?: string;
}

/** What the return with this body would give back; nothing is kept. */
export function previewReturn(auth: ApiAuth, saleId: string, body: ReturnRequest): Promise<ReturnPreview> {
  return call<ReturnPreview>(auth, 'POST', `/api/sales/${encodeURIComponent(saleId)}/returns/preview`, {
    body,
  });
}

/** Returns lines of a sale; by default the money goes back to the sale's own tenders. */
export function returnSale(
  auth: ApiAuth,
  saleId: string,
  body: ReturnRequest,
  approval?: { username: string; pin: string },
): Promise<ReturnResult> {
  return call<ReturnResult>(auth, 'POST', `/api/sales/${encodeURIComponent(saleId)}/returns`, {
    body,
    ...(approval && { approval }),
  });
}

/** The new goods of an exchange priced for the member of the sale they replace; nothing is kept. */
export function quoteGoods(
  auth: ApiAuth,
  lines: { barcode: string; qty: number }[],
  memberId: string | null,
): Promise<Quote> {
  return call<Quote>(auth, 'POST', '/api/sales/quote', {
    body: { lines, ...(memberId && { memberId }) },
  });
}

/** 换货: goods of `saleId` back and new goods out, the difference paid or refunded, in one command. */
export function exchangeSale(
  auth: ApiAuth,
  saleId: string,
  body: {
    id: string;
    saleId: string;
    returnLines: { skuId: string; qty: number }[];
    lines: { barcode: string; qty: number }[];
    payments: PaymentRequest[];
    refund?: { method: string; amount: number }[];
    expectedTotal: number;
    reason?: string;
  },
  approval?: { username: string; pin: string },
): Promise<ExchangeResult> {
  return call<ExchangeResult>(auth, 'POST', `/api/sales/${encodeURIComponent(saleId)}/exchanges`, {
    body,
    ...(approval && { approval }),
  });
}

/** 无小票换货: goods back by their tags and new goods out, with a manager's approval, in one command. */
export function receiptlessExchange(
  auth: ApiAuth,
  body: {
    id: string;
    saleId: string;
    returnLines: { skuId: string; qty: number }[];
    lines: { barcode: string; qty: number }[];
    payments: PaymentRequest[];
    expectedTotal: number;
    reason: string;
    training: boolean;
  },
  approval?: { username: string; pin: string },
): Promise<ExchangeResult> {
  return call<ExchangeResult>(auth, 'POST', '/api/exchanges', { body, ...(approval && { approval }) });
}

export async function memberCoupons(auth: ApiAuth, memberId: string): Promise<MemberCoupon[]> {
  return (
    await call<{ items: MemberCoupon[] }>(auth, 'GET', `/api/members/${encodeURIComponent(memberId)}/coupons`)
  ).items;
}
