import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';

/** What SQLite's own checkpoint does on commit by default: every 1000 pages of WAL. */
const WRITER_AUTOCHECKPOINT = 1000;

/**
 * SQLite's WAL checkpoints on a thread of their own. By default the commit that takes the WAL
 * past 1000 pages copies them all into the database file and fsyncs it, inside that sale's
 * request and on the event loop: a sale writes some 90 pages, so every eleventh sale paid for
 * ten (the p99), and the tills waited meanwhile. Here the writer never checkpoints and a
 * worker thread with a connection of its own copies the WAL back every `everyMs`, beside the
 * sales. Should that thread end, the writer checkpoints on commit again.
 *
 * Past `restartFrames` it makes the WAL start over (RESTART), which takes the write lock and
 * then waits for every reader of the old log to finish — holding the lock, so the sales wait
 * too. A reader that takes long (a big report, an export) would hold every till up; so the
 * RESTART waits at most `restartWaitMs`, and after one that a reader kept from finishing the
 * next is tried `restartPauseMs` later (PASSIVE copies go on meanwhile; the log grows until
 * that reader is done).
 */
export function checkpointApart(
  writer: BetterSqlite3.Database,
  file: string,
  { everyMs = 100, restartFrames = 16_000, restartWaitMs = 20, restartPauseMs = 1000 } = {},
): () => Promise<void> {
  writer.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
    workerData: { file, everyMs, restartFrames, restartWaitMs, restartPauseMs },
  });
  let stopping = false;
  const ended = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      if (!stopping && writer.open) writer.pragma(`wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT}`);
      resolve();
    });
  });
  // An error ends the thread ('exit' follows): nothing to answer, the writer takes over.
  worker.on('error', () => undefined);
  // The thread's timer alone must not keep the process alive.
  worker.unref();
  return async () => {
    stopping = true;
    // Held now: the process waits for the thread to close its connection before the writer's.
    worker.ref();
    worker.postMessage('stop');
    await ended;
  };
}
