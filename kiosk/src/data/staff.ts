import type {
  NewStaff,
  StaffChanges,
  StaffList,
  StaffView as StaffMember,
} from '../../../server/protocol/staff.js';
import { type ApiAuth, call } from './http.js';

export type { NewStaff, StaffChanges, StaffView as StaffMember } from '../../../server/protocol/staff.js';

export async function listStaff(auth: ApiAuth): Promise<StaffMember[]> {
  return (await call<StaffList>(auth, 'GET', '/api/staff')).items;
}

export function addStaff(auth: ApiAuth, staff: NewStaff): Promise<StaffMember> {
  return call<StaffMember>(auth, 'POST', '/api/staff', { body: staff });
}

export function changeStaff(auth: ApiAuth, id: string, changes: StaffChanges): Promise<StaffMember> {
  return call<StaffMember>(auth, 'PATCH', `/api/staff/${encodeURIComponent(id)}`, { body: changes });
}

export function unlockStaff(auth: ApiAuth, id: string): Promise<StaffMember> {
  return call<StaffMember>(auth, 'POST', `/api/staff/${encodeURIComponent(id)}/unlock`);
}
