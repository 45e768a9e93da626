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
  /** Receive the scans of the bridge bound to one's own checkout terminal. */
  'scan.receive': ['owner', 'manager', 'cashier', 'checkout'],
  /** Print another copy of a receipt the terminal's bridge printed. */
  'receipt.reprint': ['owner', 'manager', 'cashier'],
  'audit.read': ['owner'],
  'catalog.read': ['owner', 'manager', 'cashier', 'lookup'],
  /** Styles, SKUs, categories, colours, size groups, import (head office's in a chain). */
  'catalog.manage': ['owner', 'manager'],
  /** Price tags: preview and print them at the store's label printer. */
  'label.print': ['owner', 'manager'],
  /** Immediate and scheduled price changes, markdowns: the list price (head office's in a chain). */
  'price.change': ['owner', 'manager'],
  /** A chain store's own price of a style, and going back to the list price. */
  'price.store': ['owner', 'manager'],
  /** Stock movements, low-stock list, stocktakes. */
  'stock.read': ['owner', 'manager', 'cashier'],
  'stock.receive': ['owner', 'manager'],
  /** Adjustments with a reason, transfers, stocktake commit, the negative-stock policy. */
  'stock.adjust': ['owner', 'manager'],
  /** Scan and correct counts in an open stocktake. */
  'stocktake.count': ['owner', 'manager', 'cashier'],
  /** The shop's pictures (photos chosen for it) on the idle screens of the customer display and the lookup kiosk. */
  'showcase.read': ['owner', 'manager', 'display', 'lookup'],
  /** This week's promotions as customers read them (no priorities or limits), for the lookup kiosk's idle screen. */
  'promotion.showcase': ['owner', 'manager', 'display', 'lookup'],
  /** A join ticket for the QR code of the customer display or the lookup kiosk (members join from their own phone). */
  'member.join_ticket': ['display', 'lookup'],
  'member.self_lookup': ['lookup'],
  /** Self sign-up at the lookup kiosk, with consent. */
  'member.self_signup': ['lookup'],
  /** Leave stars and a comment at the lookup kiosk. */
  'feedback.leave': ['lookup'],
  /** Read the customers' feedback. */
  'feedback.read': ['owner', 'manager'],
  'member.phone.unmask': ['owner', 'manager'],
  /** Find members, see one member's profile, ledgers and coupons (phones masked without unmask). */
  'member.read': ['owner', 'manager', 'cashier'],
  /** Register members, change profiles, set a member's first PIN (or change it with the old one). */
  'member.manage': ['owner', 'manager', 'cashier'],
  /** Change or remove a member's PIN without the old one (a cashier brings a manager's approval). */
  'member.pin.reset': ['owner', 'manager'],
  'member.topup': ['owner', 'manager', 'cashier'],
  /** Pay from a member's stored value outside a sale. */
  'stored_value.spend': ['owner', 'manager', 'cashier'],
  'stored_value.refund': ['owner', 'manager'],
  'points.adjust': ['owner', 'manager'],
  'member.merge': ['owner', 'manager'],
  /** Add or remove a tag on many members at once (the member list's bulk tag). */
  'member.bulk_tag': ['owner', 'manager'],
  /** Erase a member and export everything held about one member (privacy requests). */
  'member.erase': ['owner'],
  'member.import': ['owner'],
  'coupon.manage': ['owner', 'manager'],
  /** The redemption catalogue: gifts, their points price, stock and active flag. */
  'gift.manage': ['owner', 'manager'],
  /** Redeem a member's points for a gift at the counter. */
  'gift.redeem': ['owner', 'manager', 'cashier'],
  /** Take a redeemed gift back: points and stock return. */
  'gift.return': ['owner', 'manager'],
  /** Points expiring soon, stored-value liability, the ledger check. */
  'loyalty.report': ['owner', 'manager'],
  /** Tiers, earn, expiry, top-up bonus and review rules; running the loyalty jobs. */
  'loyalty.settings': ['owner'],
  /** Mobile payment on or off, the merchant's WeChat Pay and Alipay keys, testing them. */
  'payments.setup': ['owner'],
  /** 对账: the day's mobile payments against the providers' statements. */
  'payments.reconcile': ['owner', 'manager'],
  /** Quote and complete sales, return within the window with the receipt, exchange. */
  'sale.create': ['owner', 'manager', 'cashier'],
  /** See a terminal's cart: the staff at it and its customer display. */
  'cart.view': ['owner', 'manager', 'cashier', 'display'],
  /** Open and close a shift, take cash in or pay out. */
  'shift.manage': ['owner', 'manager', 'cashier'],
  /** X reports of a terminal's shift. */
  'shift.read': ['owner', 'manager', 'cashier'],
  /** Day-end Z reports of the store. */
  'report.day': ['owner', 'manager'],
  /** Sales, stock, member, promotion and coupon reports over a date range, with exports. */
  'report.read': ['owner', 'manager'],
  /** Save and delete member segments. */
  'segment.manage': ['owner', 'manager'],
  /** Campaign gateways, sending campaigns and their send logs (with phone numbers). */
  'marketing.manage': ['owner'],
  /** Find sales by id, receipt number or member; read promotions and the sales settings. */
  'sale.read': ['owner', 'manager', 'cashier'],
  /** Promotions and the sales settings (return window, cashier discount limit, 抹零). */
  'promotion.manage': ['owner', 'manager'],
  /** The checkout exception log. */
  'exception.read': ['owner'],
  'sale.refund': ['owner', 'manager'],
  'sale.void': ['owner', 'manager'],
  'price.override': ['owner', 'manager'],
  'discount.beyond_limit': ['owner', 'manager'],
  'data.export': ['owner'],
  /** List the database backups and make one now. */
  'backup.manage': ['owner'],
  /** Open the cash drawer without a sale ("no sale"). */
  'drawer.open': ['owner', 'manager'],
  /** The store's name and time zone (config.json, written by the admin page). */
  'store.settings': ['owner'],
} as const satisfies Record<string, readonly Actor[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * What head office alone does in a chain, whatever the role at a store: the one catalogue every
 * store sells from, its list prices and the tiers. (Chain promotions are head office's too;
 * a store manager keeps the store's own promotions, see `sales/promotions.ts`.)
 */
export const HEAD_OFFICE_PERMISSIONS: ReadonlySet<Permission> = new Set([
  'catalog.manage',
  'price.change',
  'loyalty.settings',
]);

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export function may(actor: Actor, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Actor[]).includes(actor);
}
