import type { PoleView } from './pole.js';
import type { PrintJob, PrintJobState } from './printing.js';
import type { DeviceKind } from './roles.js';

/** What a hardware device managed by a bridge reports about itself. */
export type HardwareStatus = 'online' | 'offline' | 'paper_low' | 'paper_out' | 'cover_open' | 'error';

/** Every event the server publishes, by type, with its payload. */
export interface EventPayloads {
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
  /** A bridge kicks the drawer of its terminal. */
  'drawer.open': { terminalId: string; reason: string };
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
}

export type EventType = keyof EventPayloads;

export interface StoreEvent<T extends EventType = EventType> {
  type: T;
  storeId: string;
  at: string;
  data: EventPayloads[T];
}
