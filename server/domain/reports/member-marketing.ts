import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { notFound } from '../../http/errors.js';
import type { Database } from '../../storage/schema.js';

/**
 * Members' e-mail addresses for e-mail campaigns. The member's own record has no address yet;
 * consent stays the member's `consents.email`. Erasing a member deletes the address
 * (`forgetMember`); an access request includes it (`marketingDataOf`).
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

/** What marketing holds about a member, for their access request: address and every message. */
export async function marketingDataOf(db: Kysely<Database>, memberId: string) {
  const email = await db
    .selectFrom('member_emails')
    .select('email')
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  const messages = await db
    .selectFrom('campaign_messages as m')
    .innerJoin('campaigns as c', 'c.id', 'm.campaign_id')
    .select([
      'm.at',
      'c.name as campaign',
      'c.channel',
      'c.trigger_kind as trigger',
      'm.body',
      'm.status',
      'm.error',
    ])
    .where('m.member_id', '=', memberId)
    .orderBy('m.at')
    .execute();
  return { email: email?.email ?? null, messages };
}

/**
 * Erasure, inside the erasing transaction: the member's e-mail address is deleted, the text of
 * every message to them is blanked (the log keeps that a message was sent, for the frequency
 * cap and campaign results), and what had not gone out yet never will.
 */
export async function forgetMember(trx: Kysely<Database>, memberId: string): Promise<void> {
  await trx.deleteFrom('member_emails').where('member_id', '=', memberId).execute();
  const mine = trx.selectFrom('campaign_messages').select('id').where('member_id', '=', memberId);
  await trx
    .updateTable('campaign_outbox')
    .set({ status: 'failed', error: 'member erased' })
    .where('message_id', 'in', mine)
    .where('status', '=', 'queued')
    .execute();
  await trx
    .updateTable('campaign_outbox')
    .set({ payload: '{"text":""}' })
    .where('message_id', 'in', mine)
    .execute();
  await trx
    .updateTable('campaign_messages')
    .set({ status: 'failed', error: 'member erased' })
    .where('member_id', '=', memberId)
    .where('status', '=', 'queued')
    .execute();
  await trx.updateTable('campaign_messages').set({ body: '' }).where('member_id', '=', memberId).execute();
}
