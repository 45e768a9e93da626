import type { Outbox } from '../../events/outbox.js';
import { onRollback } from '../../storage/database.js';

/** Per action (its outbox): each member it changed, with the reasons in the order they came. */
const changedMembers = new WeakMap<Outbox, Map<string, string[]>>();

/**
 * Queues `member.changed` (one per `reason`) with the member's balances as they stand when the
 * action's writes are done. A sale redeems points, spends stored value and earns points: the
 * member is read once at the end, not after each step (each read a round trip to a chain's
 * database), and every event carries the balances the member is left with.
 */
export function noteMemberChanged(outbox: Outbox, memberId: string, reason: string): void {
  let members = changedMembers.get(outbox);
  if (!members) {
    const noted = new Map<string, string[]>();
    changedMembers.set(outbox, noted);
    members = noted;
    onRollback(() => changedMembers.delete(outbox));
    outbox.beforeCommit('member.changed', async (trx) => {
      changedMembers.delete(outbox);
      const rows = await trx
        .selectFrom('members')
        .innerJoin('tiers', 'tiers.id', 'members.tier_id')
        .select([
          'members.id',
          'members.points',
          'members.stored_principal',
          'members.stored_bonus',
          'tiers.code',
        ])
        .where('members.id', 'in', [...noted.keys()])
        .execute();
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const [id, reasons] of noted) {
        const row = byId.get(id);
        if (!row) throw new Error(`member.changed: member ${id} is not in the database`);
        for (const reason of reasons) {
          outbox.add('member.changed', {
            memberId: id,
            reason,
            points: row.points,
            storedValue: row.stored_principal + row.stored_bonus,
            tierCode: row.code,
          });
        }
      }
    });
  }
  const reasons = members.get(memberId);
  if (reasons) reasons.push(reason);
  else members.set(memberId, [reason]);
}
