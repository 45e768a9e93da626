import type { Actor } from '../../protocol/roles.js';

/**
 * The permission table: what each staff role and device kind may do. A cashier lacking a
 * permission can still act when a manager's PIN comes with the same request (approval).
 */
export const PERMISSIONS = {
  /** See who you are, sign out. */
  'session.self': ['owner', 'manager', 'cashier', 'checkout', 'display', 'lookup', 'bridge'],
  /** Sign a staff member in with a PIN: only a paired checkout terminal may ask. */
  'session.pin_login': ['checkout'],
  'staff.read': ['owner', 'manager'],
  'staff.manage': ['owner'],
  'device.manage': ['owner'],
  'device.status.read': ['owner', 'manager', 'cashier'],
  'device.status.report': ['bridge'],
  'audit.read': ['owner'],
  'catalog.read': ['owner', 'manager', 'cashier', 'lookup'],
  'member.self_lookup': ['lookup'],
  'member.phone.unmask': ['owner', 'manager'],
  'sale.refund': ['owner', 'manager'],
  'sale.void': ['owner', 'manager'],
  'price.override': ['owner', 'manager'],
  'discount.beyond_limit': ['owner', 'manager'],
  'data.export': ['owner'],
  /** Open the cash drawer without a sale ("no sale"). */
  'drawer.open': ['owner', 'manager'],
} as const satisfies Record<string, readonly Actor[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export function may(actor: Actor, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Actor[]).includes(actor);
}
