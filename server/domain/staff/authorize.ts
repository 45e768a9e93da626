import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { actorOf, type Principal } from '../../protocol/roles.js';
import { type ApprovalRequest, type Approver, verifyApproval } from './approval.js';
import { HEAD_OFFICE_PERMISSIONS, may, type Permission } from './permissions.js';

/**
 * May this principal do this? If not, a signed-in staff member may bring the PIN of a
 * colleague who may (manager approval); the approver comes back so the action can audit both.
 */
export async function authorizeAction(
  ctx: AppContext,
  principal: Principal,
  permission: Permission,
  approval: ApprovalRequest | null,
): Promise<Approver | null> {
  if (principal.kind === 'staff' && !principal.headOffice && HEAD_OFFICE_PERMISSIONS.has(permission)) {
    throw new ApiError('forbidden', `Head office manages this for the whole chain (${permission}).`, {
      permission: 'head office only',
    });
  }
  if (may(actorOf(principal), permission)) return null;
  if (principal.kind !== 'staff' || !approval) {
    throw new ApiError('forbidden', `Your role (${actorOf(principal)}) may not do this (${permission}).`);
  }
  return verifyApproval(ctx, approval, permission, principal.deviceId);
}
