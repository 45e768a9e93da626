import type { Logger } from 'pino';
import type { PrintJob } from '../../server/protocol/printing.js';
import type { BridgeBus } from '../bus.js';
import {
  drawerPulse,
  ESCPOS,
  isStatusByte,
  type PrinterCondition,
  readCondition,
} from '../receipt/escpos.js';
import { type PrinterProfile, type Rendered, renderJob } from '../receipt/render.js';
import { starDrawerPulse } from '../receipt/star.js';
import { STAR_ETB, STAR_STATUS_REQUEST, type StarStatus, takeFrames } from '../receipt/star-status.js';
import { readTsplStatus, TSPL_STATUS_QUERY } from '../receipt/tspl-status.js';
import { type Channel, type Connector, DeviceError } from '../transports/channel.js';
import { StatusReporter } from './status.js';

export interface PrinterSettings {
  profile: PrinterProfile;
  /** Ask DLE EOT (Star: ESC ACK SOH) before each job; off for printers that cannot answer (one-way cables). */
  statusCheck: boolean;
  /** How long to wait for the answer to DLE EOT. */
  statusTimeoutMs: number;
  /** Look at an idle printer this often, so "offline" and "back" show without a job. */
  probeEveryMs: number;
  /** Look this often at a printer that cannot print, so held jobs go out as soon as it is back. */
  recheckMs: number;
}

export type PrintOutcome =
  /** The printer confirmed it: after the job it answered its status, online and with paper. */
  | { ok: true }
  /** Nothing reached the paper; try again later. */
  | { ok: false; retry: true; reason: string }
  /** Bytes may or may not have reached the paper; never retried by itself (a person may reprint). */
  | { ok: false; retry: false; reason: string };

/** How many status timeouts a Star may take to print a job and move its ETB counter on. */
const STAR_PRINT_WAITS = 5;
/** The pause between two ESC ACK SOH while a Star is still printing. */
const STAR_POLL_MS = 100;

/** What the connector may also do: the virtual printer keeps a text rendering beside its bytes. */
interface Previewing {
  writePreview(jobId: string, text: string): Promise<void>;
}
const previews = (connector: Connector): connector is Connector & Previewing =>
  typeof (connector as Partial<Previewing>).writePreview === 'function';

/**
 * A receipt or label printer. Every job opens the connection, reads the printer's condition
 * (DLE EOT), sends the bytes and closes again; one thing at a time per printer.
 */
export class Printer {
  private readonly status: StatusReporter;
  private lock: Promise<unknown> = Promise.resolve();
  private probeTimer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    readonly id: string,
    private readonly connector: Connector,
    readonly settings: PrinterSettings,
    bus: BridgeBus,
    private readonly log: Logger,
  ) {
    this.status = new StatusReporter(id, bus);
  }

  get language(): PrinterProfile['language'] {
    return this.settings.profile.language;
  }

  /** ESC/POS printers answer DLE EOT, TSPL ones <ESC>!?; a ZPL printer is judged by its connection. */
  private get asksStatus(): boolean {
    return this.language !== 'zpl';
  }

  /** A receipt printer switched to Star's own command set (Star Line Mode or StarPRNT). */
  private get star(): boolean {
    const emulation = this.settings.profile.emulation;
    return this.language === 'escpos' && (emulation === 'star-line' || emulation === 'star-prnt');
  }

  /** The pulse for a drawer on this printer's kick-out connector, in the printer's command set. */
  drawerPulse(pin: 2 | 5): Buffer {
    return this.star ? starDrawerPulse(pin) : drawerPulse(pin);
  }

  start(): void {
    this.running = true;
    void this.probe();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    await this.lock.catch(() => {});
  }

  render(job: PrintJob): Rendered {
    return renderJob(job, this.settings.profile);
  }

  /**
   * Prints rendered bytes. `committing` runs after the printer said it is ready and before the
   * first byte goes out: the queue records "printing" there, so a crash is never followed by
   * a silent second copy.
   */
  print(jobId: string, rendered: Rendered, committing: () => void): Promise<PrintOutcome> {
    return this.exclusive(async (): Promise<PrintOutcome> => {
      let channel: Channel;
      try {
        channel = await this.connector.open();
      } catch (error) {
        return this.unreachable(error);
      }
      try {
        let before: StarStatus | null = null;
        if (this.settings.statusCheck && this.asksStatus) {
          if (this.star) before = await this.starStatus(channel, this.settings.statusTimeoutMs);
          const condition = this.star ? (before?.condition ?? null) : await this.condition(channel);
          const blocked = this.judge(condition);
          if (blocked) return { ok: false, retry: true, reason: blocked };
        }
        committing();
        try {
          // A Star is sent ETB after the job: its ETB counter moves on once the job is on paper.
          await channel.write(this.star ? Buffer.concat([rendered.bytes, STAR_ETB]) : rendered.bytes);
        } catch (error) {
          const reason = `the connection broke while printing (${(error as Error).message}); check the paper and reprint if needed`;
          this.status.set('offline', reason);
          return { ok: false, retry: false, reason };
        }
        // A receipt printer is asked again after the job; a label printer was asked before it.
        if (this.settings.statusCheck && this.language === 'escpos') {
          const unconfirmed = this.star
            ? await this.starConfirm(channel, before)
            : await this.confirm(channel);
          if (unconfirmed) return { ok: false, retry: false, reason: unconfirmed };
        } else if (!this.settings.statusCheck || !this.asksStatus) this.status.set('online');
        if (previews(this.connector)) await this.connector.writePreview(jobId, rendered.text).catch(() => {});
        return { ok: true };
      } finally {
        await channel.close().catch(() => {});
      }
    }).finally(() => this.rearm());
  }

  /**
   * Asks DLE EOT again once the job's bytes are out: only a printer that answers, online and
   * with paper, has taken the whole job. No answer (a printer that dropped the connection
   * after the first status query) or a fault means the receipt may or may not be on paper.
   */
  private async confirm(channel: Channel): Promise<string | null> {
    const after = await this.condition(channel).catch(() => null);
    const blocked = this.judge(after);
    if (!blocked) return null;
    const why = after ? blocked : 'no status answer after it';
    return `the printer did not confirm the job (${why}); reprint it if it is not on paper`;
  }

  /**
   * Star: the job is on paper when the ETB counter has moved on by one from where it stood
   * before the job — the printer adds one only after everything in front of the ETB has printed.
   * Asks ESC ACK SOH until then (a printer with ASB on also sends the frame by itself), for up to
   * STAR_PRINT_WAITS status timeouts, printing included. A fault on the way, no answer, or a
   * counter that never moves means the receipt may or may not be on paper. A printer whose frames
   * carry no counter (shorter than eight bytes) is judged as DLE EOT is: answered and fine.
   */
  private async starConfirm(channel: Channel, before: StarStatus | null): Promise<string | null> {
    const deadline = Date.now() + this.settings.statusTimeoutMs * STAR_PRINT_WAITS;
    let why = 'no status answer after it';
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const now = await this.starStatus(channel, Math.min(left, this.settings.statusTimeoutMs)).catch(
        () => null,
      );
      if (!now) break;
      const blocked = this.judge(now.condition);
      if (blocked) {
        why = blocked;
        break;
      }
      if (before?.etb == null || now.etb === null || now.etb === (before.etb + 1) % 32) return null;
      why = 'its ETB counter did not move on';
      await new Promise((resolve) => setTimeout(resolve, STAR_POLL_MS));
    }
    return `the printer did not confirm the job (${why}); reprint it if it is not on paper`;
  }

  /**
   * Star: asks ESC ACK SOH and reads until a whole ASB frame is in; the last one read says the
   * printer's state now. Null when none comes within `timeoutMs`.
   */
  private async starStatus(channel: Channel, timeoutMs: number): Promise<StarStatus | null> {
    await channel.write(STAR_STATUS_REQUEST);
    const deadline = Date.now() + timeoutMs;
    let pending: Buffer = Buffer.alloc(0);
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return null;
      const chunk = await channel.read(left);
      if (!chunk) return null;
      const { frames, rest } = takeFrames(Buffer.concat([pending, chunk]));
      pending = rest;
      const last = frames.at(-1);
      if (last) return last;
    }
  }

  /** Sends bytes without asking the paper (a drawer kick must work with the paper out). */
  send(bytes: Buffer): Promise<void> {
    return this.exclusive(async () => {
      let channel: Channel;
      try {
        channel = await this.connector.open();
      } catch (error) {
        this.unreachable(error);
        throw error;
      }
      try {
        await channel.write(bytes);
      } finally {
        await channel.close().catch(() => {});
      }
    });
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => {});
    return run;
  }

  private unreachable(error: unknown): { ok: false; retry: true; reason: string } {
    const reason = error instanceof Error ? error.message : String(error);
    this.status.set(error instanceof DeviceError ? error.status : 'offline', reason);
    return { ok: false, retry: true, reason };
  }

  /** DLE EOT 2 and 4 (TSPL: <ESC>!?, Star: ESC ACK SOH); null when the printer does not answer in time. */
  private async condition(channel: Channel): Promise<PrinterCondition | null> {
    if (this.star) return (await this.starStatus(channel, this.settings.statusTimeoutMs))?.condition ?? null;
    if (this.language === 'tspl') {
      await channel.write(TSPL_STATUS_QUERY);
      const answer = await channel.read(this.settings.statusTimeoutMs);
      const byte = answer?.at(-1);
      return byte === undefined ? null : readTsplStatus(byte);
    }
    const ask = async (request: Buffer): Promise<number | null> => {
      await channel.write(request);
      const deadline = Date.now() + this.settings.statusTimeoutMs;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0) return null;
        const chunk = await channel.read(left);
        if (!chunk) return null;
        const byte = [...chunk].reverse().find(isStatusByte);
        if (byte !== undefined) return byte;
      }
    };
    const offline = await ask(ESCPOS.statusOffline);
    if (offline === null) return null;
    const paper = await ask(ESCPOS.statusPaper);
    if (paper === null) return null;
    return readCondition(offline, paper);
  }

  /** Sets the status from the printer's answer; returns why it cannot print, if it cannot. */
  private judge(condition: PrinterCondition | null): string | null {
    if (!condition) {
      const request = this.language === 'tspl' ? '<ESC>!?' : this.star ? 'ESC ACK SOH' : 'DLE EOT';
      const reason = `${this.connector.description} did not answer the status request (${request}) within ${this.settings.statusTimeoutMs} ms; if it never can, set "statusCheck": false`;
      this.status.set('error', reason);
      return reason;
    }
    if (condition.coverOpen) {
      this.status.set('cover_open', 'the cover is open');
      return 'the printer cover is open';
    }
    if (condition.paperOut) {
      this.status.set('paper_out', 'out of paper');
      return 'the printer is out of paper';
    }
    if (condition.error) {
      const reason = 'the printer reports an error (cutter jam or overheated head?)';
      this.status.set('error', reason);
      return reason;
    }
    if (condition.paperLow) this.status.set('paper_low', 'paper is running low');
    else this.status.set('online');
    return null;
  }

  /** Looks at the printer now and then while idle. */
  private async probe(): Promise<void> {
    if (!this.running) return;
    try {
      await this.exclusive(async () => {
        let channel: Channel;
        try {
          channel = await this.connector.open();
        } catch (error) {
          this.unreachable(error);
          return;
        }
        try {
          if (this.settings.statusCheck && this.asksStatus) this.judge(await this.condition(channel));
          else this.status.set('online');
        } finally {
          await channel.close().catch(() => {});
        }
      });
    } catch (error) {
      this.log.warn({ hardwareId: this.id, err: (error as Error).message }, 'printer probe failed');
    }
    this.rearm();
  }

  /** Sets the next look: soon while the printer cannot print, seldom while it can. */
  private rearm(): void {
    if (!this.running) return;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    const fine = this.status.status === 'online' || this.status.status === 'paper_low';
    this.probeTimer = setTimeout(
      () => void this.probe(),
      fine ? this.settings.probeEveryMs : this.settings.recheckMs,
    );
  }
}
