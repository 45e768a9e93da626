/** Who works in the shop. */
export const STAFF_ROLES = ['owner', 'manager', 'cashier'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** What kind of machine a paired device is. */
export const DEVICE_KINDS = ['checkout', 'display', 'lookup', 'bridge'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Whoever is calling: a signed-in staff member, or a paired device with nobody signed in. */
export type Principal = StaffPrincipal | DevicePrincipal;

export interface StaffPrincipal {
  kind: 'staff';
  staffId: string;
  storeId: string;
  name: string;
  role: StaffRole;
  /**
   * Head office: staff of the chain's first store or chain-wide staff (owners always). In a
   * chain only they manage the catalogue, list prices, chain promotions and tiers. In a shop on
   * its own everyone is.
   */
  headOffice: boolean;
  sessionId: string;
  /** The terminal the staff member signed in on with a PIN, if any. */
  deviceId: string | null;
  expiresAt: string;
}

export interface DevicePrincipal {
  kind: 'device';
  deviceId: string;
  storeId: string;
  name: string;
  deviceKind: DeviceKind;
  /** For a display or bridge: the checkout terminal it belongs to. */
  terminalId: string | null;
}

/** The role a permission check looks at: the staff role or the device kind. */
export type Actor = StaffRole | DeviceKind;

export function actorOf(principal: Principal): Actor {
  return principal.kind === 'staff' ? principal.role : principal.deviceKind;
}
