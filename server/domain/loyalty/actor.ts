import type { Principal } from '../../protocol/roles.js';
import type { Approver } from '../staff/approval.js';
import type { Actor } from './ledger-ref.js';

/** The ledger's and audit's view of who acted: the staff member, their approver, the device. */
export function actorOf(principal: Principal | null, approver: Approver | null = null): Actor {
  if (!principal) return { staffId: null };
  return principal.kind === 'staff'
    ? { staffId: principal.staffId, approverId: approver?.staffId ?? null, deviceId: principal.deviceId }
    : { staffId: null, deviceId: principal.deviceId };
}
