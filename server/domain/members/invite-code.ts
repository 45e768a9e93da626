import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../storage/schema.js';
import { readableCode } from '../loyalty/coupon-issue.js';

/**
 * A member's invitation code (邀请码): six characters without look-alikes, short enough to read
 * out or type from a receipt, random so that nobody walks through the codes in order.
 */
export const INVITE_CODE_LENGTH = 6;

/** An invitation code as typed: any case, spaces around. */
export const inviteCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-HJ-NP-Z2-9]{6}$/, 'six letters and digits, as printed');

/**
 * `count` fresh codes, unique among themselves and among the members' codes, drawn inside the
 * caller's write (the unique index stands behind it). Six characters make over a billion
 * codes: a clash is rare, and simply drawn again.
 */
export async function drawInviteCodes(trx: Kysely<Database>, count: number): Promise<string[]> {
  const codes = new Set<string>();
  while (codes.size < count) {
    const wanted = new Set<string>();
    while (wanted.size < count - codes.size) {
      const code = readableCode(INVITE_CODE_LENGTH);
      if (!codes.has(code)) wanted.add(code);
    }
    const taken = await trx
      .selectFrom('members')
      .select('invite_code')
      .where('invite_code', 'in', [...wanted])
      .execute();
    for (const row of taken) if (row.invite_code) wanted.delete(row.invite_code);
    for (const code of wanted) codes.add(code);
  }
  return [...codes];
}
