import { LOCAL_ADDRESS } from '../../client-address.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { StaffRole } from '../../protocol/roles.js';
import { checkCredential } from './credentials.js';
import { may, type Permission } from './permissions.js';

/** The staff member who approved, with their PIN, an action the signed-in one may not do. */
export interface Approver {
  staffId: string;
  name: string;
  role: StaffRole;
}

export interface ApprovalRequest {
  username: string;
  pin: string;
  /** Where the PIN came from (`addressOf`); `LOCAL_ADDRESS` when not from a client. */
  address?: string;
}

export async function verifyApproval(
  ctx: AppContext,
  approval: ApprovalRequest,
  permission: Permission,
  deviceId: string | null = null,
): Promise<Approver> {
  if (!/^\d{4,6}$/.test(approval.pin) || approval.username.length > 40) {
    throw new ApiError('validation_failed', 'The approval PIN must be 4–6 digits.', {
      approval: 'malformed',
    });
  }
  const staff = await checkCredential(ctx, approval.username, approval.pin, 'pin', 'approval', {
    deviceId,
    address: approval.address ?? LOCAL_ADDRESS,
  });
  const role = staff.role as StaffRole;
  if (!may(role, permission)) {
    throw new ApiError('forbidden', `${staff.name} (${role}) may not approve this (${permission}).`);
  }
  return { staffId: staff.id, name: staff.name, role };
}
