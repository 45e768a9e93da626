// SQLite's WAL copied back into the database file, on a thread of its own (see checkpoints.ts).
// Plain JavaScript, so the thread starts the same under tsx, the tests and node.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { file, everyMs, restartFrames } = workerData;
const db = new BetterSqlite3(file, { fileMustExist: true });
// A RESTART waits for the sale that holds the write lock to commit (milliseconds).
db.pragma('busy_timeout = 5000');
let timer;

function checkpoint() {
  try {
    // PASSIVE never waits and never blocks a writer or a reader: it copies what it can.
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
    // Sales one after the other may never leave the WAL fully copied at the moment the next one
    // begins, which is when SQLite starts the WAL over; past this size make it start over.
    if (log >= restartFrames) db.pragma('wal_checkpoint(RESTART)');
  } catch {
    // Busy or a passing fault: the next turn tries again (the writer's own checkpoint is the
    // fallback should this thread end).
  }
  timer = setTimeout(checkpoint, everyMs);
}

parentPort.on('message', () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
checkpoint();
