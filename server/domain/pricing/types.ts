import type { Promotion } from '../../protocol/promotions.js';
import type { Discount } from '../../protocol/quote.js';

/**
 * The pricing engine's own vocabulary. It is pure: the caller (the checkout) turns catalogue,
 * member and promotion rows into these shapes, and the kiosk may import the engine to preview.
 * All money is integer fen; rates are basis points off (1000 = 10% off = 9折).
 */

export interface CartLine {
  /** Stable id of the line within the cart; ties are broken by it, never by position. */
  lineId: string;
  skuId: string;
  styleId: string;
  /** The line's category and all its ancestors, so a rule on 女装 covers 女装 › 连衣裙. */
  categoryIds: readonly string[];
  qty: number;
  /** The retail price in force for one unit. */
  unitPrice: number;
  /** 特价 goods: promotions skip them unless a promotion includes them; tiers use their special rate. */
  specialPrice: boolean;
  /** Member prices per tier code; used when lower than the running price. */
  memberPrices?: Readonly<Record<string, number>>;
  /** A price the cashier set (with permission): the line takes no line promotion or tier discount. */
  priceOverride?: number;
  /** A discount the cashier gave on this line, applied after line promotions. */
  manualDiscount?: { kind: 'percent'; offBp: number } | { kind: 'amount'; amount: number };
}

export interface PricingMember {
  tierCode: string;
  tierName: string;
  /** Tier discount on regular goods. */
  offBp: number;
  /** Tier discount on special-price goods (often 0). */
  specialOffBp: number;
  /** `MM-DD` or `YYYY-MM-DD`; the birthday month benefit applies during that month. */
  birthday?: string | null;
  /** Extra discount during the birthday month, on top of the tier discount. */
  birthdayOffBp: number;
}

/** A coupon the member holds, already checked for validity (dates, used, voided) by loyalty. */
export interface CouponOffer {
  code: string;
  label: string;
  kind: 'amount' | 'percent';
  /** Fen off for `amount`, basis points off for `percent`. */
  value: number;
  /** The eligible goods must come to at least this much (after promotions). */
  minSpend: number;
  /** The most a percent coupon takes off. */
  maxOff?: number;
  includeCategories?: readonly string[];
  includeStyles?: readonly string[];
  includeSpecialPrice?: boolean;
}

export interface PointsOffer {
  /** Points the customer wants to use. */
  requested: number;
  /** What the member holds. */
  available: number;
  /** `points` points are worth `fen` fen. */
  rate: { points: number; fen: number };
  /** At most this share of the bill (after coupons) may be paid with points. */
  maxShareBp: number;
}

export type CashRounding = 'none' | 'jiao' | 'yuan';

export interface PricingInput {
  lines: readonly CartLine[];
  member: PricingMember | null;
  promotions: readonly Promotion[];
  coupons: readonly CouponOffer[];
  points: PointsOffer | null;
  /** 抹零: round the total down to 10 fen or to the yuan. */
  rounding: CashRounding;
  storeId: string;
  at: Date;
  timeZone: string;
}

export interface PricedLine {
  lineId: string;
  skuId: string;
  qty: number;
  /** The unit price before any discount (an override replaces it). */
  unitPrice: number;
  discounts: Discount[];
  /** qty × unitPrice − discounts; never below zero. */
  total: number;
}

export interface PricedCart {
  lines: PricedLine[];
  /** Σ qty × unitPrice. */
  subtotal: number;
  discountTotal: number;
  /** Σ line totals. */
  total: number;
  /** Every discount of the cart, summed over lines, in the order the engine applied them. */
  discounts: Discount[];
  /** The promotions that applied. */
  appliedPromotions: string[];
  coupons: {
    applied: { code: string; amount: number }[];
    rejected: { code: string; reason: CouponRejection }[];
  };
  points: { used: number; amount: number };
}

export type CouponRejection = 'min_spend_not_met' | 'no_eligible_goods';
