import type { Request } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf, type Principal } from '../../protocol/roles.js';
import { recordAudit } from '../audit/service.js';
import { type ApprovalRequest, verifyApproval } from '../staff/approval.js';
import { may } from '../staff/permissions.js';

/**
 * May this caller see full phone numbers? Roles with `member.phone.unmask` may; a cashier may
 * when a colleague who may approves with their PIN, which is audited with the members shown.
 * A wrong PIN or an approver who may not unmask is refused (and counts toward their lockout).
 */
export async function phonesVisibleWith(
  ctx: AppContext,
  principal: Principal | null,
  approval: ApprovalRequest | null | undefined,
  memberIds: () => string[],
): Promise<boolean> {
  if (!principal) return false;
  if (may(actorOf(principal), 'member.phone.unmask')) return true;
  if (principal.kind !== 'staff' || !approval?.username || !approval.pin) return false;
  const approver = await verifyApproval(ctx, approval, 'member.phone.unmask', principal.deviceId);
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

/** Over HTTP the approval comes in the Hanger-Approval-User and Hanger-Approval-Pin headers. */
export function phonesVisible(
  ctx: AppContext,
  principal: Principal | null,
  req: Request,
  memberIds: () => string[],
): Promise<boolean> {
  const username = req.get('hanger-approval-user');
  const pin = req.get('hanger-approval-pin');
  return phonesVisibleWith(ctx, principal, username && pin ? { username, pin } : null, memberIds);
}
