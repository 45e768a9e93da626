import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { Database } from '../../storage/schema.js';
import { salesSettings } from './settings.js';

/**
 * A till sells only while a shift is open on it (the shop's `requireShift`, on by default):
 * otherwise the sale belongs to no shift and no cash count would ever hold its money. Read
 * inside the sale's transaction, so a 交班 cannot slip between the check and the sale. A sale
 * not made on a till (the owner's back office) and a training sale have no drawer to count.
 */
export async function assertShiftOpen(
  trx: Kysely<Database>,
  ctx: AppContext,
  staff: StaffPrincipal,
  training: boolean,
): Promise<void> {
  if (!staff.deviceId || training) return;
  if (!(await salesSettings(trx, ctx)).requireShift) return;
  const open = await trx
    .selectFrom('shifts')
    .select('id')
    .where('terminal_id', '=', staff.deviceId)
    .where('status', '=', 'open')
    .executeTakeFirst();
  if (!open) {
    throw new ApiError('business_rule', 'No shift is open on this till: open one (开班) before selling.', {
      shift: 'required',
    });
  }
}
