import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { LoyaltyTier } from '../../protocol/loyalty.js';
import type { TierRow } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { loadTiers } from './tiers.js';

const line = z.number().int().min(0).max(10_000_000_000).nullable().default(null);
const bp = z.number().int().min(1000).max(10_000);

export const tierBody = z.strictObject({
  name: z.string().trim().min(1).max(20),
  rank: z.number().int().min(0).max(20),
  minSpend12m: line,
  minSpendLifetime: line,
  minPointsEarned: line,
  minVisits: line,
  discountRegularBp: bp,
  discountSpecialBp: bp,
  pointsMultiplierPct: z.number().int().min(0).max(1000),
  birthdayDiscountBp: bp.nullable().default(null),
  birthdayCouponTemplateId: z.string().min(1).max(64).nullable().default(null),
});
export const tierCode = z.object({
  code: z.string().regex(/^[a-z0-9_-]{1,20}$/, '1–20 lowercase letters, digits, - or _'),
});

export function tierView(row: TierRow): LoyaltyTier {
  return {
    code: row.code,
    name: row.name,
    rank: row.rank,
    minSpend12m: row.min_spend_12m,
    minSpendLifetime: row.min_spend_lifetime,
    minPointsEarned: row.min_points_earned,
    minVisits: row.min_visits,
    discountRegularBp: row.discount_regular_bp,
    discountSpecialBp: row.discount_special_bp,
    pointsMultiplierPct: row.points_multiplier_pct,
    birthdayDiscountBp: row.birthday_discount_bp,
    birthdayCouponTemplateId: row.birthday_coupon_template_id,
  };
}

/** Creates or changes the tier `code`. Members move between tiers only by the rules, never here. */
export async function saveTier(
  ctx: AppContext,
  code: string,
  input: z.output<typeof tierBody>,
  staffId: string,
) {
  const values = {
    name: input.name,
    rank: input.rank,
    min_spend_12m: input.minSpend12m,
    min_spend_lifetime: input.minSpendLifetime,
    min_points_earned: input.minPointsEarned,
    min_visits: input.minVisits,
    discount_regular_bp: input.discountRegularBp,
    discount_special_bp: input.discountSpecialBp,
    points_multiplier_pct: input.pointsMultiplierPct,
    birthday_discount_bp: input.birthdayDiscountBp,
    birthday_coupon_template_id: input.birthdayCouponTemplateId,
    updated_at: ctx.now().toISOString(),
  };
  await ctx.storage.write(async (trx) => {
    const clash = await trx
      .selectFrom('tiers')
      .select('code')
      .where('rank', '=', input.rank)
      .where('code', '!=', code)
      .executeTakeFirst();
    if (clash)
      throw new ApiError('conflict', `Tier ${clash.code} already has rank ${input.rank}.`, {
        'body.rank': 'taken',
      });
    if (input.birthdayCouponTemplateId) {
      const template = await trx
        .selectFrom('coupon_templates')
        .select('id')
        .where('id', '=', input.birthdayCouponTemplateId)
        .executeTakeFirst();
      if (!template)
        throw new ApiError('validation_failed', 'No such coupon template.', {
          'body.birthdayCouponTemplateId': 'unknown',
        });
    }
    const existing = await trx.selectFrom('tiers').select('id').where('code', '=', code).executeTakeFirst();
    if (existing) await trx.updateTable('tiers').set(values).where('id', '=', existing.id).execute();
    else
      await trx
        .insertInto('tiers')
        .values({ id: newId(), code, ...values })
        .execute();
    await recordAudit(trx, ctx, {
      kind: 'loyalty.settings_changed',
      staffId,
      subjectType: 'tier',
      subjectId: code,
      detail: { tier: code, ...input },
    });
  });
  return (await loadTiers(ctx.storage.db)).map(tierView);
}
