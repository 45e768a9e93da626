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
}

export type EventType = keyof EventPayloads;

export interface StoreEvent<T extends EventType = EventType> {
  type: T;
  storeId: string;
  at: string;
  data: EventPayloads[T];
}
