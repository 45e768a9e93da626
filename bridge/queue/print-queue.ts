import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { PrintJob } from '../../server/protocol/printing.js';

/** As `PrintJobState`: `unknown` when the bytes may or may not have come out (a person decides). */
export type EntryState = 'queued' | 'held' | 'printing' | 'printed' | 'unknown' | 'failed';

/** One copy to print: a job as the server sent it, or a reprint of one. */
export interface QueueEntry {
  /** The job id, or `<jobId>~reprint-<n>` for the n-th extra copy. */
  key: string;
  job: PrintJob;
  state: EntryState;
  attempts: number;
  reason?: string;
  receivedAt: string;
  printedAt?: string;
}

interface QueueFile {
  version: 1;
  entries: QueueEntry[];
}

/** How many finished entries are kept for reprints and for recognising a job sent twice. */
export const KEEP_FINISHED = 300;

/**
 * The bridge's print queue, kept in one JSON file under the data folder. Every change is
 * written to a temporary file, fsynced and renamed over the old one, so the file is always
 * either the state before or after a change — never half of each — even on power loss.
 */
export class PrintQueue {
  private entries: QueueEntry[] = [];

  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Reads the file. A copy that was printing when the bridge stopped may or may not be on
   * paper: it becomes `unknown` (a person reprints if it is missing) rather than printing twice.
   */
  load(): { interrupted: QueueEntry[]; unreadable: string | null } {
    if (!existsSync(this.file)) return { interrupted: [], unreadable: null };
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as QueueFile;
      if (parsed.version !== 1 || !Array.isArray(parsed.entries)) throw new Error('not a print queue file');
      this.entries = parsed.entries;
    } catch (error) {
      const aside = `${this.file}.unreadable-${this.now().getTime()}`;
      renameSync(this.file, aside);
      this.entries = [];
      return { interrupted: [], unreadable: `${(error as Error).message}; kept as ${aside}` };
    }
    const interrupted = this.entries.filter((entry) => entry.state === 'printing');
    for (const entry of interrupted) {
      entry.state = 'unknown';
      entry.reason = 'the bridge stopped while this was printing; reprint it if it did not come out';
    }
    if (interrupted.length > 0) this.save();
    return { interrupted, unreadable: null };
  }

  knows(jobId: string): boolean {
    return this.entries.some((entry) => entry.job.jobId === jobId);
  }

  /** Adds a job the server sent; null when this job id was seen before (it is never printed twice). */
  add(job: PrintJob): QueueEntry | null {
    if (this.knows(job.jobId)) return null;
    const entry: QueueEntry = {
      key: job.jobId,
      job,
      state: 'queued',
      attempts: 0,
      receivedAt: this.now().toISOString(),
    };
    this.entries.push(entry);
    this.save();
    return entry;
  }

  /** Queues another copy of a job printed before; null when the bridge does not have that job. */
  reprint(jobId: string): QueueEntry | null {
    const original = this.entries.find((entry) => entry.key === jobId);
    if (!original) return null;
    const copies = this.entries.filter((entry) => entry.job.jobId === jobId).length;
    const entry: QueueEntry = {
      key: `${jobId}~reprint-${copies}`,
      job: { ...original.job, reprint: true },
      state: 'queued',
      attempts: 0,
      receivedAt: this.now().toISOString(),
    };
    this.entries.push(entry);
    this.save();
    return entry;
  }

  /** Entries still to print, oldest first. */
  pending(): QueueEntry[] {
    return this.entries.filter((entry) => entry.state === 'queued' || entry.state === 'held');
  }

  all(): readonly QueueEntry[] {
    return this.entries;
  }

  update(
    key: string,
    change: Partial<Pick<QueueEntry, 'state' | 'attempts' | 'reason' | 'printedAt'>>,
  ): void {
    const entry = this.entries.find((candidate) => candidate.key === key);
    if (!entry) return;
    Object.assign(entry, change);
    if (change.state === 'printed') delete entry.reason;
    this.save();
  }

  private save(): void {
    const finished = this.entries.filter((entry) => ['printed', 'unknown', 'failed'].includes(entry.state));
    if (finished.length > KEEP_FINISHED) {
      const drop = new Set(finished.slice(0, finished.length - KEEP_FINISHED));
      this.entries = this.entries.filter((entry) => !drop.has(entry));
    }
    const data: QueueFile = { version: 1, entries: this.entries };
    const temporary = `${this.file}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.file);
  }
}
