import type { Logger } from 'pino';
import type { PrintJob, PrintJobState } from '../../server/protocol/printing.js';
import type { BridgeBus } from '../bus.js';
import type { Printer } from '../devices/printer.js';
import type { PrintQueue, QueueEntry } from './print-queue.js';

/** Which printer prints a job. */
export type Route = (job: PrintJob) => { printer: Printer } | null;

export interface RetryPolicy {
  firstMs: number;
  maxMs: number;
}

/**
 * Works through the print queue: one job at a time per printer, in arrival order. A printer
 * that cannot print (offline, no paper, cover open, no answer) holds its jobs and is tried
 * again with growing pauses; other printers carry on.
 */
export class Spooler {
  private running = false;
  private wakeUp: (() => void) | null = null;
  private loopDone: Promise<void> = Promise.resolve();
  /** Per printer: not before this time (ms), and the pause after the next failure. */
  private readonly backoff = new Map<string, { until: number; nextMs: number }>();

  private unlisten: (() => void) | null = null;

  constructor(
    private readonly queue: PrintQueue,
    private readonly route: Route,
    private readonly bus: BridgeBus,
    private readonly log: Logger,
    private readonly retry: RetryPolicy = { firstMs: 2000, maxMs: 30_000 },
  ) {}

  start(): void {
    this.running = true;
    // A printer seen back (its watch found it online) prints its held jobs now, not at the
    // end of a pause that may have grown to half a minute.
    this.unlisten = this.bus.on('device.status', ({ hardwareId, status }) => {
      if ((status === 'online' || status === 'paper_low') && this.backoff.delete(hardwareId)) this.wake();
    });
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unlisten?.();
    this.unlisten = null;
    this.wake();
    await this.loopDone;
  }

  /** Takes a job from the server. False when this job id was seen before. */
  submit(job: PrintJob): boolean {
    const entry = this.queue.add(job);
    if (!entry) return false;
    this.report(entry, 'queued');
    this.wake();
    return true;
  }

  /** Queues another copy of a job; false when the bridge does not have it. */
  reprint(jobId: string): boolean {
    const entry = this.queue.reprint(jobId);
    if (!entry) return false;
    this.report(entry, 'queued');
    this.wake();
    return true;
  }

  /** Try held jobs now (e.g. a person says the paper is in). */
  retryNow(): void {
    this.backoff.clear();
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeUp;
    this.wakeUp = null;
    wake?.();
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const now = Date.now();
      let soonest = Number.POSITIVE_INFINITY;
      let worked = false;
      const busy = new Set<string>();
      for (const entry of this.queue.pending()) {
        if (!this.running) break;
        const target = this.route(entry.job);
        if (!target) {
          this.finish(
            entry,
            'failed',
            `no ${entry.job.kind === 'labels' ? 'label or receipt' : 'receipt'} printer is configured`,
          );
          continue;
        }
        const id = target.printer.id;
        if (busy.has(id)) continue;
        busy.add(id);
        const wait = this.backoff.get(id);
        if (wait && wait.until > now) {
          soonest = Math.min(soonest, wait.until);
          continue;
        }
        worked = true;
        await this.attempt(entry, target.printer);
      }
      if (!this.running) break;
      if (worked) continue;
      await new Promise<void>((resolve) => {
        const timer = Number.isFinite(soonest)
          ? setTimeout(resolve, Math.max(0, soonest - Date.now()))
          : null;
        this.wakeUp = () => {
          if (timer) clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  private async attempt(entry: QueueEntry, printer: Printer): Promise<void> {
    let rendered: ReturnType<Printer['render']>;
    try {
      rendered = printer.render(entry.job);
    } catch (error) {
      this.finish(entry, 'failed', `could not lay the job out: ${(error as Error).message}`);
      return;
    }
    const attempts = entry.attempts + 1;
    const outcome = await printer.print(entry.key, rendered, () => {
      this.queue.update(entry.key, { state: 'printing', attempts });
      this.report(entry, 'printing');
    });
    if (outcome.ok) {
      this.backoff.delete(printer.id);
      this.finish(entry, 'printed');
      return;
    }
    if (!outcome.retry) {
      this.backoff.delete(printer.id);
      this.finish(entry, 'unknown', outcome.reason);
      return;
    }
    const previous = this.backoff.get(printer.id);
    const pause = previous ? Math.min(previous.nextMs, this.retry.maxMs) : this.retry.firstMs;
    this.backoff.set(printer.id, {
      until: Date.now() + pause,
      nextMs: Math.min(pause * 2, this.retry.maxMs),
    });
    const changed = entry.state !== 'held' || entry.reason !== outcome.reason;
    this.queue.update(entry.key, { state: 'held', attempts, reason: outcome.reason });
    if (changed) {
      this.log.warn({ jobId: entry.key, printer: printer.id, reason: outcome.reason }, 'print job held');
      this.report(entry, 'held', outcome.reason);
    }
  }

  private finish(entry: QueueEntry, state: 'printed' | 'unknown' | 'failed', reason?: string): void {
    this.queue.update(entry.key, {
      state,
      ...(reason !== undefined && { reason }),
      ...(state === 'printed' && { printedAt: new Date().toISOString() }),
    });
    if (state === 'printed') this.log.info({ jobId: entry.key }, 'printed');
    else this.log.error({ jobId: entry.key, reason }, `print job ${state}`);
    this.report(entry, state, reason);
  }

  private report(entry: QueueEntry, state: PrintJobState, reason?: string): void {
    this.bus.emit('print.state', {
      jobId: entry.job.jobId,
      state,
      attempts: this.queue.all().find((e) => e.key === entry.key)?.attempts ?? entry.attempts,
      ...(reason !== undefined && { reason }),
    });
  }
}
