import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';

/**
 * Members' e-mail addresses for e-mail campaigns. The member's own record has no address yet;
 * consent stays the member's `consents.email`. An erased member's address is deleted by the
 * marketing worker when it hears of the erasure.
 */
export async function setMemberEmail(ctx: AppContext, memberId: string, email: string | null) {
  const member = await ctx.storage.db
    .selectFrom('members')
    .select(['id', 'status'])
    .where('id', '=', memberId)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (member?.status !== 'active') throw notFound('member', memberId);
  const at = ctx.now().toISOString();
  await ctx.storage.write(async (trx) => {
    if (email === null) {
      await trx.deleteFrom('member_emails').where('member_id', '=', memberId).execute();
      return;
    }
    await trx
      .insertInto('member_emails')
      .values({ member_id: memberId, store_id: ctx.store.id, email, updated_at: at })
      .onConflict((oc) => oc.column('member_id').doUpdateSet({ email, updated_at: at }))
      .execute();
  });
  return { memberId, email };
}
