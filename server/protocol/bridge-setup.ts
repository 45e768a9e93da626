import type { ReceiptDocument, ReceiptLogo } from './receipt.js';

/** How the bridge reaches a device. A USB-CDC scanner appears as a serial port (/dev/ttyACM0). */
export type DeviceTransport =
  | { type: 'serial'; path: string; baudRate: number }
  | { type: 'usb'; vendorId: number; productId: number; serialNumber?: string | undefined }
  | { type: 'tcp'; host: string; port: number }
  | { type: 'virtual'; file?: string | undefined };

/**
 * One device a bridge drives, as config.json's `bridge.devices` lists it (the server checks it
 * with the same schema, `server/config/schema.ts`); the options each kind reads are named there.
 */
export interface BridgeDeviceSettings {
  id: string;
  kind: 'scanner' | 'printer' | 'display' | 'drawer';
  transport?: DeviceTransport | undefined;
  paperWidth?: 58 | 80 | undefined;
  framing?: 'line' | 'idle' | undefined;
  idleMs?: number | undefined;
  gapMs?: number | undefined;
  prefix?: string | undefined;
  suffix?: string | undefined;
  debounceMs?: number | undefined;
  charset?: 'gb18030' | 'gbk' | 'ascii' | undefined;
  language?: 'escpos' | 'tspl' | 'zpl' | undefined;
  emulation?: 'escpos' | 'star-line' | 'star-prnt' | undefined;
  qr?: 'native' | 'raster' | 'none' | undefined;
  logo?: number | undefined;
  cut?: boolean | undefined;
  mode?: 'text' | 'raster' | undefined;
  model?: string | undefined;
  codePage?: 'cp437' | 'cp850' | 'cp858' | 'cp866' | 'windows1252' | undefined;
  statusCheck?: boolean | undefined;
  label?: { widthMm: number; heightMm: number; gapMm: number } | undefined;
  commandSet?: 'epson' | 'cd5220' | undefined;
  greetAfterMs?: number | undefined;
  via?: string | undefined;
  pin?: 2 | 5 | undefined;
}

/** `bridge/setup`'s answer: what a bridge drives and prints with. */
export interface BridgeSetup {
  /** The bridge's own device id (events name it). */
  bridgeId: string;
  /** The devices saved on the admin page; null until the owner saves them (config.json's stand). */
  devices: BridgeDeviceSettings[] | null;
  /** The shop's logo for receipts. */
  logo: ReceiptLogo | null;
}

/** One paired bridge and its devices, as the admin page shows them (`GET /api/devices/bridges`). */
export interface BridgeHardwareView {
  bridgeId: string;
  name: string;
  terminalId: string | null;
  /** True when the devices were saved here; false while they are config.json's (as last reported). */
  saved: boolean;
  /** Whether the bridge has asked for its setup since the server started. */
  connected: boolean;
  devices: BridgeDeviceSettings[];
}

/** What a test on one device came to, as the bridge reports it. */
export interface HardwareTestResult {
  hardwareId: string;
  ok: boolean;
  /** `online` when the device answered and works (a printer: online with paper after the job), else why not. */
  answer: string;
}

/** A test print goes through the real path: the server's sample receipt, the bridge, the device. */
export interface HardwareTestRequest {
  bridgeId: string;
  requestId: string;
  hardwareId: string;
  /** What a receipt printer prints: the shop's real header, a sample line, its footer. */
  receipt: ReceiptDocument;
}
