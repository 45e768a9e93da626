import type { Request } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf, type Principal } from '../../protocol/roles.js';
import { recordAudit } from '../audit/service.js';
import { verifyApproval } from '../staff/approval.js';
import { may } from '../staff/permissions.js';

/**
 * May this caller see full phone numbers? Roles with `member.phone.unmask` may; a cashier may
 * when a colleague who may approves with their PIN (the approval headers), which is audited
 * with the members shown.
 */
export async function phonesVisible(
  ctx: AppContext,
  principal: Principal | null,
  req: Request,
  memberIds: () => string[],
): Promise<boolean> {
  if (!principal) return false;
  if (may(actorOf(principal), 'member.phone.unmask')) return true;
  const username = req.get('hanger-approval-user');
  const pin = req.get('hanger-approval-pin');
  if (principal.kind !== 'staff' || !username || !pin) return false;
  const approver = await verifyApproval(ctx, { username, pin }, 'member.phone.unmask', principal.deviceId);
  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'member.phone_unmasked',
      staffId: principal.staffId,
      approverId: approver.staffId,
      deviceId: principal.deviceId,
      detail: { memberIds: memberIds() },
    }),
  );
  return true;
}
