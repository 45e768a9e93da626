import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import {
  type Compilable,
  type CompiledQuery,
  Kysely,
  PostgresDialect,
  type SqliteDatabase,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

/** Raised when the database file cannot be opened; start-up stops and the file is left as it is. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/** What to undo in memory when the write transaction running now rolls back or is retried. */
const attempts = new AsyncLocalStorage<(() => void)[]>();

/**
 * Registers `undo` to run if the current write transaction does not commit (it failed, or
 * PostgreSQL will run it again after a serialisation conflict). Outside a transaction: nothing.
 */
export function onRollback(undo: () => void): void {
  attempts.getStore()?.push(undo);
}

/** PostgreSQL SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 30;
/** Tries after which a write waits to run alone in the chain (see `attempt`). */
const ALONE_AFTER = 3;
/** The chain's write lock, held shared by every write and exclusively by one that must run alone. */
const CHAIN_LOCK = 0x4847434c;
/** The first key of the stores' write locks ("HGWR"). */
const WRITE_LOCK_CLASS = 0x48475752;

/**
 * The store's database. `db` is for reads; every business action goes through `write`,
 * one transaction per action.
 */
export class Storage {
  constructor(
    readonly engine: Engine,
    readonly db: Kysely<Database>,
    private readonly closeHandle: () => Promise<void>,
    /** The SQLite handle itself, for online backups and tests (null on PostgreSQL). */
    readonly sqlite: BetterSqlite3.Database | null = null,
    /** The PostgreSQL pool (null on SQLite), for LISTEN/NOTIFY. */
    readonly pool: pg.Pool | null = null,
  ) {}

  /**
   * PostgreSQL: the advisory lock that one store's writes take in turn (set once the store
   * is known). Its sales number receipts and move its stock on the same rows, so they would
   * only fail each other as serialisation conflicts; waiting is cheaper. Stores still write
   * side by side, and what they share (members) stays safe by SERIALIZABLE.
   */
  private writeLock: number | null = null;

  /** Takes `storeId`'s write lock (PostgreSQL) around each of this server's write transactions. */
  serializeWritesOf(storeId: string): void {
    if (this.engine === 'postgres')
      this.writeLock = createHash('sha1').update(storeId).digest().readInt32BE(0);
  }

  /**
   * Runs `action` in one write transaction. SQLite: BEGIN IMMEDIATE, so the write lock is
   * taken up front and two writers never deadlock. PostgreSQL: SERIALIZABLE, and on a
   * serialisation failure or deadlock the whole action runs again (after a short random
   * wait; from the fourth try alone in the chain), so `action` must do nothing outside `trx`
   * that it cannot repeat — use `onRollback` for in-memory changes. Use only `trx` inside: the connection is held until
   * the transaction ends.
   */
  async write<T>(action: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(action, attempt > ALONE_AFTER);
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        if (this.engine !== 'postgres' || typeof code !== 'string' || !RETRYABLE.has(code)) throw error;
        if (attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
      }
    }
  }

  /**
   * One try. On PostgreSQL every write holds the chain's write lock shared, and its store's
   * lock; `alone` takes the chain's lock exclusively instead — it waits for the writes under
   * way anywhere in the chain and runs by itself, so a transaction that keeps losing
   * serialisation conflicts (to the other stores) gets through.
   */
  private attempt<T>(action: (trx: Kysely<Database>) => Promise<T>, alone: boolean): Promise<T> {
    const postgres = this.engine === 'postgres';
    const begin = postgres ? sql`begin isolation level serializable` : sql`begin immediate`;
    const undo: (() => void)[] = [];
    const store = this.writeLock;
    return this.db.connection().execute((trx) =>
      attempts.run(undo, async () => {
        // Before BEGIN, so that the transaction's snapshot is taken once the locks are held.
        if (store !== null) await sql`select pg_advisory_lock(${WRITE_LOCK_CLASS}, ${store})`.execute(trx);
        if (postgres) {
          await (alone
            ? sql`select pg_advisory_lock(${CHAIN_LOCK})`
            : sql`select pg_advisory_lock_shared(${CHAIN_LOCK})`
          ).execute(trx);
        }
        try {
          await begin.execute(trx);
          try {
            const result = await action(trx);
            await sql`commit`.execute(trx);
            return result;
          } catch (error) {
            // After some faults (disk full, I/O error) SQLite has rolled back already; the
            // caller must still see the fault itself, not "no transaction is active".
            await sql`rollback`.execute(trx).catch(() => undefined);
            for (const step of undo.reverse()) step();
            throw error;
          }
        } finally {
          if (postgres) {
            await (alone
              ? sql`select pg_advisory_unlock(${CHAIN_LOCK})`
              : sql`select pg_advisory_unlock_shared(${CHAIN_LOCK})`
            )
              .execute(trx)
              .catch(() => undefined);
          }
          if (store !== null)
            await sql`select pg_advisory_unlock(${WRITE_LOCK_CLASS}, ${store})`
              .execute(trx)
              .catch(() => undefined);
        }
      }),
    );
  }

  /**
   * Keeps SQLite's query planner statistics current: at start (`first`) every table that was
   * never analysed or has grown 25-fold since, at shutdown those this run used that have. It
   * reads whole indexes (a sample gave a store's one `store_id` value a thousand rows), so it
   * blocks for a while on a big file — once, when the tables have grown that much, and never
   * while the till is selling. PostgreSQL's autovacuum does this by itself. Statistics only make
   * queries faster, so a database that cannot be written just now keeps the ones it has.
   */
  optimize(first = false): void {
    try {
      this.sqlite?.pragma(first ? 'optimize = 0x10002' : 'optimize');
    } catch {
      // The next start tries again.
    }
  }

  close(): Promise<void> {
    return this.closeHandle();
  }
}

/** Opens (or creates) the SQLite database at `file`, durable settings on. */
export function openSqlite(file: string): Storage {
  let handle: BetterSqlite3.Database;
  try {
    handle = new BetterSqlite3(file);
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = FULL');
    handle.pragma('foreign_keys = ON');
    // Deleted and overwritten cells are zeroed, so an erased member's name leaves the file too.
    handle.pragma('secure_delete = ON');
    handle.pragma('busy_timeout = 5000');
    handle.prepare('select count(*) from sqlite_master').get();
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot open the database ${file}: ${(error as Error).message}. ` +
        'The file was left untouched. Restore a backup or move the file aside, then start again.',
    );
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  return new Storage('sqlite', db, () => db.destroy(), handle);
}

/** PostgreSQL type ids of bigint and numeric: counts and sums arrive as them; Hanger's are all safe integers. */
const INT8 = 20;
const NUMERIC = 1700;

/**
 * Connects to the PostgreSQL database at `url` (postgres://user:password@host:port/database).
 * Counts and sums come back as numbers, as on SQLite.
 */
export async function openPostgres(url: string, poolSize = 10): Promise<Storage> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((id: number, format?: string) =>
        id === INT8 || id === NUMERIC
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(id, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection the server dropped must not bring the whole process down.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseOpenError(
      `Cannot connect to the PostgreSQL database ${redactUrl(url)}: ${(error as Error).message}. ` +
        'Check HANGER_DATABASE_URL, that the server runs and that it accepts this user.',
    );
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return new Storage('postgres', db, () => db.destroy(), null, pool);
}

/** The URL with its password hidden, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Kysely asks better-sqlite3 to prepare every query anew, which costs more than running it.
 * Keep the most recently used statements, keyed by their SQL text.
 */
function withStatementCache(handle: BetterSqlite3.Database, size = 1000): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => handle.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = handle.prepare(text);
        if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

/**
 * A query on a hot path, built and compiled once per database and then run with new
 * parameters (in the order the built query takes them).
 */
export function hotQuery<Row>(build: (db: Kysely<Database>) => Compilable<Row>) {
  const compiled = new WeakMap<Kysely<Database>, CompiledQuery<Row>>();
  return async (db: Kysely<Database>, parameters: readonly unknown[]): Promise<Row | undefined> => {
    let query = compiled.get(db);
    if (!query) {
      query = build(db).compile();
      compiled.set(db, query);
    }
    const result = await db.executeQuery<Row>({ ...query, parameters });
    return result.rows[0];
  };
}
