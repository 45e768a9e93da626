import type { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { BridgeBus } from '../bus.js';
import type { SerialLinkEvents } from '../transports/serial.js';
import { decodeScan, ScanFramer, type ScanFraming } from './scan-framing.js';
import { StatusReporter } from './status.js';

/** Where a scanner's bytes come from: a kept-open serial port, or stdin for the virtual one. */
export interface ScanSource extends EventEmitter<SerialLinkEvents> {
  start(): void;
  stop(): Promise<void>;
}

export interface ScannerSettings extends ScanFraming {
  /** The same code again within this time counts once (a scanner that double-reads). */
  debounceMs: number;
}

/**
 * A barcode scanner: frames its bytes, cleans each scan up and publishes it on the bus.
 * Rubbish (wrong baud rate, binary noise, endless lines) is reported as status `error` with a
 * reason and dropped; the next good scan brings it back to `online`.
 */
export class Scanner {
  private readonly status: StatusReporter;
  private readonly framer: ScanFramer;
  private last: { code: string; at: number } | null = null;
  private readonly listeners: Array<() => void> = [];

  constructor(
    readonly id: string,
    private readonly source: ScanSource,
    private readonly settings: ScannerSettings,
    private readonly bus: BridgeBus,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.status = new StatusReporter(id, bus);
    this.framer = new ScanFramer(
      settings,
      (frame) => this.frame(frame),
      (length) =>
        this.problem(
          `a ${length}-character line was ignored — no barcode is that long; check the scanner's terminator (${this.ending()}) or framing`,
        ),
      (length) =>
        this.problem(
          `${length} characters without a line ending were dropped — noise on the line, or a scanner that ends its codes without ${this.ending()} (set its terminator, or use idle framing)`,
        ),
    );
  }

  /** The terminator the scanner is set to, as its errors name it. */
  private ending(): string {
    return this.settings.terminator === 'tab' ? 'Tab' : 'CR/LF';
  }

  start(): void {
    const onUp = () => this.status.set('online');
    const onDown = (reason: string) => {
      this.framer.stop();
      this.status.set('offline', reason);
    };
    const onData = (chunk: Buffer) => this.framer.push(chunk);
    this.source.on('up', onUp);
    this.source.on('down', onDown);
    this.source.on('data', onData);
    this.listeners.push(
      () => this.source.off('up', onUp),
      () => this.source.off('down', onDown),
      () => this.source.off('data', onData),
    );
    this.source.start();
  }

  async stop(): Promise<void> {
    for (const stop of this.listeners.splice(0)) stop();
    this.framer.stop();
    await this.source.stop();
  }

  private frame(frame: Buffer): void {
    const decoded = decodeScan(frame, this.settings);
    if (!decoded.ok) {
      this.problem(decoded.reason);
      return;
    }
    const at = this.now();
    if (this.last && this.last.code === decoded.code && at - this.last.at < this.settings.debounceMs) {
      this.last.at = at;
      return;
    }
    this.last = { code: decoded.code, at };
    this.status.set('online');
    this.bus.emit('scan', { hardwareId: this.id, code: decoded.code, symbology: decoded.symbology });
  }

  private problem(reason: string): void {
    this.log.warn({ hardwareId: this.id, reason }, 'scanner sent something that is not a scan');
    this.status.set('error', reason);
  }
}
