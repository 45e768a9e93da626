import { randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import type { CouponTrigger } from '../../protocol/loyalty.js';
import type { CouponRow, CouponTemplateRow, Database } from '../../storage/schema.js';
import { storeDaysLater } from './calendar.js';
import { noteMemberChanged } from './member-events.js';

/** How a coupon came to the member. */
export type IssueReason = CouponTrigger | 'segment' | 'referral';

/** Letters and digits a person reads out or types without mistaking one for another (no I, O, 0, 1). */
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random code of `length` characters from `CODE_ALPHABET`. */
export function readableCode(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** A 12-character coupon code. */
export function newCouponCode(): string {
  return readableCode(12);
}

export type IssueOutcome =
  | { issued: true; coupon: CouponRow }
  | { issued: false; why: 'limit_reached' | 'already_issued' | 'expired_template' };

/** Issues one coupon of `template` to a member, unless the template's per-member limit or `issueKey` says no. */
export async function issueCoupon(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: {
    template: CouponTemplateRow;
    memberId: string;
    reason: IssueReason;
    issueKey: string | null;
    staffId: string | null;
  },
): Promise<IssueOutcome> {
  const { template } = input;
  const now = ctx.now();
  if (input.issueKey) {
    const seen = await trx
      .selectFrom('coupons')
      .select('id')
      .where('issue_key', '=', input.issueKey)
      .executeTakeFirst();
    if (seen) return { issued: false, why: 'already_issued' };
  }
  if (template.per_member_limit !== null) {
    const held = await trx
      .selectFrom('coupons')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('template_id', '=', template.id)
      .where('member_id', '=', input.memberId)
      .where('status', '!=', 'voided')
      .executeTakeFirstOrThrow();
    if (Number(held.n) >= template.per_member_limit) return { issued: false, why: 'limit_reached' };
  }
  const validFrom = template.valid_from ?? now.toISOString();
  const validTo =
    template.valid_days !== null
      ? storeDaysLater(now, template.valid_days, ctx.store.timeZone).toISOString()
      : (template.valid_to ?? now.toISOString());
  if (validTo <= now.toISOString()) return { issued: false, why: 'expired_template' };
  const coupon: CouponRow = {
    id: newId(),
    store_id: ctx.store.id,
    template_id: template.id,
    member_id: input.memberId,
    code: newCouponCode(),
    issue_reason: input.reason,
    issue_key: input.issueKey,
    issued_at: now.toISOString(),
    issued_by: input.staffId,
    valid_from: validFrom,
    valid_to: validTo,
    status: 'issued',
    redeemed_at: null,
    redeemed_store_id: null,
    redeemed_ref_type: null,
    redeemed_ref_id: null,
    voided_at: null,
    voided_by: null,
    void_reason: null,
  };
  await trx.insertInto('coupons').values(coupon).execute();
  noteMemberChanged(outbox, input.memberId, 'coupon_issued');
  return { issued: true, coupon };
}

/**
 * Issues every active template with this trigger (sign-up, birthday, tier upgrade) to the
 * member; `issueKey` (plus the template id) makes a repeat run issue nothing twice.
 */
export async function issueTriggeredCoupons(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { trigger: Exclude<CouponTrigger, 'manual'>; memberId: string; tierCode?: string; issueKey: string },
): Promise<number> {
  let query = trx
    .selectFrom('coupon_templates')
    .selectAll()
    .where('trigger', '=', input.trigger)
    .where('active', '=', 1);
  if (input.tierCode !== undefined) {
    const tierCode = input.tierCode;
    query = query.where((eb) =>
      eb.or([eb('trigger_tier_code', 'is', null), eb('trigger_tier_code', '=', tierCode)]),
    );
  }
  let issued = 0;
  for (const template of await query.execute()) {
    const outcome = await issueCoupon(trx, ctx, outbox, {
      template,
      memberId: input.memberId,
      reason: input.trigger,
      issueKey: `${input.issueKey}:${template.id}`,
      staffId: null,
    });
    if (outcome.issued) issued += 1;
  }
  return issued;
}
