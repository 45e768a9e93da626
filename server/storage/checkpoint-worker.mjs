// SQLite's WAL copied back into the database file, on a thread of its own (see checkpoints.ts).
// Plain JavaScript, so the thread starts the same under tsx, the tests and node.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { file, everyMs, restartFrames, restartWaitMs, restartPauseMs } = workerData;
const db = new BetterSqlite3(file, { fileMustExist: true });
// How long a RESTART may wait, for the write lock and then for the readers of the old log.
// It holds the write lock while it waits for the readers: the tills' sales wait with it.
db.pragma(`busy_timeout = ${restartWaitMs}`);
let timer;
/** No RESTART before this time: the last one could not finish. */
let pausedUntil = 0;

function checkpoint() {
  try {
    // PASSIVE never waits and never blocks a writer or a reader: it copies what it can.
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    // Sales one after the other may never leave the WAL fully copied at the moment the next one
    // begins, which is when SQLite starts the WAL over; past this size make it start over.
    if (log >= restartFrames && Date.now() >= pausedUntil) {
      const [{ busy }] = db.pragma('wal_checkpoint(RESTART)');
      // A reader still on the old log (a long report, an export) or sales back to back kept it
      // from finishing. Trying again at once would hold the tills' sales up again.
      if (busy) pausedUntil = Date.now() + restartPauseMs;
    }
  } catch {
    // A passing fault: the next turn tries again (the writer's own checkpoint is the fallback
    // should this thread end).
  }
  timer = setTimeout(checkpoint, everyMs);
}

parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
checkpoint();
