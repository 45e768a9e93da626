import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import type { ReferralReward } from '../../protocol/loyalty.js';
import { lockMembers } from '../../storage/database.js';
import type { Database, ReferralRewardTable } from '../../storage/schema.js';
import { expiryFor } from './calendar.js';
import { issueCoupon } from './coupon-issue.js';
import type { LedgerRef } from './ledger-ref.js';
import { noteMemberChanged } from './member-events.js';
import { pointsValue } from './points.js';
import { PointsBook } from './points-book.js';
import { loadSettings } from './settings.js';

/**
 * Referrals (会员裂变). A newcomer who joins with a member's invitation code is a referral; on
 * the newcomer's first purchase, inside the sale's transaction, both sides get what the owner
 * set (points as a lot of their own with ledger reason `referral`, or a coupon), once. When
 * that first purchase comes back whole (a return or a void), both are taken back: points
 * still held leave by the ledger (`referral_back`); points already spent are, for the
 * newcomer, kept back from the refund at the redemption rate, as points earned on a sale
 * are, and for the referrer written off (the report shows them); an unused coupon is voided,
 * a used one stays used (its discount was another sale's, which stands).
 */

type Side = ReferralRewardTable['side'];

/** Who invited: the active member whose invitation code or id the newcomer gave. */
export async function findReferrer(
  trx: Kysely<Database>,
  by: { inviteCode?: string | undefined; referrerId?: string | undefined },
): Promise<{ id: string; inviteCode: string } | null> {
  if (by.inviteCode === undefined && by.referrerId === undefined) return null;
  let query = trx.selectFrom('members').select(['id', 'invite_code']).where('status', '=', 'active');
  if (by.inviteCode !== undefined) query = query.where('invite_code', '=', by.inviteCode);
  if (by.referrerId !== undefined) query = query.where('id', '=', by.referrerId);
  const found = await query.executeTakeFirst();
  if (!found) {
    if (by.inviteCode !== undefined) {
      throw new ApiError('validation_failed', 'No member with this invitation code.', {
        'body.inviteCode': 'unknown code',
      });
    }
    throw new ApiError('validation_failed', 'No such member to be the referrer.', {
      'body.referrerId': 'unknown member',
    });
  }
  return { id: found.id, inviteCode: found.invite_code ?? '' };
}

/**
 * A newcomer joined with an invitation: recorded inside the joining transaction. Nobody
 * invites themselves: the join is refused before this when the phone already belongs to a
 * member (the inviter's included), and only a join records a referral, so a member who
 * existed before is never a newcomer.
 */
export async function recordReferral(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: { newcomerId: string; referrer: { id: string; inviteCode: string } },
): Promise<void> {
  await trx
    .insertInto('referrals')
    .values({
      id: newId(),
      store_id: ctx.store.id,
      referrer_id: input.referrer.id,
      newcomer_id: input.newcomerId,
      invite_code: input.referrer.inviteCode,
      joined_at: ctx.now().toISOString(),
    })
    .execute();
}

/** What a first purchase gave, for the sale's answer. */
export interface ReferralGiven {
  referrer: { points: number; coupon: string | null } | null;
  newcomer: { points: number; coupon: string | null } | null;
}

async function giveSide(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: {
    referralId: string;
    side: Side;
    memberId: string;
    reward: ReferralReward;
    ref: LedgerRef;
    staffId: string | null;
  },
): Promise<{ points: number; coupon: string | null } | null> {
  const { reward } = input;
  if (reward.kind === 'none') return null;
  // The referrer may be buying at another store right now: their balances wait for this sale.
  await lockMembers(trx, [input.memberId]);
  const member = await trx
    .selectFrom('members')
    .select('status')
    .where('id', '=', input.memberId)
    .executeTakeFirst();
  // A referrer erased or merged away since the invitation gets nothing.
  if (member?.status !== 'active') return null;
  let points = 0;
  let couponId: string | null = null;
  let coupon: string | null = null;
  const note = `referral ${input.referralId}`;
  if (reward.kind === 'points') {
    const settings = await loadSettings(trx);
    const book = await PointsBook.open(trx, ctx, input.memberId, { staffId: input.staffId });
    const expiresAt = expiryFor(ctx.now(), settings.expiry, ctx.store.timeZone).toISOString();
    await book.addLot(reward.points, 'referral', 'referral', expiresAt, input.ref, note);
    await book.close();
    noteMemberChanged(outbox, input.memberId, 'points_earned');
    points = reward.points;
  } else {
    const template = await trx
      .selectFrom('coupon_templates')
      .selectAll()
      .where('id', '=', reward.templateId)
      .where('active', '=', 1)
      .executeTakeFirst();
    // A template put away since the owner chose it: the sale goes on, this side gets nothing.
    if (!template) return null;
    const outcome = await issueCoupon(trx, ctx, outbox, {
      template,
      memberId: input.memberId,
      reason: 'referral',
      issueKey: `referral:${input.referralId}:${input.side}`,
      staffId: input.staffId,
    });
    if (!outcome.issued) return null;
    couponId = outcome.coupon.id;
    coupon = outcome.coupon.code;
  }
  await trx
    .insertInto('referral_rewards')
    .values({
      id: newId(),
      store_id: ctx.store.id,
      referral_id: input.referralId,
      at: ctx.now().toISOString(),
      kind: 'reward',
      side: input.side,
      member_id: input.memberId,
      points,
      points_short: 0,
      coupon_id: couponId,
      coupon_outcome: null,
      ref_type: input.ref.type,
      ref_id: input.ref.id,
      staff_id: input.staffId,
    })
    .execute();
  return { points, coupon };
}

/**
 * Checkout, inside the sale's transaction and before the sale's own row is written: when
 * this member joined with an invitation, this is their first purchase (no sale of theirs
 * kept before) and nobody was rewarded for them yet, both sides get their reward.
 */
export async function rewardReferral(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { memberId: string; total: number; ref: LedgerRef; staffId: string | null },
): Promise<ReferralGiven | null> {
  if (input.total <= 0) return null;
  const { referral: rules } = await loadSettings(trx);
  if (!rules.enabled) return null;
  const referral = await trx
    .selectFrom('referrals')
    .select(['id', 'referrer_id'])
    .where('newcomer_id', '=', input.memberId)
    .executeTakeFirst();
  if (!referral) return null;
  const rewarded = await trx
    .selectFrom('referral_rewards')
    .select('id')
    .where('referral_id', '=', referral.id)
    .executeTakeFirst();
  if (rewarded) return null;
  const earlier = await trx
    .selectFrom('sales')
    .select('id')
    .where('member_id', '=', input.memberId)
    .where('training', '=', 0)
    .executeTakeFirst();
  if (earlier) return null;
  const common = { referralId: referral.id, ref: input.ref, staffId: input.staffId };
  return {
    referrer: await giveSide(trx, ctx, outbox, {
      ...common,
      side: 'referrer',
      memberId: referral.referrer_id,
      reward: rules.referrer,
    }),
    newcomer: await giveSide(trx, ctx, outbox, {
      ...common,
      side: 'newcomer',
      memberId: input.memberId,
      reward: rules.newcomer,
    }),
  };
}

/**
 * The first purchase came back whole (`ref` is the return or the void): both rewards are
 * taken back. Answers the value, in fen at the redemption rate, of the newcomer's reward
 * points already spent, for the return to keep back from its refund.
 */
export async function takeBackReferral(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { saleId: string; ref: LedgerRef; staffId: string | null },
): Promise<{ newcomerShortValue: number }> {
  const rewards = await trx
    .selectFrom('referral_rewards')
    .selectAll()
    .where('ref_type', '=', 'sale')
    .where('ref_id', '=', input.saleId)
    .where('kind', '=', 'reward')
    .execute();
  let newcomerShortValue = 0;
  for (const reward of rewards) {
    let taken = 0;
    if (reward.points > 0) {
      const member = await trx
        .selectFrom('members')
        .select('status')
        .where('id', '=', reward.member_id)
        .executeTakeFirstOrThrow();
      if (member.status === 'active') {
        const book = await PointsBook.open(trx, ctx, reward.member_id, { staffId: input.staffId });
        taken = Math.min(reward.points, book.balance);
        if (taken > 0) {
          await book.takeFifo(taken, 'referral_back', input.ref, `referral ${reward.referral_id}`);
          await book.close();
          noteMemberChanged(outbox, reward.member_id, 'points_taken_back');
        }
      }
    }
    const short = reward.points - taken;
    if (reward.side === 'newcomer' && short > 0)
      newcomerShortValue += pointsValue(await loadSettings(trx), short);
    let couponOutcome: string | null = null;
    if (reward.coupon_id) {
      const voided = await trx
        .updateTable('coupons')
        .set({
          status: 'voided',
          voided_at: ctx.now().toISOString(),
          voided_by: input.staffId,
          void_reason: 'referral taken back: the first purchase came back',
        })
        .where('id', '=', reward.coupon_id)
        .where('status', '=', 'issued')
        .executeTakeFirst();
      couponOutcome = Number(voided.numUpdatedRows) > 0 ? 'voided' : 'used';
      if (couponOutcome === 'voided') noteMemberChanged(outbox, reward.member_id, 'coupon_voided');
    }
    await trx
      .insertInto('referral_rewards')
      .values({
        id: newId(),
        store_id: ctx.store.id,
        referral_id: reward.referral_id,
        at: ctx.now().toISOString(),
        kind: 'take_back',
        side: reward.side,
        member_id: reward.member_id,
        points: taken,
        points_short: short,
        coupon_id: reward.coupon_id,
        coupon_outcome: couponOutcome,
        ref_type: input.ref.type,
        ref_id: input.ref.id,
        staff_id: input.staffId,
      })
      .execute();
  }
  return { newcomerShortValue };
}

/** The address a friend opens to join with `code`, or none when the shop has not said where phones reach it. */
export function joinUrl(joinAddress: string, code: string): string | undefined {
  return joinAddress ? `${joinAddress.replace(/\/+$/, '')}/join?invite=${code}` : undefined;
}

/** A sale's receipt: the member's invitation, when the shop runs referrals and prints it. */
export async function receiptInvite(
  trx: Kysely<Database>,
  memberId: string,
): Promise<{ code: string; url?: string } | undefined> {
  const { referral } = await loadSettings(trx);
  if (!referral.enabled || !referral.onReceipt) return undefined;
  const row = await trx
    .selectFrom('members')
    .select('invite_code')
    .where('id', '=', memberId)
    .executeTakeFirst();
  if (!row?.invite_code) return undefined;
  const url = joinUrl(referral.joinAddress, row.invite_code);
  return { code: row.invite_code, ...(url && { url }) };
}
