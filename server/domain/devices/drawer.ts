import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import { recordAudit } from '../audit/service.js';
import type { Approver } from '../staff/approval.js';

/**
 * "No sale": opens the cash drawer of the terminal the staff member is signed in on. The
 * terminal's bridge receives a `drawer.open` event and kicks the drawer.
 */
export async function openDrawer(
  ctx: AppContext,
  staff: StaffPrincipal,
  approver: Approver | null,
  reason: string,
): Promise<{ terminalId: string }> {
  const terminalId = staff.deviceId;
  if (!terminalId) {
    throw new ApiError('business_rule', 'Sign in with your PIN on a checkout terminal to open its drawer.');
  }
  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'drawer.opened',
      staffId: staff.staffId,
      approverId: approver?.staffId ?? null,
      deviceId: terminalId,
      subjectType: 'device',
      subjectId: terminalId,
      detail: { reason },
    }),
  );
  ctx.bus.publish('drawer.open', ctx.store.id, { terminalId, reason });
  return { terminalId };
}
