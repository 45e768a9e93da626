import type { Outbox } from '../../events/outbox.js';

/** Per action (its outbox): each member it changed, with the reasons in the order they came. */
const changedMembers = new WeakMap<Outbox, Map<string, string[]>>();

/** How a member stands, as `member.changed` tells it. */
export interface MemberStanding {
  points: number;
  storedValue: number;
  tierCode: string;
}

/** Per action: the members whose standing its last write to them returned (`noteMemberStanding`). */
const knownStandings = new WeakMap<Outbox, Map<string, MemberStanding>>();

/**
 * Tells the action's `member.changed` how the member stands after a write that returned their
 * row (a sale's purchase update), so the end of the action need not read it again — a round trip
 * to a chain's database. A change noted after this one (`noteMemberChanged`) makes it read again.
 */
export function noteMemberStanding(outbox: Outbox, memberId: string, standing: MemberStanding): void {
  let known = knownStandings.get(outbox);
  if (!known) {
    const fresh = new Map<string, MemberStanding>();
    knownStandings.set(outbox, fresh);
    known = fresh;
  }
  known.set(memberId, standing);
}

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
    outbox.beforeCommit('member.changed', async (trx) => {
      changedMembers.delete(outbox);
      const standings = new Map(knownStandings.get(outbox));
      knownStandings.delete(outbox);
      const unknown = [...noted.keys()].filter((id) => !standings.has(id));
      if (unknown.length > 0) {
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
          .where('members.id', 'in', unknown)
          .execute();
        for (const row of rows) {
          standings.set(row.id, {
            points: row.points,
            storedValue: row.stored_principal + row.stored_bonus,
            tierCode: row.code,
          });
        }
      }
      for (const [id, reasons] of noted) {
        const standing = standings.get(id);
        if (!standing) throw new Error(`member.changed: member ${id} is not in the database`);
        for (const reason of reasons) outbox.add('member.changed', { memberId: id, reason, ...standing });
      }
    });
  }
  // What a write returned before this change is no longer how the member stands.
  knownStandings.get(outbox)?.delete(memberId);
  const reasons = members.get(memberId);
  if (reasons) reasons.push(reason);
  else members.set(memberId, [reason]);
}
