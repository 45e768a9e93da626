/** Staff as the admin page sees and changes them. */
import type { StaffRole } from './roles.js';

/** A staff member as the admin page sees them; never a hash. */
export interface StaffView {
  id: string;
  username: string;
  name: string;
  role: StaffRole;
  /** The code of the store the staff member was made at (and signs in at, unless chain-wide). */
  store: string;
  active: boolean;
  hasPin: boolean;
  lockedUntil: string | null;
  /** Head office: signs in at every store of the chain. */
  chainWide: boolean;
  createdAt: string;
}

/** `GET /api/staff`. */
export interface StaffList {
  items: StaffView[];
}

export interface NewStaff {
  username: string;
  name: string;
  role: StaffRole;
  password: string;
  pin?: string | undefined;
  /** Head-office staff: signs in at every store of the chain (owners always do). */
  chainWide?: boolean | undefined;
}

export interface StaffChanges {
  name?: string | undefined;
  role?: StaffRole | undefined;
  active?: boolean | undefined;
  /** Head office: signs in at every store of the chain (owners always do). */
  chainWide?: boolean | undefined;
  password?: string | undefined;
  /** A new PIN, or null to remove it. */
  pin?: string | null | undefined;
}
