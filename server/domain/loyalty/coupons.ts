import { TZDate } from '@date-fns/tz';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { runAction } from '../../events/action.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import {
  COUPON_TRIGGERS,
  type CouponsIssued,
  type CouponTemplateView,
  type CouponTrigger,
  type CouponView,
} from '../../protocol/loyalty.js';
import type { CouponRow, CouponTemplateRow, Database } from '../../storage/schema.js';
import { jsonArrayHas } from '../../storage/sql-text.js';
import { recordAudit } from '../audit/service.js';
import { type IssueOutcome, issueCoupon } from './coupon-issue.js';
import type { Actor, LedgerRef } from './ledger-ref.js';
import { noteMemberChanged } from './member-events.js';

const isoDate = z.iso.date('a date YYYY-MM-DD');

export const couponTemplateBody = z
  .strictObject({
    name: z.string().trim().min(1).max(40),
    /** `amount`: `value` fen off; `percent`: `value` percent off (1–90). */
    kind: z.enum(['amount', 'percent']),
    value: z.number().int().positive().max(100_000_000),
    minSpend: z.number().int().min(0).max(100_000_000).default(0),
    categories: z.array(z.string().min(1).max(64)).max(50).default([]),
    styles: z.array(z.string().min(1).max(64)).max(200).default([]),
    validFrom: isoDate.optional(),
    validTo: isoDate.optional(),
    validDays: z.number().int().min(1).max(3650).optional(),
    perMemberLimit: z.number().int().min(1).max(100).nullable().default(1),
    trigger: z.enum(COUPON_TRIGGERS).default('manual'),
    triggerTierCode: z.string().min(1).max(20).optional(),
    active: z.boolean().default(true),
  })
  .refine((t) => t.kind === 'amount' || t.value <= 90, { message: 'at most 90 percent', path: ['value'] })
  .refine((t) => (t.validTo === undefined) !== (t.validDays === undefined), {
    message: 'give either validTo or validDays',
    path: ['validDays'],
  })
  .refine((t) => !t.validFrom || !t.validTo || t.validFrom <= t.validTo, {
    message: 'validTo is before validFrom',
    path: ['validTo'],
  });
export type CouponTemplateInput = z.output<typeof couponTemplateBody>;

/** A calendar date in the store's zone → the instant it starts (or, with `end`, the instant after it ends). */
function dayInstant(date: string, timeZone: string, end: boolean): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(
    new TZDate(y ?? 0, (m ?? 1) - 1, (d ?? 1) + (end ? 1 : 0), timeZone).getTime(),
  ).toISOString();
}

export function templateView(row: CouponTemplateRow): CouponTemplateView {
  return {
    id: row.id,
    name: row.name,
    // Written only through the template body's enums.
    kind: row.kind as CouponTemplateView['kind'],
    value: row.value,
    minSpend: row.min_spend,
    categories: JSON.parse(row.categories) as string[],
    styles: JSON.parse(row.styles) as string[],
    validFrom: row.valid_from,
    validTo: row.valid_to,
    validDays: row.valid_days,
    perMemberLimit: row.per_member_limit,
    trigger: row.trigger as CouponTrigger,
    triggerTierCode: row.trigger_tier_code,
    active: row.active === 1,
  };
}

export function couponView(row: CouponRow, template: CouponTemplateRow): CouponView {
  return {
    code: row.code,
    memberId: row.member_id,
    templateId: template.id,
    name: template.name,
    kind: template.kind,
    value: template.value,
    minSpend: template.min_spend,
    categories: JSON.parse(template.categories) as string[],
    styles: JSON.parse(template.styles) as string[],
    validFrom: row.valid_from,
    validTo: row.valid_to,
    status: row.status,
    issueReason: row.issue_reason,
    issuedAt: row.issued_at,
    redeemedAt: row.redeemed_at,
    redeemedRef:
      row.redeemed_ref_type && row.redeemed_ref_id ? `${row.redeemed_ref_type}:${row.redeemed_ref_id}` : null,
    voidedAt: row.voided_at,
  };
}

export async function saveCouponTemplate(
  ctx: AppContext,
  id: string | null,
  input: CouponTemplateInput,
  staffId: string,
) {
  const at = ctx.now().toISOString();
  const tz = ctx.store.timeZone;
  const values = {
    name: input.name,
    kind: input.kind,
    value: input.value,
    min_spend: input.minSpend,
    categories: JSON.stringify(input.categories),
    styles: JSON.stringify(input.styles),
    valid_from: input.validFrom ? dayInstant(input.validFrom, tz, false) : null,
    valid_to: input.validTo ? dayInstant(input.validTo, tz, true) : null,
    valid_days: input.validDays ?? null,
    per_member_limit: input.perMemberLimit,
    trigger: input.trigger,
    trigger_tier_code: input.triggerTierCode ?? null,
    active: input.active ? 1 : 0,
    updated_at: at,
  };
  const templateId = id ?? newId();
  await ctx.storage.write(async (trx) => {
    if (input.triggerTierCode) {
      const tier = await trx
        .selectFrom('tiers')
        .select('id')
        .where('code', '=', input.triggerTierCode)
        .executeTakeFirst();
      if (!tier)
        throw new ApiError('validation_failed', 'No such tier.', { 'body.triggerTierCode': 'unknown tier' });
    }
    if (id) {
      const result = await trx
        .updateTable('coupon_templates')
        .set(values)
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('coupon template', id);
    } else {
      await trx
        .insertInto('coupon_templates')
        .values({ id: templateId, created_at: at, ...values })
        .execute();
    }
    await recordAudit(trx, ctx, {
      kind: 'coupon.template_saved',
      staffId,
      subjectType: 'coupon_template',
      subjectId: templateId,
      detail: { name: input.name, kind: input.kind, value: input.value, trigger: input.trigger },
    });
  });
  const row = await ctx.storage.db
    .selectFrom('coupon_templates')
    .selectAll()
    .where('id', '=', templateId)
    .executeTakeFirstOrThrow();
  return templateView(row);
}

export async function listCouponTemplates(db: Kysely<Database>): Promise<CouponTemplateView[]> {
  const rows = await db.selectFrom('coupon_templates').selectAll().orderBy('created_at').execute();
  return rows.map(templateView);
}

/** Who receives a hand-issued coupon: listed members, or a segment (tier and/or tag). */
export const issueBody = z
  .strictObject({
    templateId: z.string().min(1).max(64),
    memberIds: z.array(z.string().min(1).max(64)).min(1).max(500).optional(),
    segment: z
      .strictObject({
        tierCode: z.string().min(1).max(20).optional(),
        tag: z.string().min(1).max(20).optional(),
      })
      .refine((s) => s.tierCode !== undefined || s.tag !== undefined, { message: 'give tierCode or tag' })
      .optional(),
  })
  .refine((b) => (b.memberIds === undefined) !== (b.segment === undefined), {
    message: 'give either memberIds or segment',
    path: ['memberIds'],
  });

export async function issueCoupons(
  ctx: AppContext,
  input: z.output<typeof issueBody>,
  actor: Actor,
): Promise<CouponsIssued> {
  const outcome = await runAction(ctx, async (trx, outbox) => {
    const template = await trx
      .selectFrom('coupon_templates')
      .selectAll()
      .where('id', '=', input.templateId)
      .executeTakeFirst();
    if (!template) throw notFound('coupon template', input.templateId);
    if (template.active !== 1) {
      throw new ApiError('business_rule', 'This coupon template is switched off.', {
        'body.templateId': 'inactive',
      });
    }
    let memberIds: string[];
    if (input.memberIds) {
      memberIds = input.memberIds;
      const found = await trx
        .selectFrom('members')
        .select('id')
        .where('id', 'in', memberIds)
        .where('status', '=', 'active')
        .execute();
      const known = new Set(found.map((row) => row.id));
      const missing = memberIds.findIndex((memberId) => !known.has(memberId));
      if (missing >= 0) {
        throw new ApiError('not_found', 'No such active member.', {
          [`body.memberIds.${missing}`]: 'unknown member',
        });
      }
    } else {
      let query = trx.selectFrom('members').select('members.id').where('members.status', '=', 'active');
      const segment = input.segment ?? {};
      if (segment.tierCode) {
        const tierCode = segment.tierCode;
        query = query.innerJoin('tiers', 'tiers.id', 'members.tier_id').where('tiers.code', '=', tierCode);
      }
      if (segment.tag) {
        const tag = segment.tag;
        query = query.where(jsonArrayHas('members.tags', tag));
      }
      memberIds = (await query.execute()).map((row) => row.id);
    }
    const issued: { memberId: string; code: string }[] = [];
    const skipped: { memberId: string; why: string }[] = [];
    for (const memberId of memberIds) {
      const result: IssueOutcome = await issueCoupon(trx, ctx, outbox, {
        template,
        memberId,
        reason: input.memberIds ? 'manual' : 'segment',
        issueKey: null,
        staffId: actor.staffId,
      });
      if (result.issued) issued.push({ memberId, code: result.coupon.code });
      else skipped.push({ memberId, why: result.why });
    }
    await recordAudit(trx, ctx, {
      kind: 'coupon.issued',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      subjectType: 'coupon_template',
      subjectId: template.id,
      detail: { issued: issued.length, skipped: skipped.length, segment: input.segment ?? null },
    });
    return { issued, skipped };
  });
  return outcome;
}

async function couponByCode(
  db: Kysely<Database>,
  code: string,
): Promise<{ row: CouponRow; template: CouponTemplateRow }> {
  const row = await db
    .selectFrom('coupons')
    .selectAll()
    .where('code', '=', code.toUpperCase())
    .executeTakeFirst();
  if (!row)
    throw new ApiError('not_found', `No coupon with code ${JSON.stringify(code)}.`, { code: 'unknown code' });
  const template = await db
    .selectFrom('coupon_templates')
    .selectAll()
    .where('id', '=', row.template_id)
    .executeTakeFirstOrThrow();
  return { row, template };
}

export async function getCoupon(db: Kysely<Database>, code: string): Promise<CouponView> {
  const { row, template } = await couponByCode(db, code);
  return couponView(row, template);
}

export async function memberCoupons(db: Kysely<Database>, memberId: string, onlyUsable: boolean, now: Date) {
  let query = db.selectFrom('coupons').selectAll().where('member_id', '=', memberId);
  if (onlyUsable) query = query.where('status', '=', 'issued').where('valid_to', '>', now.toISOString());
  const rows = await query.orderBy('valid_to').execute();
  const ids = [...new Set(rows.map((row) => row.template_id))];
  const templates = new Map(
    ids.length === 0
      ? []
      : (await db.selectFrom('coupon_templates').selectAll().where('id', 'in', ids).execute()).map((t) => [
          t.id,
          t,
        ]),
  );
  return rows.flatMap((row) => {
    const template = templates.get(row.template_id);
    return template ? [couponView(row, template)] : [];
  });
}

/**
 * Checkout: uses a coupon once. 404 unknown code; 409 already used; 422 voided, someone
 * else's, not yet valid or expired. (Whether the cart qualifies is the pricing engine's call.)
 */
export async function redeemCoupon(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { code: string; memberId: string; ref: LedgerRef },
): Promise<CouponView> {
  const { row, template } = await couponByCode(trx, input.code);
  const now = ctx.now().toISOString();
  if (row.status === 'redeemed') {
    throw new ApiError('conflict', `Coupon ${row.code} was already used at ${row.redeemed_at}.`, {
      code: 'already used',
    });
  }
  const refusal =
    row.status === 'voided'
      ? 'voided'
      : row.member_id !== input.memberId
        ? "another member's coupon"
        : now < row.valid_from
          ? 'not valid yet'
          : now >= row.valid_to
            ? 'expired'
            : null;
  if (refusal)
    throw new ApiError('business_rule', `Coupon ${row.code} cannot be used: ${refusal}.`, { code: refusal });
  const redeemed = await trx
    .updateTable('coupons')
    .set({
      status: 'redeemed',
      redeemed_at: now,
      redeemed_store_id: ctx.store.id,
      redeemed_ref_type: input.ref.type,
      redeemed_ref_id: input.ref.id,
    })
    .where('id', '=', row.id)
    .where('status', '=', 'issued')
    .executeTakeFirst();
  // Voided or used a moment ago by another action (READ COMMITTED sees it only here).
  if (Number(redeemed.numUpdatedRows) === 0) {
    throw new ApiError('conflict', `Coupon ${row.code} was used or voided just now.`, {
      code: 'already used',
    });
  }
  noteMemberChanged(outbox, row.member_id, 'coupon_redeemed');
  const updated = await trx
    .selectFrom('coupons')
    .selectAll()
    .where('id', '=', row.id)
    .executeTakeFirstOrThrow();
  return couponView(updated, template);
}

/** Checkout: a voided or fully returned sale gives its coupon back (usable again until it expires). */
export async function releaseCoupon(
  trx: Kysely<Database>,
  outbox: Outbox,
  input: { code: string; ref: LedgerRef },
): Promise<CouponView> {
  const { row, template } = await couponByCode(trx, input.code);
  if (
    row.status !== 'redeemed' ||
    row.redeemed_ref_type !== input.ref.type ||
    row.redeemed_ref_id !== input.ref.id
  ) {
    throw new ApiError('conflict', `Coupon ${row.code} was not used on this sale.`, {
      code: 'not used here',
    });
  }
  await trx
    .updateTable('coupons')
    .set({
      status: 'issued',
      redeemed_at: null,
      redeemed_store_id: null,
      redeemed_ref_type: null,
      redeemed_ref_id: null,
    })
    .where('id', '=', row.id)
    .execute();
  noteMemberChanged(outbox, row.member_id, 'coupon_released');
  const updated = await trx
    .selectFrom('coupons')
    .selectAll()
    .where('id', '=', row.id)
    .executeTakeFirstOrThrow();
  return couponView(updated, template);
}

/** A manager voids an unused coupon with a reason. */
export async function voidCoupon(
  ctx: AppContext,
  code: string,
  reason: string,
  actor: Actor,
): Promise<CouponView> {
  const view = await runAction(ctx, async (trx, outbox) => {
    const { row, template } = await couponByCode(trx, code);
    if (row.status !== 'issued') {
      throw new ApiError(
        'conflict',
        `Coupon ${row.code} is ${row.status}; only an unused coupon can be voided.`,
        {
          code: row.status,
        },
      );
    }
    const at = ctx.now().toISOString();
    await trx
      .updateTable('coupons')
      .set({ status: 'voided', voided_at: at, voided_by: actor.staffId, void_reason: reason })
      .where('id', '=', row.id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'coupon.voided',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      subjectType: 'coupon',
      subjectId: row.id,
      detail: { code: row.code, reason },
    });
    noteMemberChanged(outbox, row.member_id, 'coupon_voided');
    return couponView(
      { ...row, status: 'voided', voided_at: at, voided_by: actor.staffId, void_reason: reason },
      template,
    );
  });
  return view;
}
