import pg from 'pg';
import type { AppContext, StoreLink } from '../../context.js';
import type { ChainLinkStatus } from '../../protocol/chain-link.js';
import type { Storage } from '../../storage/database.js';
import { storageFaultMessage } from '../../storage/faults.js';
import { MIGRATIONS } from '../../storage/migrations/index.js';
import { migrate } from '../../storage/migrator.js';
import { pruneChangeLog } from './change-log.js';
import { copiedAt, forgetSnapshot, openLocalCopy, refreshLocalCopy } from './local-copy.js';
import { heldRows, type QueueCounts, queueCounts } from './queue.js';
import { sendQueue } from './sync.js';

/** How often head office is asked, how long it may take to answer, how often the copy is taken. */
export interface LinkTimes {
  probeMs: number;
  timeoutMs: number;
  refreshMs: number;
  /** How often the store tells head office its state (`store_links`) while nothing changes. */
  reportMs: number;
}

/** How many of the rows head office refused the store reports for head office's page. */
const HELD_REPORTED = 50;

/** A link that stops answering is noticed within probe + timeout (2.5 s): the till sells on within 3 s. */
export const LINK_TIMES: LinkTimes = { probeMs: 1000, timeoutMs: 1500, refreshMs: 30_000, reportMs: 10_000 };

/**
 * A chain store's link to head office's PostgreSQL. While head office answers, the store works
 * on it and keeps a local copy of what selling needs (SQLite in the data folder), refreshed
 * every `refreshMs` by what head office changed (whole after the store sold from it). When head office does not answer within `timeoutMs` (refused, reset or
 * silent), the server's storage becomes the local copy: the tills sell on, each sale committed
 * there and queued in the same transaction. Once head office answers again the queue is sent,
 * oldest first and each exactly once, and only when it is empty does the store work on head
 * office again — so a sale is never in both places or in neither.
 */
export class ChainLink implements StoreLink {
  mode: ChainLinkStatus['mode'] = 'online';
  private local: Storage | null = null;
  private copied: string | null = null;
  private lastContact: string | null = null;
  private lastRefresh = 0;
  private lastReport = 0;
  private counts: QueueCounts = { waiting: 0, held: 0 };
  private announced = '';
  private probeClient: pg.Client | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly chain: Storage,
    private readonly url: string,
    private readonly times: LinkTimes = LINK_TIMES,
    /** Started on the local copy because head office did not answer at start (`start-offline.ts`). */
    startedOffline?: { local: Storage; copied: string },
  ) {
    if (startedOffline) {
      this.local = startedOffline.local;
      this.copied = startedOffline.copied;
      this.mode = 'offline';
      this.unmigrated = true;
    }
  }
  /** Head office's database was not migrated at start: done once it answers, before anything is sent. */
  private unmigrated = false;

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.ctx.storage = this.chain;
    void this.probeClient?.end().catch(() => undefined);
    await this.local?.close();
  }

  /** What the till and head office's page show. */
  async status(): Promise<ChainLinkStatus> {
    if (this.local) this.counts = await queueCounts(this.local.db);
    return { mode: this.mode, ...this.counts, lastContact: this.lastContact, copiedAt: this.copied };
  }

  /** The local copy, once opened (the rows held for a manager are read from it). */
  get localCopy(): Storage | null {
    return this.local;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = null;
        this.schedule(this.times.probeMs);
      });
    }, ms);
  }

  private async tick(): Promise<void> {
    try {
      if (!this.local) {
        this.local = await openLocalCopy(this.ctx.dataDir, this.ctx.now);
        this.copied = await copiedAt(this.local);
      }
      const local = this.local;
      if (!(await this.probe())) {
        await this.goOffline('head office did not answer');
        return;
      }
      this.lastContact = new Date().toISOString();
      if (this.unmigrated) {
        await migrate(this.chain, MIGRATIONS, this.ctx.now);
        this.unmigrated = false;
      }
      await sendQueue(this.ctx, this.chain, local);
      this.counts = await queueCounts(local.db);
      if (this.mode === 'offline' && this.counts.waiting === 0) await this.goOnline(local);
      if (
        this.mode === 'online' &&
        this.counts.waiting === 0 &&
        Date.now() - this.lastRefresh >= this.times.refreshMs
      ) {
        await refreshLocalCopy(this.chain, local, this.ctx.store.id, new Date());
        this.lastRefresh = Date.now();
        this.copied = await copiedAt(local);
        await pruneChangeLog(this.chain, this.ctx.now());
      }
      await this.report();
    } catch (error) {
      if (storageFaultMessage(error) !== null) await this.goOffline((error as Error).message);
      else this.ctx.log.error({ err: (error as Error).message }, 'chain link: unexpected failure');
    } finally {
      await this.announce();
    }
  }

  /**
   * One `select 1` on a connection of its own, bounded by `timeoutMs` however the link fails.
   * When the time is up, the answers already on the socket are read first (`setImmediate` runs
   * after the event loop's I/O): a store whose own process was busy past `timeoutMs` (a commit's
   * fsync under load) would otherwise see its timer before head office's answer, and sell
   * offline while head office answers.
   */
  private async probe(): Promise<boolean> {
    const bounded = <T>(work: Promise<T>) =>
      Promise.race([
        work,
        new Promise<never>((_, reject) =>
          setTimeout(
            () => setImmediate(() => reject(new Error('no answer'))).unref(),
            this.times.timeoutMs,
          ).unref(),
        ),
      ]);
    try {
      if (!this.probeClient) {
        const client = new pg.Client({
          connectionString: this.url,
          connectionTimeoutMillis: this.times.timeoutMs,
        });
        client.on('error', () => undefined);
        this.probeClient = client;
        await bounded(client.connect());
      }
      await bounded(this.probeClient.query('select 1'));
      return true;
    } catch {
      // Not awaited: ending a connection whose link stalled can wait as long as the link.
      void this.probeClient?.end().catch(() => undefined);
      this.probeClient = null;
      return false;
    }
  }

  private async goOffline(why: string): Promise<void> {
    if (this.mode === 'offline') return;
    if (!this.local || !this.copied) {
      this.ctx.log.error(
        { why },
        'head office is out of reach and there is no local copy yet: the tills cannot sell',
      );
      return;
    }
    await forgetSnapshot(this.local);
    this.ctx.storage = this.local;
    this.mode = 'offline';
    // A request still waiting on head office fails now, and the till's retry sells here.
    this.chain.cutConnections();
    this.ctx.log.warn(
      { why, copiedAt: this.copied },
      'head office is out of reach: selling from the local copy',
    );
  }

  /**
   * Back on head office, in the local copy's write turn: a sale still being written there
   * commits (and is queued) first, and the queue is checked empty in the same turn.
   */
  private async goOnline(local: Storage): Promise<void> {
    await local.write(async (trx) => {
      if ((await queueCounts(trx)).waiting > 0) return;
      this.ctx.storage = this.chain;
      this.mode = 'online';
      this.lastRefresh = 0;
    });
    if (this.mode === 'online')
      this.ctx.log.info('head office has every offline sale: selling on head office again');
  }

  /** Tells head office this store's state, when it changed or every `reportMs`. */
  private async report(): Promise<void> {
    const status = await this.status();
    const key = `${status.mode}/${status.waiting}/${status.held}`;
    if (key === this.reportedKey && Date.now() - this.lastReport < this.times.reportMs) return;
    const held = this.local && status.held > 0 ? await heldRows(this.local.db) : [];
    const row = {
      mode: status.mode,
      waiting: status.waiting,
      held: status.held,
      copied_at: status.copiedAt,
      reported_at: new Date().toISOString(),
      held_rows: JSON.stringify(held.slice(0, HELD_REPORTED)),
    };
    await this.chain.db
      .insertInto('store_links')
      .values({ store_id: this.ctx.store.id, ...row })
      .onConflict((oc) => oc.column('store_id').doUpdateSet(row))
      .execute();
    this.reportedKey = key;
    this.lastReport = Date.now();
  }
  private reportedKey = '';

  /** The till learns the mode and the count waiting as they change (`chain.link`). */
  private async announce(): Promise<void> {
    const status = await this.status().catch(() => null);
    if (!status) return;
    const key = `${status.mode}/${status.waiting}/${status.held}`;
    if (key === this.announced) return;
    this.announced = key;
    this.ctx.bus.publish('chain.link', this.ctx.store.id, status);
  }
}
