import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../loyalty/ledger-ref.js';
import { noteMemberChanged } from '../loyalty/member-events.js';
import { PointsBook } from '../loyalty/points-book.js';
import { forgetMessagesTo, messagesTo } from '../marketing/member-messages.js';
import { eraseReceiptCopies } from './erase-copies.js';
import { memberRow } from './rows.js';
import { newMemberCode, recordChange, viewOf } from './service.js';

/** Everything held about one member (an access request): profile, history, ledgers, coupons, messages. */
export async function exportMemberData(ctx: AppContext, id: string, actor: Actor) {
  const db = ctx.storage.db;
  const row = await memberRow(db, id);
  const [profile] = await viewOf(ctx, [row], true);
  const data = {
    exportedAt: ctx.now().toISOString(),
    profile,
    changeHistory: await db.selectFrom('member_changes').selectAll().where('member_id', '=', id).execute(),
    pointsLots: await db.selectFrom('points_lots').selectAll().where('member_id', '=', id).execute(),
    pointsMovements: await db
      .selectFrom('points_movements')
      .selectAll()
      .where('member_id', '=', id)
      .execute(),
    storedValueEntries: await db
      .selectFrom('stored_value_entries')
      .selectAll()
      .where('member_id', '=', id)
      .execute(),
    tierChanges: await db.selectFrom('tier_changes').selectAll().where('member_id', '=', id).execute(),
    purchases: await db.selectFrom('member_activity').selectAll().where('member_id', '=', id).execute(),
    coupons: await db.selectFrom('coupons').selectAll().where('member_id', '=', id).execute(),
    giftRedemptions: await db
      .selectFrom('gift_redemptions')
      .selectAll()
      .where('member_id', '=', id)
      .execute(),
    messages: await messagesTo(db, id),
  };
  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'member.privacy_exported',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      subjectType: 'member',
      subjectId: id,
      detail: { number: row.number },
    }),
  );
  return data;
}

/**
 * Erases a member on request: name, phone, birthday, sizes, preferences, notes, consents,
 * PIN, change history, e-mail address and the text of messages sent to them are removed
 * (messages not yet sent never go), their name and masked phone leave the stored receipts and
 * the print queue, and a new member code is drawn. The row stays as an
 * anonymous member so sales and ledgers still add up for the books. Stored value still owed
 * must be refunded first (422); remaining points lapse (`erase` ledger rows); unused coupons are voided.
 */
export async function eraseMember(ctx: AppContext, id: string, reason: string, actor: Actor) {
  await runAction(ctx, async (trx, outbox) => {
    const row = await memberRow(trx, id);
    if (row.status !== 'active') {
      throw new ApiError('business_rule', `This member is already ${row.status}.`, { id: row.status });
    }
    if (row.stored_principal + row.stored_bonus > 0) {
      throw new ApiError(
        'business_rule',
        'Refund the stored value still owed to this member before erasing.',
        {
          storedValue: `${row.stored_principal + row.stored_bonus} fen still owed`,
        },
      );
    }
    const book = await PointsBook.open(trx, ctx, id, actor);
    for (const lot of await book.openLots())
      await book.moveLot(lot.id, -lot.remaining, 'erase', { type: 'erase', id });
    await book.close();
    const at = ctx.now().toISOString();
    await trx
      .updateTable('coupons')
      .set({ status: 'voided', voided_at: at, voided_by: actor.staffId, void_reason: 'member erased' })
      .where('member_id', '=', id)
      .where('status', '=', 'issued')
      .execute();
    await trx.deleteFrom('member_changes').where('member_id', '=', id).execute();
    await forgetMessagesTo(trx, id);
    await eraseReceiptCopies(trx, id);
    await trx
      .updateTable('members')
      .set({
        code: newMemberCode(),
        phone: null,
        phone_last4: null,
        email: null,
        name: '已注销会员',
        gender: null,
        birth_year: null,
        birth_month: null,
        birth_day: null,
        sizes: '{}',
        styles: '[]',
        tags: '[]',
        notes: '',
        consents: '{}',
        referrer_id: null,
        pin_hash: null,
        pin_locked_until: null,
        status: 'erased',
        updated_at: at,
      })
      .where('id', '=', id)
      .execute();
    await recordChange(trx, ctx, id, 'erased', actor, {});
    await recordAudit(trx, ctx, {
      kind: 'member.erased',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      subjectType: 'member',
      subjectId: id,
      detail: { number: row.number, reason },
    });
    noteMemberChanged(outbox, id, 'erased');
  });
  return memberRow(ctx.storage.db, id);
}
