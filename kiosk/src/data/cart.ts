import type { CartCompleted, CartView } from '../../../server/protocol/cart.js';
import type { Quote, QuoteLine } from '../../../server/protocol/quote.js';
import type { HangerConnection, RequestOptions } from '../connection/connection.js';
import { type ApiAuth, call, newRequestId } from './http.js';

export type { CartCompleted, CartView, Quote, QuoteLine };

/** A tender as the terminal sends it to `cart/checkout`. */
export type PaymentMethod = 'cash' | 'card' | 'wechat' | 'alipay' | 'stored_value';
export interface Payment {
  method: PaymentMethod;
  amount: number;
  reference?: string;
}

export interface CheckoutResult {
  replayed: boolean;
  sale: {
    id: string;
    number: string;
    total: number;
    change: number;
    pointsEarned: number;
    training: boolean;
    member: { id: string; points: number; storedValue: number; tier: { code: string; name: string } } | null;
  };
  cart: CartView;
}

export type LineDiscount = { kind: 'percent'; offBp: number } | { kind: 'amount'; amount: number };

/**
 * The terminal's cart over the WebSocket. Every change answers with the priced cart; the server
 * also publishes it as `cart.changed` to the terminal and its display.
 */
export const cart = {
  get: (c: HangerConnection) => c.request<CartView>('cart/get'),
  add: (c: HangerConnection, barcode: string) => c.request<CartView>('cart/add', { barcode }),
  setQty: (c: HangerConnection, lineId: string, qty: number) =>
    c.request<CartView>('cart/set_qty', { lineId, qty }),
  remove: (c: HangerConnection, lineId: string) => c.request<CartView>('cart/remove', { lineId }),
  price: (
    c: HangerConnection,
    lineId: string,
    priceOverride: number | null,
    discount: LineDiscount | null,
    options?: RequestOptions,
  ) => c.request<CartView>('cart/price', { lineId, priceOverride, discount }, options),
  member: (c: HangerConnection, memberId: string | null) => c.request<CartView>('cart/member', { memberId }),
  coupons: (c: HangerConnection, couponCodes: string[]) =>
    c.request<CartView>('cart/coupons', { couponCodes }),
  points: (c: HangerConnection, redeemPoints: number) => c.request<CartView>('cart/points', { redeemPoints }),
  training: (c: HangerConnection, on: boolean) => c.request<CartView>('cart/training', { on }),
  clear: (c: HangerConnection) => c.request<CartView>('cart/clear'),
  hold: (c: HangerConnection, label?: string) => c.request<CartView>('cart/hold', label ? { label } : {}),
  held: async (c: HangerConnection) => (await c.request<{ items: CartView[] }>('cart/held')).items,
  recall: (c: HangerConnection, cartId: string) => c.request<CartView>('cart/recall', { cartId }),
  checkout: (
    c: HangerConnection,
    input: { saleId: string; payments: Payment[]; expectedTotal?: number; memberPin?: string },
    options?: RequestOptions,
  ) => c.request<CheckoutResult>('cart/checkout', { ...input }, options),
};

/** A shift's X report, as `GET /api/shifts/current` answers. */
export interface ShiftReport {
  id: string;
  status: 'open' | 'closed';
  openedAt: string;
  openingFloat: number;
  closedAt: string | null;
  takings: {
    sales: { count: number; subtotal: number; discounts: number; total: number };
    voids: { count: number; total: number };
    returns: { count: number; refunds: number };
    payments: Record<string, number>;
    refunds: Record<string, number>;
    netCash: number;
  };
  cash: {
    float: number;
    netCash: number;
    cashIn: number;
    paidOut: number;
    expected: number;
    counted: number | null;
    variance: number | null;
  };
}

export const shift = {
  current: (c: HangerConnection) => c.request<ShiftReport>('shift/current'),
  open: (c: HangerConnection, openingFloat: number) => c.request<ShiftReport>('shift/open', { openingFloat }),
  close: (c: HangerConnection, countedCash: number) => c.request<ShiftReport>('shift/close', { countedCash }),
};

/** The day's Z report (owner, manager). */
export interface DayReport {
  day: string;
  store: ShiftReport['takings'];
  terminals: { terminalId: string; name: string; takings: ShiftReport['takings'] }[];
}

export function dayReport(auth: ApiAuth, date?: string): Promise<DayReport> {
  return call<DayReport>(auth, 'GET', '/api/reports/day', { query: { date } });
}

export interface SaleSummary {
  id: string;
  number: string;
  at: string;
  status: string;
  training: boolean;
  total: number;
}

export interface SaleDetail {
  id: string;
  number: string;
  at: string;
  status: 'completed' | 'voided';
  total: number;
  lines: {
    lineId: string;
    skuId: string;
    name: string;
    color: string;
    size: string;
    qty: number;
    total: number;
  }[];
  payments: { method: string; amount: number }[];
  returned: { lineId: string; skuId: string; qty: number; returnedQty: number }[];
}

export interface ReturnResult {
  id: string;
  number: string;
  amount: number;
  refundTotal: number;
  refund: { method: string; amount: number }[];
}

/** A sale by the number on its receipt (typed or scanned), with its lines and what came back. */
export async function saleByNumber(auth: ApiAuth, number: string): Promise<SaleDetail | null> {
  const found = await call<{ items: SaleSummary[] }>(auth, 'GET', '/api/sales', { query: { number } });
  const first = found.items[0];
  return first ? call<SaleDetail>(auth, 'GET', `/api/sales/${encodeURIComponent(first.id)}`) : null;
}

/** Returns lines of a sale; the money goes back to the sale's own tenders. */
export function returnSale(
  auth: ApiAuth,
  saleId: string,
  lines: { skuId: string; qty: number }[],
  requestId = newRequestId(),
  approval?: { username: string; pin: string },
  /** Why; the server needs it when money goes back in cash rather than how it was paid. */
  reason?: string,
): Promise<ReturnResult> {
  return call<ReturnResult>(auth, 'POST', `/api/sales/${encodeURIComponent(saleId)}/returns`, {
    body: { id: requestId, lines, ...(reason && { reason }) },
    ...(approval && { approval }),
  });
}

export interface MemberCoupon {
  code: string;
  name: string;
  value: number;
  kind: string;
  minSpend: number;
  validTo: string;
}

export async function memberCoupons(auth: ApiAuth, memberId: string): Promise<MemberCoupon[]> {
  return (
    await call<{ items: MemberCoupon[] }>(auth, 'GET', `/api/members/${encodeURIComponent(memberId)}/coupons`)
  ).items;
}
