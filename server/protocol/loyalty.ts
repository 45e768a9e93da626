/** Loyalty settings, tiers and the ledger check as the admin page sees them. Money in fen. */

/**
 * How a sale was paid, as the points rules see it. Stored value is split into principal and
 * bonus because bonus money (送的钱) usually earns no points.
 */
export const TENDERS = [
  'cash',
  'card',
  'wechat',
  'alipay',
  'stored_value_principal',
  'stored_value_bonus',
  'points',
  'coupon',
] as const;
export type Tender = (typeof TENDERS)[number];

/** The chain's loyalty settings; the server's zod schemas parse to exactly this. */
export interface LoyaltySettings {
  earn: {
    /** Points per yuan actually paid with an earning tender, before multipliers. */
    pointsPerYuan: number;
    tenders: Tender[];
    /** Category id or name → multiplier in percent (200 = ×2); categories not listed earn ×1. */
    categoryMultipliers: Record<string, number>;
    memberDays: { weekdays: number[]; multiplierPct: number };
  };
  expiry:
    | { mode: 'months'; months: number }
    | { mode: 'clearing'; month: number; day: number; yearsAfter: number };
  redeem: {
    /** How many points make one yuan off at checkout. */
    pointsPerYuan: number;
    /** The most of a bill points may pay, in basis points (5000 = half). */
    maxShareBp: number;
  };
  topUpBonus: { minAmount: number; bonus: number }[];
  /** Payments above `pinAbove` fen need the member's PIN, when the member has set one. */
  storedValue: { pinAbove: number };
  /** The review runs every `everyDays`; a member below their tier's line keeps it `graceDays`. */
  tierReview: { everyDays: number; graceDays: number };
  /**
   * In a chain, what a store's staff may do to a member's balances without head office: a
   * manual points adjustment of at most `pointsAdjust` points, a stored-value refund of at most
   * `storedValueRefund` fen. Beyond, head office does it.
   */
  storeLimits: { pointsAdjust: number; storedValueRefund: number };
  /**
   * Referrals (会员裂变): what the member who invited and the newcomer each get when the
   * newcomer, having joined with the invitation code, makes a first purchase. `onReceipt`
   * prints the member's invitation code (and, with `joinAddress`, its QR) on receipts;
   * `joinAddress` is where phones reach this server, e.g. `https://192.168.1.10:8123`.
   */
  referral: {
    enabled: boolean;
    referrer: ReferralReward;
    newcomer: ReferralReward;
    onReceipt: boolean;
    joinAddress: string;
  };
  /**
   * In a chain, what a store selling from its local copy (head office out of reach) lets one
   * member spend until head office has the store's queue: a balance could be spent at two stores
   * at once, so 0 (the default) refuses it and more is a risk the owner accepts.
   */
  offline: { pointsPerMember: number; storedValuePerMember: number };
}

/** One side's referral reward: nothing, points, or a coupon of a template. */
export type ReferralReward =
  | { kind: 'none' }
  | { kind: 'points'; points: number }
  | { kind: 'coupon'; templateId: string };

export type SettingKey = keyof LoyaltySettings;

export interface LoyaltyTier {
  code: string;
  name: string;
  rank: number;
  /** Each line in fen (spend), points or visits; null: this line does not count. */
  minSpend12m: number | null;
  minSpendLifetime: number | null;
  minPointsEarned: number | null;
  minVisits: number | null;
  /** What the member pays, in basis points of the price: 9500 = 5% off (95折). */
  discountRegularBp: number;
  discountSpecialBp: number;
  pointsMultiplierPct: number;
  birthdayDiscountBp: number | null;
  birthdayCouponTemplateId: string | null;
}

/** `GET /api/loyalty/settings`. */
export interface LoyaltySettingsView {
  settings: LoyaltySettings;
  tiers: LoyaltyTier[];
}

/** A cached balance that disagrees with the sum of its ledger. */
export interface LedgerProblem {
  what: 'points' | 'points_lots' | 'lot_remaining' | 'stored_principal' | 'stored_bonus';
  memberId: string;
  lotId?: string;
  cached: number;
  ledger: number;
}

/** `GET /api/loyalty/ledger-check`. */
export interface LedgerCheck {
  ok: boolean;
  checkedAt: string;
  counts: { members: number; pointsLots: number; pointsMovements: number; storedValueEntries: number };
  problemCount: number;
  /** The first 100 problems. */
  problems: LedgerProblem[];
}

/** A member's coupon: `GET /api/members/:id/coupons` lists them; checkout and the admin page see one. */
export interface CouponView {
  code: string;
  memberId: string;
  templateId: string;
  name: string;
  /** The template's kind: 'amount' (fen off) or 'percent'. */
  kind: string;
  /** Fen off, or the percent off for a percent coupon. */
  value: number;
  minSpend: number;
  categories: string[];
  styles: string[];
  validFrom: string;
  validTo: string;
  status: string;
  issueReason: string;
  issuedAt: string;
  redeemedAt: string | null;
  /** `sale:<id>` and the like. */
  redeemedRef: string | null;
  voidedAt: string | null;
}

/** When coupons of a template are given out by themselves; `manual` ones are issued by staff. */
export const COUPON_TRIGGERS = ['manual', 'signup', 'birthday', 'tier_upgrade'] as const;
export type CouponTrigger = (typeof COUPON_TRIGGERS)[number];

/** A coupon template (`/api/coupon-templates`): what its coupons are worth and when they are given. */
export interface CouponTemplateView {
  id: string;
  name: string;
  kind: 'amount' | 'percent';
  /** Fen off for `amount`, percent off for `percent`. */
  value: number;
  minSpend: number;
  categories: string[];
  styles: string[];
  validFrom: string | null;
  validTo: string | null;
  validDays: number | null;
  perMemberLimit: number | null;
  trigger: CouponTrigger;
  triggerTierCode: string | null;
  active: boolean;
}

/** `POST /api/coupons/issue`: who got a coupon, and who did not and why. */
export interface CouponsIssued {
  issued: { memberId: string; code: string }[];
  skipped: { memberId: string; why: string }[];
}
