import { type ApiAuth, call } from './http.js';

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

export interface LoyaltySettings {
  earn: {
    pointsPerYuan: number;
    tenders: string[];
    categoryMultipliers: Record<string, number>;
    memberDays: { weekdays: number[]; multiplierPct: number };
  };
  expiry:
    | { mode: 'months'; months: number }
    | { mode: 'clearing'; month: number; day: number; yearsAfter: number };
  redeem: { pointsPerYuan: number; maxShareBp: number };
  topUpBonus: { minAmount: number; bonus: number }[];
  storedValue: { pinAbove: number };
  tierReview: { everyDays: number; graceDays: number };
}

export type SettingKey = keyof LoyaltySettings;

export function loyaltySettings(auth: ApiAuth): Promise<{ settings: LoyaltySettings; tiers: LoyaltyTier[] }> {
  return call(auth, 'GET', '/api/loyalty/settings');
}

export function saveSetting<K extends SettingKey>(
  auth: ApiAuth,
  key: K,
  value: LoyaltySettings[K],
): Promise<LoyaltySettings> {
  return call<LoyaltySettings>(auth, 'PUT', `/api/loyalty/settings/${key}`, { body: value });
}

export function saveTier(auth: ApiAuth, tier: LoyaltyTier): Promise<unknown> {
  const { code, ...body } = tier;
  return call(auth, 'PUT', `/api/loyalty/tiers/${encodeURIComponent(code)}`, { body });
}

/** Runs the ledger check; the dashboard reads the member count from it. */
export function ledgerCheck(
  auth: ApiAuth,
): Promise<{ ok: boolean; counts: { members: number }; problemCount: number }> {
  return call(auth, 'GET', '/api/loyalty/ledger-check');
}
