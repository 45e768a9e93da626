import type { StaffRole } from '../../../server/protocol/roles.js';
import { type ApiAuth, call } from './http.js';

export interface StaffMember {
  id: string;
  username: string;
  name: string;
  role: StaffRole;
  active: boolean;
  hasPin: boolean;
  lockedUntil: string | null;
  createdAt: string;
}

export interface NewStaff {
  username: string;
  name: string;
  role: StaffRole;
  password: string;
  pin?: string;
}

export interface StaffChanges {
  name?: string;
  role?: StaffRole;
  active?: boolean;
  password?: string;
  /** null removes the PIN. */
  pin?: string | null;
}

export async function listStaff(auth: ApiAuth): Promise<StaffMember[]> {
  return (await call<{ items: StaffMember[] }>(auth, 'GET', '/api/staff')).items;
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
