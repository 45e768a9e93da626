import type { Request } from 'express';
import { addressOf } from '../../client-address.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import { type ApprovalRequest, type Approver, verifyApproval } from '../staff/approval.js';
import { may, type Permission } from '../staff/permissions.js';

/**
 * A manager's approval for what the cashier may not do alone inside a sale (a price override,
 * a discount beyond the limit, a late return): a colleague's username and PIN still to check,
 * or an approver already checked for that permission (e.g. by a WS command).
 */
export type Approval = ApprovalRequest | Approver | null;

/** The approval headers of an HTTP request, unchecked (null when there are none). */
export function approvalOf(req: Request): ApprovalRequest | null {
  const username = req.get('hanger-approval-user');
  const pin = req.get('hanger-approval-pin');
  return username && pin ? { username, pin, address: addressOf(req) } : null;
}

/**
 * Null when the staff member may do it alone; else the approver, checked for exactly this
 * permission. Checking a PIN is slow (scrypt) and writes: call it before the sale's transaction.
 */
export async function approvalFor(
  ctx: AppContext,
  staff: StaffPrincipal,
  permission: Permission,
  approval: Approval,
  why: string,
): Promise<Approver | null> {
  if (may(staff.role, permission)) return null;
  if (!approval) {
    throw new ApiError('forbidden', `${why} needs a manager's approval (${permission}).`, {
      approval: `required for ${permission}`,
    });
  }
  if ('staffId' in approval) {
    if (may(approval.role, permission)) return approval;
    throw new ApiError(
      'forbidden',
      `${approval.name} (${approval.role}) may not approve this (${permission}).`,
    );
  }
  return verifyApproval(ctx, approval, permission, staff.deviceId);
}

/** What a sale needs approved before its transaction: overrides and discounts beyond the limit. */
export interface SaleApprovals {
  approver: Approver | null;
  overrides: number[];
  bigDiscounts: number[];
}
