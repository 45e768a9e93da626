import BetterSqlite3 from 'better-sqlite3';
import { type Compilable, type CompiledQuery, Kysely, type SqliteDatabase, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';

export type Engine = 'sqlite' | 'postgres';

/** Raised when the database file cannot be opened; start-up stops and the file is left as it is. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/**
 * The store's database. `db` is for reads; every business action goes through `write`,
 * one transaction per action.
 */
export class Storage {
  readonly engine: Engine = 'sqlite';

  constructor(
    readonly db: Kysely<Database>,
    private readonly closeHandle: () => Promise<void>,
    /** The SQLite handle itself, for online backups and tests (null on PostgreSQL). */
    readonly sqlite: BetterSqlite3.Database | null = null,
  ) {}

  /**
   * Runs `action` in one write transaction (SQLite: BEGIN IMMEDIATE, so the write lock is
   * taken up front and two writers never deadlock). Use only `trx` inside: the connection
   * is held until the transaction ends.
   */
  write<T>(action: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (trx) => {
      await sql`begin immediate`.execute(trx);
      try {
        const result = await action(trx);
        await sql`commit`.execute(trx);
        return result;
      } catch (error) {
        // After some faults (disk full, I/O error) SQLite has rolled back already; the
        // caller must still see the fault itself, not "no transaction is active".
        await sql`rollback`.execute(trx).catch(() => undefined);
        throw error;
      }
    });
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
    handle.pragma('busy_timeout = 5000');
    handle.prepare('select count(*) from sqlite_master').get();
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot open the database ${file}: ${(error as Error).message}. ` +
        'The file was left untouched. Restore a backup or move the file aside, then start again.',
    );
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
  return new Storage(db, () => db.destroy(), handle);
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
