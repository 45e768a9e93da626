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
 */
export function checkpointApart(
  writer: BetterSqlite3.Database,
  file: string,
  { everyMs = 100, restartFrames = 16_000 } = {},
): () => Promise<void> {
  writer.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
    workerData: { file, everyMs, restartFrames },
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
