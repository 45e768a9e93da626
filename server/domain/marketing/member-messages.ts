import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';

/** Every message sent (or meant) to a member, oldest first: for their access request. */
export async function messagesTo(db: Kysely<Database>, memberId: string) {
  return db
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
}

/**
 * Erasure, inside the erasing transaction: the text of every message to the member is blanked
 * (the log keeps that a message was sent, for the frequency cap and campaign results), and
 * what had not gone out yet never will.
 */
export async function forgetMessagesTo(trx: Kysely<Database>, memberId: string): Promise<void> {
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
