import { EventEmitter } from 'node:events';
import type { HardwareStatus } from '../server/protocol/events.js';
import type { PrintJobState } from '../server/protocol/printing.js';

/** Everything the bridge's parts tell each other, by name, with its payload. */
export interface BridgeEvents {
  /** A hardware device's condition changed. */
  'device.status': { hardwareId: string; status: HardwareStatus; reason?: string };
  /** A scanner read a code. */
  scan: { hardwareId: string; code: string; symbology: string | null };
  /** A print job moved on. */
  'print.state': { jobId: string; state: PrintJobState; attempts?: number; reason?: string };
  /** The link to the server came up (with the terminal this bridge serves) or went down. */
  'server.up': { terminalId: string | null; deviceId: string };
  'server.down': { reason: string };
}

/** A typed event bus (after zigbee2mqtt's): parts publish what happened, others listen. */
export class BridgeBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<K extends keyof BridgeEvents>(type: K, data: BridgeEvents[K]): void {
    this.emitter.emit(type, data);
  }

  /** Returns the function that stops listening. */
  on<K extends keyof BridgeEvents>(type: K, listener: (data: BridgeEvents[K]) => void): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }
}
