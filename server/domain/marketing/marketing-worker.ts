import type { AppContext } from '../../context.js';
import type { StoreEvent } from '../../protocol/events.js';
import { deliver, nextDueAt, onQueued } from './campaigns.js';
import { pullSmsFeedback } from './sms-feedback.js';
import { fireForMember, runTriggers } from './triggers.js';

export interface MarketingWorkerOptions {
  /** Longest wait between two looks at the outbox when nothing is due sooner (30 s). */
  pollMs?: number;
  /** After failed runs the wait doubles from `pollMs` up to this (10 minutes). */
  maxBackoffMs?: number;
  /** How often the automatic triggers are evaluated (an hour), and the first time after start (a minute). */
  triggersEveryMs?: number;
  firstTriggersMs?: number;
  /** How often an SMS provider is asked for delivery receipts and replies (a minute). */
  smsFeedbackEveryMs?: number;
}

/** The running worker of each store: tests reach the server's own to wait on it or stop it. */
const workers = new WeakMap<AppContext, MarketingWorker>();

const DEFAULTS: Required<MarketingWorkerOptions> = {
  pollMs: 30_000,
  maxBackoffMs: 600_000,
  triggersEveryMs: 3_600_000,
  firstTriggersMs: 60_000,
  smsFeedbackEveryMs: 60_000,
};

/**
 * The server's marketing worker: delivers the outbox on its own (at once when messages are
 * queued, when the next retry falls due, and every `pollMs`), evaluates the automatic triggers
 * every hour on the server's clock, asks an SMS provider for receipts and replies every minute, and reacts to tier upgrades and first purchases after they
 * committed. The constructor does no work; `stop()` waits for the message being sent and the
 * trigger being evaluated, and starts nothing new.
 */
export class MarketingWorker {
  private readonly options: Required<MarketingWorkerOptions>;
  private deliveryTimer: NodeJS.Timeout | null = null;
  private triggerTimer: NodeJS.Timeout | null = null;
  private feedbackTimer: NodeJS.Timeout | null = null;
  private delivering: Promise<void> | null = null;
  private again = false;
  private failures = 0;
  private work: Promise<unknown> = Promise.resolve();
  private unlisten: (() => void) | null = null;
  private started = false;
  private stopping = false;

  constructor(
    private readonly ctx: AppContext,
    options: MarketingWorkerOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    workers.set(this.ctx, this);
    onQueued(this.ctx, () => this.nudge());
    this.unlisten = this.ctx.bus.listen((event) => this.onEvent(event));
    this.scheduleDelivery(0);
    this.scheduleTriggers(this.options.firstTriggersMs);
    this.scheduleFeedback();
  }

  /** Messages were queued: deliver now (or right after the run in progress). */
  nudge(): void {
    if (this.delivering) this.again = true;
    else this.scheduleDelivery(0);
  }

  /** Resolves once the worker has stopped; the database may close after it. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.deliveryTimer) clearTimeout(this.deliveryTimer);
    if (this.triggerTimer) clearTimeout(this.triggerTimer);
    if (this.feedbackTimer) clearTimeout(this.feedbackTimer);
    this.deliveryTimer = null;
    this.triggerTimer = null;
    this.feedbackTimer = null;
    this.unlisten?.();
    onQueued(this.ctx, null);
    await this.delivering;
    await this.work;
    if (workers.get(this.ctx) === this) workers.delete(this.ctx);
  }

  private scheduleDelivery(ms: number): void {
    if (this.stopping) return;
    if (this.deliveryTimer) clearTimeout(this.deliveryTimer);
    this.deliveryTimer = setTimeout(() => void this.deliveryTick(), ms);
    this.deliveryTimer.unref();
  }

  private async deliveryTick(): Promise<void> {
    this.deliveryTimer = null;
    if (this.stopping || this.delivering) return;
    const { pollMs, maxBackoffMs } = this.options;
    let next = pollMs;
    this.delivering = (async () => {
      try {
        const result = await deliver(this.ctx, { batches: 1, shouldStop: () => this.stopping });
        this.failures = 0;
        if (result.more) {
          next = 0;
        } else if (!result.quiet) {
          // The next retry may fall due before the next look: wake for it.
          const due = await nextDueAt(this.ctx);
          if (due) next = Math.max(0, Math.min(pollMs, due.getTime() - this.ctx.now().getTime()));
        }
      } catch (error) {
        this.failures += 1;
        next = Math.min(maxBackoffMs, pollMs * 2 ** this.failures);
        this.ctx.log.error({ err: error, retryInMs: next }, 'campaign delivery failed');
      }
    })();
    await this.delivering;
    this.delivering = null;
    if (this.again) {
      this.again = false;
      next = 0;
    }
    this.scheduleDelivery(next);
  }

  private scheduleTriggers(ms: number): void {
    if (this.stopping) return;
    this.triggerTimer = setTimeout(() => {
      this.triggerTimer = null;
      void this.enqueue(() => runTriggers(this.ctx)).finally(() =>
        this.scheduleTriggers(this.options.triggersEveryMs),
      );
    }, ms);
    this.triggerTimer.unref();
  }

  /** Receipts and replies, one pull at a time after the other; a provider's error is logged. */
  private scheduleFeedback(): void {
    if (this.stopping) return;
    this.feedbackTimer = setTimeout(() => {
      this.feedbackTimer = null;
      void this.enqueue(() => pullSmsFeedback(this.ctx)).finally(() => this.scheduleFeedback());
    }, this.options.smsFeedbackEveryMs);
    this.feedbackTimer.unref();
  }

  /** Trigger work runs one piece at a time, in order; a failure is logged, never thrown. */
  private enqueue<T>(job: () => Promise<T>): Promise<T | undefined> {
    const run = this.work
      .then(() => (this.stopping ? undefined : job()))
      .catch((error: unknown) => {
        this.ctx.log.error({ err: error }, 'campaign triggers or SMS receipts failed');
        return undefined;
      });
    this.work = run;
    return run;
  }

  private onEvent(event: StoreEvent): void {
    if (event.storeId !== this.ctx.store.id || this.stopping) return;
    if (event.type === 'tier.changed') {
      const { memberId, reason } = event.data;
      if (reason === 'upgrade') void this.enqueue(() => fireForMember(this.ctx, 'tier_upgrade', memberId));
    } else if (event.type === 'sale.completed') {
      const { memberId, training } = event.data;
      if (memberId && !training) void this.enqueue(() => fireForMember(this.ctx, 'first_purchase', memberId));
    }
  }

  /** Settles the trigger work queued so far (tests wait on it after an event). */
  idle(): Promise<unknown> {
    return this.work;
  }
}

/** Starts a marketing worker for the store (tests choose its timings); the returned function stops it. */
export function startMarketingWorker(
  ctx: AppContext,
  options: MarketingWorkerOptions = {},
): () => Promise<void> {
  const worker = new MarketingWorker(ctx, options);
  worker.start();
  return () => worker.stop();
}

/** The running worker of a store, if any. */
export function marketingWorker(ctx: AppContext): MarketingWorker | undefined {
  return workers.get(ctx);
}
