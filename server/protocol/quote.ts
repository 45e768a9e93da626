/** A priced sale as the till, the customer display and an integration see it. All money in fen. */

export type DiscountSource =
  | 'member_price'
  | 'promotion'
  | 'manual'
  | 'tier'
  | 'birthday'
  | 'order_promotion'
  | 'coupon'
  | 'points'
  | 'rounding';

export interface Discount {
  source: DiscountSource;
  /** The promotion id or coupon code, where there is one. */
  ref?: string;
  label: string;
  /** Fen, always positive. */
  amount: number;
}

export interface QuoteLine {
  /** The line's UUID: the cart line's, and the sale line's once sold (match lines by it, not by position). */
  lineId: string;
  skuId: string;
  barcode: string;
  styleId: string;
  styleCode: string;
  name: string;
  color: string;
  size: string;
  categoryId: string | null;
  qty: number;
  /** The retail price in force for one unit. */
  listPrice: number;
  /** The unit price the line was priced from (an override replaces the list price). */
  unitPrice: number;
  priceOverride: number | null;
  discounts: Discount[];
  total: number;
}

export interface Quote {
  lines: QuoteLine[];
  subtotal: number;
  discountTotal: number;
  total: number;
  /** Every discount of the sale summed over lines, in the order the engine applied them. */
  discounts: Discount[];
  appliedPromotions: string[];
  coupons: PricedCouponSummary;
  points: { requested: number; used: number; amount: number };
  /** 抹零 taken off the total. */
  rounding: number;
  member: {
    id: string;
    name: string;
    tier: { code: string; name: string };
    points: number;
    storedValue: number;
  } | null;
  training: boolean;
}

export interface PricedCouponSummary {
  applied: { code: string; amount: number }[];
  rejected: { code: string; reason: string }[];
}
