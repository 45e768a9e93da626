import type { Kysely } from 'kysely';
import type { Database } from '../../storage/schema.js';

/** Wrong attempts from one address that lock the account for that address. */
export const MAX_FAILED_ATTEMPTS = 5;
/** Wrong attempts from all addresses together that lock the account everywhere. */
export const MAX_FAILED_ATTEMPTS_EVERYWHERE = 20;
export const LOCK_MINUTES = 5;
/** The `address` of the account-wide count. */
export const EVERYWHERE = '*';

export type Reservation =
  /** The attempt may be checked; `lockedUntil` when counting it locked the account. */
  { granted: true; lockedUntil: string | null } | { granted: false; lockedUntil: string };

/**
 * Counts an attempt *before* its secret is checked, in the caller's write transaction, so a
 * burst of parallel guesses is counted one by one: once the fifth from an address (or the
 * twentieth from anywhere) is counted, every later one is refused unchecked until the lock
 * ends. A success forgets the count (`forgetAttempts`); a failure leaves it counted.
 */
export async function reserveAttempt(
  trx: Kysely<Database>,
  staffId: string,
  address: string,
  now: Date,
): Promise<Reservation> {
  const at = now.toISOString();
  const keys = [
    { address, max: MAX_FAILED_ATTEMPTS },
    { address: EVERYWHERE, max: MAX_FAILED_ATTEMPTS_EVERYWHERE },
  ];
  await trx
    .insertInto('sign_in_locks')
    .values(keys.map((key) => ({ staff_id: staffId, address: key.address, failures: 0, locked_until: null })))
    .onConflict((oc) => oc.columns(['staff_id', 'address']).doNothing())
    .execute();
  const rows = await trx
    .selectFrom('sign_in_locks')
    .selectAll()
    .where('staff_id', '=', staffId)
    .where(
      'address',
      'in',
      keys.map((key) => key.address),
    )
    .execute();
  const locked = rows
    .map((row) => row.locked_until)
    .filter((until): until is string => until !== null && until > at)
    .sort()
    .at(-1);
  if (locked) return { granted: false, lockedUntil: locked };

  const until = new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString();
  let lockedUntil: string | null = null;
  for (const key of keys) {
    const failures = (rows.find((row) => row.address === key.address)?.failures ?? 0) + 1;
    const locks = failures >= key.max;
    if (locks) lockedUntil = until;
    await trx
      .updateTable('sign_in_locks')
      .set(locks ? { failures: 0, locked_until: until } : { failures, locked_until: null })
      .where('staff_id', '=', staffId)
      .where('address', '=', key.address)
      .execute();
  }
  return { granted: true, lockedUntil };
}

/** After a right secret: the counts of this address and the account-wide one start again. */
export async function forgetAttempts(trx: Kysely<Database>, staffId: string, address: string): Promise<void> {
  await trx
    .deleteFrom('sign_in_locks')
    .where('staff_id', '=', staffId)
    .where('address', 'in', [address, EVERYWHERE])
    .execute();
}

/** The owner lifts every lock of a staff member. */
export async function liftLocks(trx: Kysely<Database>, staffId: string): Promise<void> {
  await trx.deleteFrom('sign_in_locks').where('staff_id', '=', staffId).execute();
}

/** The latest lock still running per staff member (any address), for the staff list. */
export async function locksOf(
  db: Kysely<Database>,
  staffIds: readonly string[],
  now: Date,
): Promise<Map<string, string>> {
  if (staffIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sign_in_locks')
    .select(['staff_id', 'locked_until'])
    .where('staff_id', 'in', staffIds)
    .where('locked_until', '>', now.toISOString())
    .execute();
  const locks = new Map<string, string>();
  for (const row of rows) {
    const until = row.locked_until as string;
    if (until > (locks.get(row.staff_id) ?? '')) locks.set(row.staff_id, until);
  }
  return locks;
}
