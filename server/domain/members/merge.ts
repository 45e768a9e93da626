import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { newId } from '../../ids.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../loyalty/ledger-ref.js';
import { noteMemberChanged } from '../loyalty/member-events.js';
import { PointsBook } from '../loyalty/points-book.js';
import { StoredValueBook } from '../loyalty/stored-value.js';
import { changeTier, loadTiers } from '../loyalty/tiers.js';
import { activeMemberRow } from './rows.js';
import { recordChange, tierOf } from './service.js';

/**
 * Merges member `sourceId` into `targetId` (a customer registered twice): the source's open
 * points lots move with their expiry, its stored value (principal and bonus) and its purchase
 * history move, unused coupons are handed over, the higher tier stays. Every move is a pair
 * of ledger rows (out of the source, into the target); the source is left merged, without a
 * phone, pointing at the target. One transaction, audited.
 */
export async function mergeMembers(ctx: AppContext, targetId: string, sourceId: string, actor: Actor) {
  if (targetId === sourceId) {
    throw new ApiError('validation_failed', 'A member cannot be merged into itself.', {
      'body.sourceId': 'same member',
    });
  }
  const moved = await runAction(ctx, async (trx, outbox) => {
    const target = await activeMemberRow(trx, targetId);
    const source = await activeMemberRow(trx, sourceId);
    const refIn = { type: 'merge', id: sourceId };
    const refOut = { type: 'merge', id: targetId };

    const sourcePoints = await PointsBook.open(trx, ctx, sourceId, actor);
    const targetPoints = await PointsBook.open(trx, ctx, targetId, actor);
    let points = 0;
    for (const lot of await sourcePoints.openLots()) {
      await sourcePoints.moveLot(lot.id, -lot.remaining, 'merge_out', refOut);
      await targetPoints.addLot(lot.remaining, 'merge', 'merge_in', lot.expires_at, refIn);
      points += lot.remaining;
    }
    await sourcePoints.close();
    await targetPoints.close(source.points_earned_total);

    const sourceValue = await StoredValueBook.open(trx, ctx, sourceId);
    const targetValue = await StoredValueBook.open(trx, ctx, targetId);
    const { principal, bonus } = sourceValue.balance;
    if (principal + bonus > 0) {
      await sourceValue.entry('merge_out', -principal, -bonus, { ref: refOut, actor });
      await targetValue.entry('merge_in', principal, bonus, { ref: refIn, actor });
    }

    // Purchase history moves (with its dates) so rolling spend, lifetime spend and visits add up.
    const activity = await trx
      .selectFrom('member_activity')
      .selectAll()
      .where('member_id', '=', sourceId)
      .execute();
    for (const row of activity) {
      await trx
        .insertInto('member_activity')
        .values({ ...row, id: newId(), member_id: targetId, kind: `merged_${row.kind}` })
        .execute();
    }
    const coupons = await trx
      .updateTable('coupons')
      .set({ member_id: targetId })
      .where('member_id', '=', sourceId)
      .where('status', '=', 'issued')
      .executeTakeFirst();

    const at = ctx.now().toISOString();
    const sourceTags = JSON.parse(source.tags) as string[];
    const targetTags = JSON.parse(target.tags) as string[];
    await trx
      .updateTable('members')
      .set((eb) => ({
        spend_lifetime: eb('spend_lifetime', '+', source.spend_lifetime),
        visits: eb('visits', '+', source.visits),
        last_visit_at:
          source.last_visit_at > target.last_visit_at ? source.last_visit_at : target.last_visit_at,
        tags: JSON.stringify([...new Set([...targetTags, ...sourceTags])].slice(0, 20)),
        gender: target.gender ?? source.gender,
        birth_year: target.birth_month === null ? source.birth_year : target.birth_year,
        birth_month: target.birth_month ?? source.birth_month,
        birth_day: target.birth_month === null ? source.birth_day : target.birth_day,
        updated_at: at,
      }))
      .where('id', '=', targetId)
      .execute();
    await trx
      .updateTable('members')
      .set({
        status: 'merged',
        merged_into: targetId,
        phone: null,
        phone_last4: null,
        pin_hash: null,
        updated_at: at,
      })
      .where('id', '=', sourceId)
      .execute();

    const tiers = await loadTiers(trx);
    const targetTier = tierOf(tiers, target);
    const sourceTier = tierOf(tiers, source);
    if (sourceTier.rank > targetTier.rank) {
      await changeTier(trx, ctx, outbox, {
        member: target,
        from: targetTier,
        to: sourceTier,
        reason: 'merge',
        detail: { sourceId },
        ref: refIn,
        staffId: actor.staffId,
      });
    }
    const summary = {
      points,
      principal,
      bonus,
      activity: activity.length,
      coupons: Number(coupons.numUpdatedRows),
    };
    await recordChange(trx, ctx, targetId, 'merged_in', actor, {
      sourceId,
      sourceNumber: source.number,
      ...summary,
    });
    await recordChange(trx, ctx, sourceId, 'merged_out', actor, { targetId, targetNumber: target.number });
    await recordAudit(trx, ctx, {
      kind: 'member.merged',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: targetId,
      detail: { sourceId, sourceNumber: source.number, targetNumber: target.number, ...summary },
    });
    noteMemberChanged(outbox, targetId, 'merged_in');
    noteMemberChanged(outbox, sourceId, 'merged_out');
    return summary;
  });
  return moved;
}
