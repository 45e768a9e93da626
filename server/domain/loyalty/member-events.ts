import type { Kysely } from 'kysely';
import type { Outbox } from '../../events/outbox.js';
import type { Database } from '../../storage/schema.js';

/** Queues `member.changed` with the member's balances as they stand inside the transaction. */
export async function noteMemberChanged(
  trx: Kysely<Database>,
  outbox: Outbox,
  memberId: string,
  reason: string,
): Promise<void> {
  const row = await trx
    .selectFrom('members')
    .innerJoin('tiers', 'tiers.id', 'members.tier_id')
    .select(['members.points', 'members.stored_principal', 'members.stored_bonus', 'tiers.code'])
    .where('members.id', '=', memberId)
    .executeTakeFirstOrThrow();
  outbox.add('member.changed', {
    memberId,
    reason,
    points: row.points,
    storedValue: row.stored_principal + row.stored_bonus,
    tierCode: row.code,
  });
}
