import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';

/**
 * A commit's WAL frames written in a few writes (`wal-batch.c`, a SQLite VFS shim). SQLite writes a
 * WAL frame as two write() calls, its header and its page; a sale at chain size commits ~100
 * pages, and on the machines here those 200 system calls took ~0.8 ms, three quarters of the
 * commit's time on disk (fsync included). With the shim the writer's commit reaches the WAL in a
 * few writes (of up to 120 KiB) and is then fsynced exactly as before: as durable, the same
 * bytes at the same places.
 *
 * `npm install` builds it (`scripts/build-wal-batch.ts`) where a C compiler is; without one, or
 * on a system whose SQLite it cannot wrap, the server writes the WAL as SQLite does by itself.
 */
export const WAL_BATCH_LIBRARY = fileURLToPath(new URL('../../../build/wal-batch.so', import.meta.url));

export type WalBatchState = { loaded: true } | { loaded: false; why: string };

let state: WalBatchState | null = null;

/**
 * Loads the shim once per process, before the first database is opened: it becomes SQLite's
 * default VFS, so every connection opened afterwards goes through it (and all but the writer's
 * WAL are passed through untouched).
 */
export function loadWalBatch(): WalBatchState {
  if (state) return state;
  if (!existsSync(WAL_BATCH_LIBRARY)) {
    state = { loaded: false, why: `${WAL_BATCH_LIBRARY} was not built (no C compiler at npm install)` };
    return state;
  }
  const loader = new BetterSqlite3(':memory:');
  try {
    loader.loadExtension(WAL_BATCH_LIBRARY);
    state = { loaded: true };
  } catch (error) {
    state = { loaded: false, why: (error as Error).message };
  } finally {
    loader.close();
  }
  return state;
}

/**
 * Asks for `writer`'s WAL writes to be gathered per commit. Only for a connection with
 * `synchronous = FULL`: SQLite then syncs a commit's frames before other connections may read
 * them, and the shim writes what it gathered at that sync. Whether it took effect.
 */
export function batchWalWrites(writer: BetterSqlite3.Database): boolean {
  if (!loadWalBatch().loaded) return false;
  if (writer.pragma('synchronous', { simple: true }) !== 2)
    throw new Error('WAL writes are gathered only for a connection with synchronous = FULL');
  return Number(writer.pragma('hanger_wal_batch = 1', { simple: true })) === 1;
}
