import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { type LoyaltySettings, type SettingKey, TENDERS } from '../../protocol/loyalty.js';
import { oncePerTransaction } from '../../storage/per-transaction.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';

const pct = (min: number, max: number) => z.number().int().min(min).max(max);

const earnSchema = z.strictObject({
  /** Points per yuan actually paid with an earning tender, before multipliers. */
  pointsPerYuan: pct(0, 1000),
  tenders: z.array(z.enum(TENDERS)).max(TENDERS.length),
  /** Category id or name → multiplier in percent (200 = ×2); categories not listed earn ×1. */
  categoryMultipliers: z.record(z.string().min(1).max(64), pct(0, 1000)),
  memberDays: z.strictObject({
    weekdays: z.array(z.number().int().min(0).max(6)).max(7),
    multiplierPct: pct(100, 1000),
  }),
});

const expirySchema = z
  .discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('months'), months: pct(1, 120) }),
    z.strictObject({
      mode: z.literal('clearing'),
      month: pct(1, 12),
      day: pct(1, 31),
      yearsAfter: pct(0, 5),
    }),
  ])
  .refine(
    (policy) =>
      policy.mode === 'months' || policy.day <= new Date(Date.UTC(2001, policy.month, 0)).getUTCDate(),
    { message: 'no such day in that month', path: ['day'] },
  );

const redeemSchema = z.strictObject({
  /** How many points make one yuan off at checkout. */
  pointsPerYuan: pct(1, 100_000),
  /** The most of a bill points may pay, in basis points (5000 = half). */
  maxShareBp: pct(0, 10_000),
});

const topUpBonusSchema = z
  .array(
    z.strictObject({
      minAmount: z.number().int().positive().max(100_000_000),
      bonus: z.number().int().min(0).max(100_000_000),
    }),
  )
  .max(20)
  .refine((rules) => new Set(rules.map((rule) => rule.minAmount)).size === rules.length, {
    message: 'two rules with the same minAmount',
  });

const storedValueSchema = z.strictObject({
  /** Payments above this many fen need the member's PIN, when the member has set one. */
  pinAbove: z.number().int().min(0).max(100_000_000),
});

const tierReviewSchema = z.strictObject({
  /** The review runs this often (days). */
  everyDays: pct(1, 366),
  /** A member below their tier's line keeps the tier this many days before a review moves them down. */
  graceDays: pct(0, 366),
});

const storeLimitsSchema = z
  .strictObject({
    pointsAdjust: z.number().int().min(0).max(10_000_000),
    storedValueRefund: z.number().int().min(0).max(100_000_000),
  })
  // A database from before the setting: 2,000 points, ¥500.
  .default({ pointsAdjust: 2000, storedValueRefund: 50_000 });

const referralReward = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('points'), points: z.number().int().min(1).max(1_000_000) }),
  z.strictObject({ kind: z.literal('coupon'), templateId: z.string().min(1).max(64) }),
]);

const referralSchema = z
  .strictObject({
    enabled: z.boolean(),
    referrer: referralReward,
    newcomer: referralReward,
    onReceipt: z.boolean(),
    joinAddress: z.union([
      z.literal(''),
      z
        .url({ protocol: /^https?$/, message: 'an http(s) address, e.g. https://192.168.1.10:8123' })
        .max(200)
        .refine((value) => !/[?#]/.test(value), 'the address alone, without ? or #'),
    ]),
  })
  // A database from before referrals: none given, nothing printed.
  .default({
    enabled: false,
    referrer: { kind: 'none' },
    newcomer: { kind: 'none' },
    onReceipt: false,
    joinAddress: '',
  });

const offlineSchema = z
  .strictObject({
    pointsPerMember: z.number().int().min(0).max(10_000_000),
    storedValuePerMember: z.number().int().min(0).max(100_000_000),
  })
  // Nothing spent offline unless the owner says so.
  .default({ pointsPerMember: 0, storedValuePerMember: 0 });

export const SETTING_SCHEMAS = {
  earn: earnSchema,
  expiry: expirySchema,
  redeem: redeemSchema,
  topUpBonus: topUpBonusSchema,
  storedValue: storedValueSchema,
  tierReview: tierReviewSchema,
  storeLimits: storeLimitsSchema,
  referral: referralSchema,
  offline: offlineSchema,
} as const;

export const SETTING_KEYS = Object.keys(SETTING_SCHEMAS) as SettingKey[];

/** What the schemas parse to; loadSettings has the compiler check it is the protocol's LoyaltySettings. */
type ParsedSettings = { [K in keyof typeof SETTING_SCHEMAS]: z.infer<(typeof SETTING_SCHEMAS)[K]> };
export type ExpiryPolicy = LoyaltySettings['expiry'];
export type EarnRules = LoyaltySettings['earn'];
export type TopUpBonusRule = LoyaltySettings['topUpBonus'][number];

/**
 * The chain's loyalty settings (seeded by migration 0003, edited by the owner); read and
 * checked once per write transaction (a sale consults them at every step), afresh outside one.
 */
export function loadSettings(db: Kysely<Database>): Promise<LoyaltySettings> {
  return oncePerTransaction(db, LOYALTY_SETTINGS_KEY, async () =>
    loyaltySettingsOf(await loyaltySettingsRows(db).execute()),
  );
}

/** Where a write transaction keeps the settings once read (a sale's settings statement puts them there). */
export const LOYALTY_SETTINGS_KEY = 'loyalty_settings';

export function loyaltySettingsRows(db: Kysely<Database>) {
  return db.selectFrom('loyalty_settings').select(['key', 'value']);
}

/** The rows checked against their schemas (a setting without a row takes its default). */
export function loyaltySettingsOf(rows: readonly { key: string; value: string }[]): LoyaltySettings {
  const values = new Map(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  const settings: Partial<Record<SettingKey, unknown>> = {};
  for (const key of SETTING_KEYS) {
    const parsed = SETTING_SCHEMAS[key].safeParse(values.get(key));
    if (!parsed.success) throw new Error(`loyalty setting ${key} in the database is unreadable`);
    settings[key] = parsed.data;
  }
  return settings as ParsedSettings satisfies LoyaltySettings;
}

/** Replaces one setting; the value was validated against its schema by the caller's route. */
export async function saveSetting(
  ctx: AppContext,
  key: SettingKey,
  value: unknown,
  staffId: string,
): Promise<LoyaltySettings> {
  const parsed = SETTING_SCHEMAS[key].safeParse(value);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      fields[['body', ...issue.path.map(String)].join('.')] ??= issue.message;
    }
    throw new ApiError('validation_failed', `Invalid ${key} setting.`, fields);
  }
  await ctx.storage.write(async (trx) => {
    const row = {
      value: JSON.stringify(parsed.data),
      updated_at: ctx.now().toISOString(),
      updated_by: staffId,
    };
    // A setting newer than the database (its default until now) gets its row on the first save.
    await trx
      .insertInto('loyalty_settings')
      .values({ key, ...row })
      .onConflict((conflict) => conflict.column('key').doUpdateSet(row))
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'loyalty.settings_changed',
      staffId,
      subjectType: 'loyalty_setting',
      subjectId: key,
      detail: { key, value: parsed.data },
    });
  });
  return loadSettings(ctx.storage.db);
}

/** The bonus a top-up of `amount` fen earns: the best single rule it reaches (not cumulative). */
export function topUpBonus(rules: readonly TopUpBonusRule[], amount: number): number {
  let bonus = 0;
  for (const rule of rules) if (amount >= rule.minAmount && rule.bonus > bonus) bonus = rule.bonus;
  return bonus;
}
