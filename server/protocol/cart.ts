import type { ErrorBody } from './errors.js';
import type { Quote } from './quote.js';
import type { SaleResult } from './sales.js';

/** A terminal's cart as the terminal and its customer display see it. */
export interface CartView {
  id: string;
  terminalId: string;
  status: 'active' | 'held' | 'completed';
  label: string | null;
  lines: {
    lineId: string;
    skuId: string;
    qty: number;
    priceOverride?: number;
    discount?: { kind: 'percent'; offBp: number } | { kind: 'amount'; amount: number };
  }[];
  memberId: string | null;
  couponCodes: string[];
  redeemPoints: number;
  training: boolean;
  /** The cart priced now; null for an empty cart or when it cannot be priced (see `problem`). */
  quote: Quote | null;
  /** Why the cart cannot be priced now (e.g. a coupon that no longer applies). */
  problem: ErrorBody | null;
  updatedAt: string;
}

/** What the customer display shows once the sale is paid. */
export interface CartCompleted {
  terminalId: string;
  saleId: string;
  number: string;
  total: number;
  change: number;
  pointsEarned: number;
  member: { name: string; points: number; tier: string } | null;
  training: boolean;
}

export interface CheckedOut {
  replayed: boolean;
  sale: SaleResult;
  /** The empty cart that took over. */
  cart: CartView;
}
