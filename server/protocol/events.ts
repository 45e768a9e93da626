import type { HardwareTestRequest } from './bridge-setup.js';
import type { CartCompleted, CartView } from './cart.js';
import type { ChainLinkStatus } from './chain-link.js';
import type { QrPaymentEvent } from './payments.js';
import type { PoleView } from './pole.js';
import type { PrintJob, PrintJobState } from './printing.js';
import type { DeviceKind } from './roles.js';

/** What a hardware device managed by a bridge reports about itself. */
export type HardwareStatus = 'online' | 'offline' | 'paper_low' | 'paper_out' | 'cover_open' | 'error';

/** Every event the server publishes, by type, with its payload. */
export interface EventPayloads {
  /** A terminal's cart changed: the terminal and its customer display redraw it. */
  'cart.changed': { terminalId: string; cart: CartView };
  /** A terminal's cart was paid: the display shows the points earned and the change. */
  'cart.completed': CartCompleted;
  /** A till's QR payment got its code (the display shows it) or settled (the display drops it). */
  'payment.qr': QrPaymentEvent;
  /** A shift opened, took cash in or out, or closed. */
  'shift.changed': { terminalId: string; shiftId: string; status: 'open' | 'closed' };
  'device.paired': { deviceId: string; kind: DeviceKind; name: string };
  'device.revoked': { deviceId: string };
  'device.status': {
    /** The bridge that reported. */
    deviceId: string;
    /** The checkout terminal the bridge serves, if bound to one. */
    terminalId: string | null;
    /** The hardware's id in the bridge's configuration. */
    hardwareId: string;
    status: HardwareStatus;
    reason?: string;
  };
  /** A bridge kicks the drawer of its terminal, and says how it went (`drawer/opened` with `requestId`). */
  'drawer.open': { terminalId: string; reason: string; requestId: string };
  /** A bridge's devices or the shop's logo changed: the bridge asks `bridge/setup` again (null: every bridge). */
  'bridge.setup': { bridgeId: string | null };
  /** A bridge tests one of its devices and answers `hardware/tested` with `requestId`. */
  'hardware.test': HardwareTestRequest;
  'staff.changed': { staffId: string; active: boolean };
  /** A bridge's scanner read a code; it goes to the terminal the bridge is bound to. */
  'scanner.scan': {
    deviceId: string;
    terminalId: string;
    hardwareId: string;
    code: string;
    /** From the scanner's AIM identifier (e.g. "ean13", "code128", "qr"), when it sends one. */
    symbology: string | null;
  };
  /** A job for the bridge bound to `terminalId` to print (the job carries the terminal). */
  'print.job': PrintJob;
  /** Print another copy of a job the bridge has printed before. */
  'print.reprint': { terminalId: string; jobId: string };
  /** Where a print job is, reported by the bridge. */
  'print.status': {
    terminalId: string;
    deviceId: string;
    jobId: string;
    state: PrintJobState;
    reason?: string;
  };
  /** What the pole display of a terminal should show. */
  'pole.show': { terminalId: string; view: PoleView };
  /** A SKU's on-hand in this store changed (receipt, sale, return, adjustment, transfer, stocktake). */
  'stock.changed': { skuId: string; delta: number; onHand: number; kind: string; ref: string };
  /** A SKU fell to or below its low-stock threshold. */
  'stock.low': { skuId: string; barcode: string; styleCode: string; onHand: number; threshold: number };
  /** A catalogue import is under way: `done` of `total` rows in `phase`. */
  'import.progress': {
    importId: string;
    phase: 'reading' | 'checking' | 'writing' | 'done' | 'failed';
    done: number;
    total: number;
  };
  /** A member's profile or balances changed (never carries the phone). */
  'member.changed': {
    memberId: string;
    reason: string;
    points: number;
    storedValue: number;
    tierCode: string;
  };
  /** A member moved to another tier (upgrade after a sale, review downgrade, manual, import). */
  'tier.changed': { memberId: string; from: string | null; to: string; reason: string };
  /** A sale was committed (training sales too, flagged), at the terminal `terminalId`. */
  'sale.completed': {
    saleId: string;
    number: string;
    terminalId: string | null;
    staffId: string | null;
    memberId: string | null;
    total: number;
    training: boolean;
  };
  /** Goods of a sale came back (a return or the return half of an exchange). */
  'sale.returned': {
    returnId: string;
    saleId: string | null;
    number: string;
    terminalId: string | null;
    refundTotal: number;
  };
  /** A manager voided a sale. */
  'sale.voided': { saleId: string; number: string; terminalId: string | null };
  /** Something at the till went wrong or around the rules (negative stock, price change, failed payment). */
  'sale.exception': { id: string; kind: string; message: string; terminalId: string | null };
  /** A chain store's link to head office changed mode, or the number of offline sales waiting changed. */
  'chain.link': ChainLinkStatus;
}

export type EventType = keyof EventPayloads;

/** One event of the type T, as the bus publishes it and a subscriber receives it. */
export interface EventOf<T extends EventType> {
  type: T;
  storeId: string;
  at: string;
  data: EventPayloads[T];
}

/**
 * An event of one of the types T (any type by default): a union, so that checking `type`
 * tells the compiler what `data` holds, with no cast.
 */
export type StoreEvent<T extends EventType = EventType> = { [K in T]: EventOf<K> }[T];
