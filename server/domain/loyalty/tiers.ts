import { subMonths } from 'date-fns';
import type { Expression, Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import { keptInTransaction } from '../../storage/per-transaction.js';
import type { Database, MemberRow, TierRow } from '../../storage/schema.js';
import { issueTriggeredCoupons } from './coupon-issue.js';
import { type LedgerRef, refColumns } from './ledger-ref.js';

/** Why a member's tier changed; the tier ledger's `reason`. */
export type TierReason = 'signup' | 'import' | 'upgrade' | 'review_downgrade' | 'merge' | 'manual';

/** What a member has done that tiers qualify on. */
export interface TierStats {
  spend12m: number;
  spendLifetime: number;
  pointsEarned: number;
  visits: number;
}

/** Where a sale's transaction keeps the tiers its settings statement read (`keepForTransaction`). */
export const TIERS_KEY = 'tiers';

/** Every tier, lowest first (also read beside the other settings in a sale's one statement). */
export function tierRows(db: Kysely<Database>) {
  return db
    .selectFrom('tiers')
    .select([
      'id',
      'code',
      'name',
      'rank',
      'min_spend_12m',
      'min_spend_lifetime',
      'min_points_earned',
      'min_visits',
      'discount_regular_bp',
      'discount_special_bp',
      'points_multiplier_pct',
      'birthday_discount_bp',
      'birthday_coupon_template_id',
      'updated_at',
    ])
    .orderBy('rank');
}

/** The tiers, lowest first; inside a sale, as its settings statement read them. */
export async function loadTiers(db: Kysely<Database>): Promise<TierRow[]> {
  return keptInTransaction<TierRow[]>(db, TIERS_KEY) ?? tierRows(db).execute();
}

export function entryTier(tiers: readonly TierRow[]): TierRow {
  const first = tiers[0];
  if (!first) throw new Error('no tiers configured');
  return first;
}

function meets(tier: TierRow, stats: TierStats): boolean {
  const lines: [number | null, number][] = [
    [tier.min_spend_12m, stats.spend12m],
    [tier.min_spend_lifetime, stats.spendLifetime],
    [tier.min_points_earned, stats.pointsEarned],
    [tier.min_visits, stats.visits],
  ];
  const set = lines.filter(([line]) => line !== null);
  // The entry tier (no line at all) is everyone's; otherwise reaching any one line qualifies.
  return set.length === 0 || set.some(([line, value]) => value >= (line ?? 0));
}

/** The highest tier these figures reach. */
export function qualifyingTier(tiers: readonly TierRow[], stats: TierStats): TierRow {
  let best = entryTier(tiers);
  for (const tier of tiers) if (tier.rank > best.rank && meets(tier, stats)) best = tier;
  return best;
}

/** The next tier up and what is still missing to reach it (for the cashier and the kiosk). */
export function progressToNext(tiers: readonly TierRow[], current: TierRow, stats: TierStats) {
  const next = tiers.find((tier) => tier.rank > current.rank);
  if (!next) return null;
  const missing = (line: number | null, value: number) => (line === null ? null : Math.max(0, line - value));
  return {
    code: next.code,
    name: next.name,
    missing: {
      spend12m: missing(next.min_spend_12m, stats.spend12m),
      spendLifetime: missing(next.min_spend_lifetime, stats.spendLifetime),
      pointsEarned: missing(next.min_points_earned, stats.pointsEarned),
      visits: missing(next.min_visits, stats.visits),
    },
  };
}

/** When the 12 months of spend a tier looks at began, seen at `now`. */
export function spendSince(now: Date): string {
  return subMonths(now, 12).toISOString();
}

/**
 * A member's spend since `since` (`spendSince`), as a one-value query on their id (a value, or
 * the updated row's id inside a statement's RETURNING).
 */
export function spend12mQuery(db: Kysely<Database>, memberId: string | Expression<string>, since: string) {
  return db
    .selectFrom('member_activity')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('spend'))
    .where('member_id', '=', memberId)
    .where('at', '>', since);
}

/** A member row that may carry its 12-month spend, read by the statement that wrote it. */
export type MemberWithSpend = MemberRow & { spend_12m?: number };

export async function tierStats(
  db: Kysely<Database>,
  member: MemberWithSpend,
  now: Date,
): Promise<TierStats> {
  const spend =
    member.spend_12m ?? (await spend12mQuery(db, member.id, spendSince(now)).executeTakeFirstOrThrow()).spend;
  return {
    spend12m: Number(spend),
    spendLifetime: member.spend_lifetime,
    pointsEarned: member.points_earned_total,
    visits: member.visits,
  };
}

/** Moves a member to `to` and writes the tier ledger row with its reason; queues `tier.changed`. */
export async function changeTier(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  change: {
    member: MemberRow;
    from: TierRow | null;
    to: TierRow;
    reason: TierReason;
    detail: Record<string, unknown>;
    ref: LedgerRef | null;
    staffId: string | null;
  },
): Promise<void> {
  const at = ctx.now().toISOString();
  await trx
    .updateTable('members')
    .set({ tier_id: change.to.id, tier_since: at, tier_below_since: null, updated_at: at })
    .where('id', '=', change.member.id)
    .execute();
  await trx
    .insertInto('tier_changes')
    .values({
      id: newId(),
      store_id: ctx.store.id,
      member_id: change.member.id,
      at,
      from_tier_id: change.from?.id ?? null,
      to_tier_id: change.to.id,
      reason: change.reason,
      detail: JSON.stringify(change.detail),
      ...refColumns(change.ref),
      staff_id: change.staffId,
    })
    .execute();
  outbox.add('tier.changed', {
    memberId: change.member.id,
    from: change.from?.code ?? null,
    to: change.to.code,
    reason: change.reason,
  });
  if (change.from && change.to.rank > change.from.rank) {
    await issueTriggeredCoupons(trx, ctx, outbox, {
      trigger: 'tier_upgrade',
      memberId: change.member.id,
      tierCode: change.to.code,
      issueKey: `tier_upgrade:${change.to.code}:${change.member.id}`,
    });
  }
}

/**
 * Upgrades a member the moment their figures cross a higher tier's line (after a sale), from
 * `member` as this transaction last wrote it. Never moves anyone down: that is the periodic
 * review's job.
 */
export async function evaluateTierUpgrade(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  /** With `spend_12m` when the statement that wrote the purchase read it (`recordPurchase`). */
  member: MemberWithSpend,
  ref: LedgerRef | null,
): Promise<{ changed: boolean; tier: { code: string; name: string } }> {
  const memberId = member.id;
  const tiers = await loadTiers(trx);
  const current = tiers.find((tier) => tier.id === member.tier_id) ?? entryTier(tiers);
  const stats = await tierStats(trx, member, ctx.now());
  const target = qualifyingTier(tiers, stats);
  if (target.rank <= current.rank) {
    if (target.rank === current.rank && member.tier_below_since) {
      await trx.updateTable('members').set({ tier_below_since: null }).where('id', '=', memberId).execute();
    }
    return { changed: false, tier: { code: current.code, name: current.name } };
  }
  await changeTier(trx, ctx, outbox, {
    member,
    from: current,
    to: target,
    reason: 'upgrade',
    detail: { ...stats },
    ref,
    staffId: null,
  });
  return { changed: true, tier: { code: target.code, name: target.name } };
}
