import { may, type Permission } from '../domain/staff/permissions.js';
import { CHAIN_EVENTS } from '../events/relay.js';
import type { EventOf, EventType, StoreEvent } from '../protocol/events.js';
import { actorOf, type Principal } from '../protocol/roles.js';

interface Topic<K extends EventType> {
  /** Needed to subscribe at all. */
  permission: Permission;
  /** Narrows which events of the topic this principal receives. */
  sees?: (principal: Principal, event: EventOf<K>) => boolean;
}

/** The terminal a principal works at: a checkout device itself, or a staff member signed in on one. */
export function terminalOf(principal: Principal): string | null {
  if (principal.kind === 'staff') return principal.deviceId;
  return principal.deviceKind === 'checkout' ? principal.deviceId : principal.terminalId;
}

/** Events meant for one checkout terminal: its bridge, the terminal itself, staff signed in on it. */
function atTerminal(principal: Principal, event: StoreEvent): boolean {
  return terminalOf(principal) === (event.data as { terminalId?: unknown }).terminalId;
}

/** Who may subscribe to which event, and which of its events they see. */
export const TOPICS: { [K in EventType]: Topic<K> } = {
  'cart.changed': { permission: 'cart.view', sees: atTerminal },
  'cart.completed': { permission: 'cart.view', sees: atTerminal },
  'payment.qr': { permission: 'cart.view', sees: atTerminal },
  'shift.changed': {
    permission: 'shift.read',
    sees: (principal, event) => actorOf(principal) !== 'cashier' || atTerminal(principal, event),
  },
  'device.paired': { permission: 'device.manage' },
  'device.revoked': { permission: 'device.manage' },
  'device.status': {
    permission: 'device.status.read',
    sees: (principal, event) =>
      actorOf(principal) !== 'cashier' || terminalOf(principal) === event.data.terminalId,
  },
  'drawer.open': {
    permission: 'device.status.report',
    sees: (principal, event) => terminalOf(principal) === event.data.terminalId,
  },
  /** Meant for one bridge (or all, with null). */
  'bridge.setup': {
    permission: 'device.status.report',
    sees: (principal, event) =>
      principal.kind === 'device' &&
      (event.data.bridgeId === null || event.data.bridgeId === principal.deviceId),
  },
  'hardware.test': {
    permission: 'device.status.report',
    sees: (principal, event) => principal.kind === 'device' && event.data.bridgeId === principal.deviceId,
  },
  'staff.changed': { permission: 'staff.read' },
  'scanner.scan': { permission: 'scan.receive', sees: atTerminal },
  'print.job': { permission: 'device.status.report', sees: atTerminal },
  'print.reprint': { permission: 'device.status.report', sees: atTerminal },
  'print.status': {
    permission: 'device.status.read',
    sees: (principal, event) => actorOf(principal) !== 'cashier' || atTerminal(principal, event),
  },
  'pole.show': { permission: 'device.status.report', sees: atTerminal },
  'stock.changed': { permission: 'catalog.read' },
  'stock.low': { permission: 'stock.receive' },
  'import.progress': { permission: 'catalog.manage' },
  'member.changed': { permission: 'member.read' },
  'tier.changed': { permission: 'member.read' },
  /** Sales: owner and manager see all; a cashier, a terminal and its display only their own terminal's. */
  'sale.completed': { permission: 'sale.read', sees: saleAtTerminal },
  'sale.returned': { permission: 'sale.read', sees: saleAtTerminal },
  'sale.voided': { permission: 'sale.read', sees: saleAtTerminal },
  'sale.exception': { permission: 'exception.read' },
  'chain.link': { permission: 'sale.read' },
};

function saleAtTerminal(principal: Principal, event: StoreEvent): boolean {
  const role = actorOf(principal);
  return role === 'owner' || role === 'manager' || atTerminal(principal, event);
}

export function isTopic(value: unknown): value is EventType {
  return typeof value === 'string' && Object.hasOwn(TOPICS, value);
}

export function receives<K extends EventType>(principal: Principal, event: EventOf<K>): boolean {
  const topic = TOPICS[event.type];
  // Members, tiers and the stock a kiosk shows for every store belong to the whole chain.
  const mine = event.storeId === principal.storeId || CHAIN_EVENTS.has(event.type);
  if (!mine || !may(actorOf(principal), topic.permission)) return false;
  return topic.sees ? topic.sees(principal, event) : true;
}
