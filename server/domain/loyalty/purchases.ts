import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import { append } from '../../storage/appends.js';
import { hotQuery } from '../../storage/hot-query.js';
import type { Database } from '../../storage/schema.js';
import { activeMemberRow, assertActiveMember } from '../members/rows.js';
import { type LedgerRef, refColumns } from './ledger-ref.js';
import { noteMemberStanding } from './member-events.js';
import type { PointsBalanceWrite } from './points-book.js';
import { evaluateTierUpgrade, type MemberWithSpend, spend12mQuery, spendSince } from './tiers.js';

/**
 * Checkout: records what a member spent on a sale (for rolling 12-month and lifetime spend
 * and visits) and upgrades their tier at once if the sale crossed a line. Call it after
 * `earnPoints`, in the sale's transaction.
 */
export async function recordPurchase(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { memberId: string; amount: number; ref: LedgerRef; balances?: MemberBalances },
): Promise<{ tierChanged: boolean; tier: { code: string; name: string } }> {
  // The member's status is checked on the row the activity's update returns: a member who may
  // not buy fails the action, and the activity goes with its rollback.
  checkedAmount(input.amount);
  const member = await appendActivity(
    trx,
    ctx,
    input.memberId,
    'purchase',
    input.amount,
    1,
    input.ref,
    input.balances,
  );
  const outcome = await evaluateTierUpgrade(trx, ctx, outbox, assertActiveMember(member), input.ref);
  // Without a new tier the row the update returned is how the member stands (a new tier
  // writes more, and the end of the action reads the member again).
  if (!outcome.changed) {
    noteMemberStanding(outbox, member.id, {
      points: member.points,
      storedValue: member.stored_principal + member.stored_bonus,
      tierCode: outcome.tier.code,
    });
  }
  return { tierChanged: outcome.changed, tier: outcome.tier };
}

/**
 * Returns: takes the returned amount off the member's spend. A tier is never lowered here;
 * the periodic review does that, after the grace period.
 */
export async function recordReturn(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: { memberId: string; amount: number; ref: LedgerRef },
): Promise<void> {
  await checkedMember(trx, input);
  await appendActivity(trx, ctx, input.memberId, 'return', -input.amount, 0, input.ref);
}

/**
 * A voided sale: its amount comes off the member's spend and its visit off their visits, as if
 * it had never been. A tier is never lowered here either.
 */
export async function recordVoid(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: { memberId: string; amount: number; ref: LedgerRef },
): Promise<void> {
  await checkedMember(trx, input);
  await appendActivity(trx, ctx, input.memberId, 'void', -input.amount, -1, input.ref);
}

function checkedAmount(amount: number) {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new ApiError('validation_failed', 'The amount must be whole fen, not negative.', {
      amount: 'invalid',
    });
  }
}

async function checkedMember(trx: Kysely<Database>, input: { memberId: string; amount: number }) {
  checkedAmount(input.amount);
  await activeMemberRow(trx, input.memberId);
}

/**
 * The member row's balances an action moved in its books and has not written yet (a sale's
 * batched points book and its stored value, `takeBalance`): written by the purchase's update.
 */
export interface MemberBalances {
  points?: PointsBalanceWrite | null;
  storedValue?: { principal: number; bonus: number } | null;
}

/**
 * The member's row after a purchase, return or void (`memberId`): spend and visits moved, the
 * balances a sale's books took (`points`, `earned`; `principal`, `bonus`) written, returned
 * with their 12-month spend before it (`since`). The shape names what it writes besides spend:
 * `visit`, `points`, `stored-value`.
 */
const purchaseUpdate = hotQuery((trx, value, shape: string) => {
  const writes = new Set(shape.split(' '));
  return trx
    .updateTable('members')
    .set((eb) => ({
      spend_lifetime: eb('spend_lifetime', '+', value('amount')),
      visits: eb('visits', '+', value('visit')),
      // A purchase is a visit; a void leaves the last visit where it was (the customer came).
      ...(writes.has('visit') ? { last_visit_at: value('at') } : {}),
      ...(writes.has('points') && {
        points: value('points'),
        points_earned_total: eb('points_earned_total', '+', value('earned')),
      }),
      ...(writes.has('stored-value') && {
        stored_principal: value('principal'),
        stored_bonus: value('bonus'),
      }),
      updated_at: value('at'),
    }))
    .where('id', '=', value('memberId'))
    .returningAll()
    .returning((eb) => spend12mQuery(trx, eb.ref('members.id'), value('since')).as('spend_12m'));
});

async function appendActivity(
  trx: Kysely<Database>,
  ctx: AppContext,
  memberId: string,
  kind: string,
  amount: number,
  visit: -1 | 0 | 1,
  ref: LedgerRef | null,
  balances: MemberBalances = {},
): Promise<MemberWithSpend> {
  const at = ctx.now().toISOString();
  const { points, storedValue } = balances;
  // The member as the update left them, with their 12-month spend: the tier check's figures in
  // the same round trip. The activity row is added after (with the other appends on PostgreSQL),
  // so the spend read is the rows before it, plus this amount (`at` is now: inside the 12 months).
  const member = await purchaseUpdate.first(
    trx,
    {
      memberId,
      amount,
      visit,
      at,
      since: spendSince(ctx.now()),
      points: points?.points,
      earned: points?.earned,
      principal: storedValue?.principal,
      bonus: storedValue?.bonus,
    },
    [visit > 0 && 'visit', points && 'points', storedValue && 'stored-value'].filter(Boolean).join(' '),
  );
  if (!member) throw notFound('member', memberId);
  await append(trx, 'member_activity', {
    id: newId(),
    store_id: ctx.store.id,
    member_id: memberId,
    at,
    kind,
    amount,
    visit,
    ...refColumns(ref),
  });
  return { ...member, spend_12m: Number(member.spend_12m) + amount };
}
