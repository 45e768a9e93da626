import { AsyncLocalStorage } from 'node:async_hooks';
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import { PendingAppends, queueAppends, REFERRERS_SQL, type Referrers, referrersOf } from './appends.js';
import { checkpointApart } from './checkpoints.js';
import { AnswerTimeoutError, fromDatabase, isConnectionLost } from './faults.js';
import { markTransaction } from './per-transaction.js';
import { ReadsApartDialect } from './reads-apart.js';
import type { Database } from './schema.js';
import { readDirectly, stopWritingDirectly, writeDirectly, writerConnection } from './sqlite-direct.js';
import { batchWalWrites, loadWalBatch } from './wal-batch/wal-batch.js';

export type Engine = 'sqlite' | 'postgres';

/** Raised when the database file cannot be opened; start-up stops and the file is left as it is. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/**
 * How a write transaction keeps itself right against other stores' on PostgreSQL:
 * - `serializable` (the default): SERIALIZABLE finds any interleaving that could be wrong and
 *   the action runs again. Safe without thought, but its predicate locks on index pages make
 *   stores that touch nothing in common fail each other (two sales inserting lines into the same
 *   index page), so a busy chain spends its time in retries.
 * - `row locks`: READ COMMITTED; the action locks the rows it shares with other stores before
 *   reading them (`lockMembers`) and the rest it needs is its store's alone (its stock rows and
 *   receipt counter, which this server's writes take turns on — see `Storage.turns`). For the
 *   actions every store runs all day: the sale.
 * SQLite has one writer at a time: both are the same there.
 */
export type Isolation = 'serializable' | 'row locks';

/** The write transactions running now at `row locks`, whose `lockMembers` take row locks. */
const lockingTransactions = new WeakSet<Kysely<Database>>();

/**
 * Locks the member rows `ids` (in one order, so two actions never deadlock on them) until the
 * transaction ends, for an action at `row locks` that is about to read and move their balances:
 * another store's action on the same member waits for this one and then reads what it wrote.
 * Elsewhere (SQLite, SERIALIZABLE) the transaction is kept right already and this does nothing.
 */
export async function lockMembers(trx: Kysely<Database>, ids: readonly string[]): Promise<void> {
  if (!lockingTransactions.has(trx) || ids.length === 0) return;
  await trx
    .selectFrom('members')
    .select('id')
    .where('id', 'in', [...new Set(ids)].sort())
    .orderBy('id')
    .forUpdate()
    .execute();
}

/**
 * Whether `trx` is a write transaction at `row locks`: a read there of the member rows an action
 * is about to move may take their locks itself (`FOR UPDATE`), as `lockMembers` would, in the
 * same round trip.
 */
export function locksRows(trx: Kysely<Database>): boolean {
  return lockingTransactions.has(trx);
}

/** PostgreSQL SQLSTATEs after which the whole transaction may simply run again. */
const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 30;

/**
 * A prepared statement (`PreparedStatements`) kept from before a table's columns changed: the
 * session that kept it is thrown away, and the action may run again on a new one.
 */
function isStalePrepared(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change');
}

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
    /** Where write transactions run: `db` itself, except on SQLite with its reads apart. */
    private readonly writer: Kysely<Database> = db,
    /**
     * A chain store's local copy (`server/domain/chain-link/`), sold from while head office is
     * out of reach: what is written here is queued for head office, and receipts take the
     * offline series.
     */
    readonly offlineCopy = false,
  ) {}

  /**
   * PostgreSQL: this store's writes take turns here, in the server (set once the store is
   * known; one server serves one store). Its sales number receipts on its own counter row and
   * move its own stock rows, so side by side they would only fail each other as serialisation
   * conflicts; waiting in the process is cheaper and holds no database session, so the wait
   * needs no lock timeout however long the store's queue. Nothing is locked for the whole
   * chain: what stores share (a member's balances, a coupon) is locked by the rows the action
   * writes, bounded by `lock_timeout`, and kept right by SERIALIZABLE.
   */
  private turns: Promise<void> | null = null;

  /** Makes this server's write transactions take turns (PostgreSQL; SQLite's BEGIN IMMEDIATE already does). */
  serializeWrites(): void {
    if (this.engine === 'postgres') this.turns ??= Promise.resolve();
  }

  /**
   * Runs `action` in one write transaction. SQLite: BEGIN IMMEDIATE, so the write lock is
   * taken up front and two writers never deadlock; actions that share their commit
   * (`WriteOptions`) and wait for the writer together share one transaction, each in a
   * savepoint of its own (`grouped`). PostgreSQL: SERIALIZABLE
   * (or READ COMMITTED with row locks, see `Isolation`), and on a serialisation failure or
   * deadlock the whole action runs again (after a short random wait). So `action` must do
   * nothing outside `trx` that it cannot repeat: what it keeps in memory belongs to the try (an
   * `Outbox` per try, `runAction`) and is left behind when the try is. Use
   * only `trx` inside: the connection is held until the transaction ends. Every wait is bounded
   * by the connection's limits (`STORE_LIMITS`).
   */
  async write<T>(
    action: (trx: Kysely<Database>) => Promise<T>,
    isolation: Isolation = 'serializable',
    { shareCommit = false }: WriteOptions = {},
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.attempt(action, isolation, shareCommit);
      } catch (error) {
        const code = String((error as { code?: unknown } | null)?.code);
        if (this.engine !== 'postgres' || !(RETRYABLE.has(code) || isStalePrepared(error))) throw error;
        if (attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
      }
    }
  }

  /** One try; on PostgreSQL in its store's turn when the store is known. */
  private async attempt<T>(
    action: (trx: Kysely<Database>) => Promise<T>,
    isolation: Isolation,
    shareCommit: boolean,
  ): Promise<T> {
    if (this.turns === null) return this.transaction(action, isolation, shareCommit);
    const before = this.turns;
    let done = () => {};
    this.turns = new Promise<void>((resolve) => {
      done = resolve;
    });
    await before;
    try {
      return await this.transaction(action, isolation, shareCommit);
    } finally {
      done();
    }
  }

  private transaction<T>(
    action: (trx: Kysely<Database>) => Promise<T>,
    isolation: Isolation,
    shareCommit: boolean,
  ): Promise<T> {
    if (this.engine === 'sqlite') return this.grouped(action, shareCommit);
    const locking = isolation === 'row locks';
    const begin = locking
      ? sql`begin isolation level read committed`
      : sql`begin isolation level serializable`;
    return this.writer.connection().execute(async (trx) => {
      markTransaction(trx, this);
      queueAppends(trx);
      if (locking) lockingTransactions.add(trx);
      await begin.execute(trx);
      try {
        const result = await action(trx);
        await sql`commit`.execute(trx);
        return result;
      } catch (error) {
        // A PostgreSQL connection that broke is thrown away with its session (and its locks).
        await sql`rollback`.execute(trx).catch(() => undefined);
        throw error;
      }
    });
  }

  /** SQLite: the write actions waiting for the writer (`grouped`), first come first. */
  private readonly waiting: WaitingAction[] = [];
  private draining = false;
  /** SQLite: where the writer keeps its statement journal now (`placeStatementJournal`). */
  private journalInMemory = false;

  /**
   * SQLite: runs `action` in a write transaction of its own, or, when it shares its commit
   * (`WriteOptions`), in one it may share with such actions waiting beside it (group commit).
   * Those that came while the writer was busy run one after the other in one
   * BEGIN IMMEDIATE … COMMIT, each but the first in a savepoint of its own: an action that
   * fails is rolled back alone and the others go on. Each answers only once the COMMIT holding
   * it is done — a refused one too, with its error — so every answer is as durable as before,
   * and a COMMIT that fails (a full disk) fails every action it held. Eight tills
   * selling at once share one fsync and the pages their sales have in common (each table's
   * last page) instead of writing them eight times.
   */
  private grouped<T>(action: (trx: Kysely<Database>) => Promise<T>, shares: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ action, shares, resolve: resolve as (value: unknown) => void, reject });
      if (this.draining) return;
      this.draining = true;
      // Once the requests read in this turn of the event loop have queued their actions.
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0) {
      await this.writer
        .connection()
        .execute((trx) => this.runGroup(trx))
        .catch((error: unknown) => {
          // The writer's connection itself failed: every action still waiting hears it.
          for (const each of this.waiting.splice(0)) each.reject(error);
        });
    }
    this.draining = false;
  }

  /**
   * One write transaction: the first waiting action, and while it and the next share their
   * commit, up to `GROUP_LIMIT` of them in all (`grouped`).
   */
  private async runGroup(trx: Kysely<Database>): Promise<void> {
    const group: { each: WaitingAction; result: unknown }[] = [];
    // Refused actions answer once the group's fate is known, like the others: a resend that
    // failed on the key of the sale before it must find that sale committed when it looks.
    const refused: { each: WaitingAction; error: unknown }[] = [];
    const failAll = async (error: unknown) => {
      // After some faults (disk full, I/O error) SQLite has rolled back already; each caller
      // must still see the fault itself, not "no transaction is active".
      await sql`rollback`.execute(trx).catch(() => undefined);
      for (const { each } of group) each.reject(error);
      // What refused them may have been the work rolled back now: they hear the fault too.
      for (const { each } of refused) each.reject(error);
    };
    try {
      this.placeStatementJournal((this.waiting[0] as WaitingAction).shares);
      await sql`begin immediate`.execute(trx);
    } catch (error) {
      (this.waiting.shift() as WaitingAction).reject(error);
      return;
    }
    writeDirectly(trx, this.writer);
    try {
      // The first waiting action (`drain` begins a group only for one), then the next ones while
      // they share their commit.
      do {
        const current = { each: this.waiting.shift() as WaitingAction, result: undefined as unknown };
        // The first action alone in the transaction needs no savepoint: if it fails, all goes.
        const alone = group.length === 0;
        group.push(current);
        if (!alone) await sql`savepoint action`.execute(trx);
        markTransaction(trx, this);
        try {
          current.result = await current.each.action(trx);
        } catch (error) {
          if (alone || this.sqlite?.inTransaction === false) throw error;
          // This action alone is undone; the ones before it stay.
          await sql`rollback to action`.execute(trx);
          await sql`release action`.execute(trx);
          group.pop();
          refused.push({ each: current.each, error });
          continue;
        }
        if (!alone) await sql`release action`.execute(trx);
      } while (group.length < GROUP_LIMIT && this.sharesNext(group[0]?.each));
      await sql`commit`.execute(trx);
    } catch (error) {
      await failAll(error);
      return;
    } finally {
      stopWritingDirectly(trx);
    }
    for (const { each, result } of group) each.resolve(result);
    for (const { each, error } of refused) each.reject(error);
  }

  /**
   * Inside a transaction SQLite keeps the pages a statement changes as they were before it (its
   * statement journal), so that the statement alone can be undone; past 64 KiB it moves them to
   * a temporary file. A sale's multi-row inserts pass that: every sale created, wrote and deleted
   * a file in the temporary folder (a tenth of its time in SQLite, by `perf`). The actions that
   * share their commit are a till's small ones (the sale, the checkout: some 90 pages each, a few
   * MiB for `GROUP_LIMIT` of them), so their journal stays in memory; every other action (a
   * migration or an import may change gigabytes) keeps SQLite's default, the file. SQLite takes
   * the setting only between transactions. It moves temporary tables too: the writer has none.
   */
  private placeStatementJournal(inMemory: boolean): void {
    if (this.journalInMemory === inMemory || !this.sqlite) return;
    this.sqlite.pragma(`temp_store = ${inMemory ? 'memory' : 'default'}`);
    this.journalInMemory = inMemory;
  }

  /** Whether the next waiting action may join a transaction `first` began. */
  private sharesNext(first: WaitingAction | undefined): boolean {
    return first?.shares === true && this.waiting[0]?.shares === true;
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
    const handle = this.sqlite;
    if (!handle) return;
    try {
      handle.transaction(() => {
        handle.pragma(first ? 'optimize = 0x10002' : 'optimize');
        dropValueSamples(handle);
      })();
    } catch {
      // The next start tries again.
    }
  }

  /**
   * PostgreSQL: breaks every connection to the database at once, so each request waiting on
   * one fails now (503, the till retries) instead of after the answer limit. For a link known
   * to be dead (`server/domain/chain-link/`); the pool makes new connections when asked.
   */
  cutConnections(): void {
    for (const client of openClients.get(this.pool as pg.Pool) ?? []) client.connection.stream.destroy();
  }

  close(): Promise<void> {
    return this.closeHandle();
  }
}

/** How `Storage.write` runs an action. */
export interface WriteOptions {
  /**
   * SQLite: the action may share its transaction's commit with other such actions that wait for
   * the writer at the same time, each in a savepoint (`Storage.grouped`) — for the actions many
   * tills run at once, the sale and the cart's checkout. Such an action reads only through its
   * `trx`: a read through `storage.db` would not see the actions committed with it.
   */
  shareCommit?: boolean;
}

/** A write action waiting for SQLite's writer (`Storage.grouped`). */
interface WaitingAction {
  action: (trx: Kysely<Database>) => Promise<unknown>;
  /** Whether it may share its transaction (`WriteOptions.shareCommit`). */
  shares: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The most actions one SQLite write transaction holds: the first waits for all of them to commit. */
const GROUP_LIMIT = 16;

/**
 * ANALYZE in this build of SQLite (STAT4) also samples each index's values into `sqlite_stat4`,
 * and a statement whose plan looked at a bound value against them is compiled again every time
 * that parameter is bound (`sqlite3_prepare_v2`): at chain size a sale's SKU, member and
 * points-lot reads were compiled anew on every sale. Plans from the per-index averages
 * (`sqlite_stat1`) alone do not depend on the values bound. Dropping the table is a schema
 * change, so every connection reads the statistics again before its next statement;
 * `analyze sqlite_schema` has this one forget the samples it holds (and makes the table again,
 * empty). An analysis under `analysis_limit` takes no samples either, but read the chain-size
 * shop's indexes in 58 s instead of 27.
 */
function dropValueSamples(handle: BetterSqlite3.Database): void {
  const sampled =
    handle.prepare("select 1 from sqlite_schema where name = 'sqlite_stat4'").get() !== undefined &&
    handle.prepare('select 1 from sqlite_stat4 limit 1').get() !== undefined;
  if (!sampled) return;
  handle.exec('drop table sqlite_stat4');
  handle.exec('analyze sqlite_schema');
}

/** Each PostgreSQL pool's connections, for `cutConnections`. */
const openClients = new WeakMap<pg.Pool, Set<pg.Client>>();

/**
 * The pages the writer keeps in its own memory, in KiB (SQLite's default is 2 MiB, 512 pages).
 * A sale at chain size walks some thirty B-trees — the member's row and six of its indexes, the
 * SKUs, stock, ledgers — and a page not kept is read again from the operating system's cache, a
 * system call each, or from the disk when that cache let it go. The memory is taken as pages are
 * read, so a small shop's stays small. Not the reader's: in WAL mode a connection drops all it
 * keeps whenever another one commits, and the writer commits with every sale.
 */
const PAGE_CACHE = -128 * 1024;

/** Opens (or creates) the SQLite database at `file`, durable settings on. */
export function openSqlite(file: string, { offlineCopy = false }: { offlineCopy?: boolean } = {}): Storage {
  let handle: BetterSqlite3.Database;
  // Before the first connection: the shim is the VFS of those opened after it.
  loadWalBatch();
  try {
    handle = new BetterSqlite3(file);
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = FULL');
    batchWalWrites(handle);
    handle.pragma('foreign_keys = ON');
    // Deleted and overwritten cells are zeroed, so an erased member's name leaves the file too.
    handle.pragma('secure_delete = ON');
    handle.pragma('busy_timeout = 5000');
    handle.pragma(`cache_size = ${PAGE_CACHE}`);
    handle.prepare('select count(*) from sqlite_master').get();
  } catch (error) {
    throw new DatabaseOpenError(
      `Cannot open the database ${file}: ${(error as Error).message}. ` +
        'The file was left untouched. Restore a backup or move the file aside, then start again.',
    );
  }
  const connection = withStatementCache(handle);
  const writer = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) });
  writerConnection(writer, connection);
  // A database in memory is private to its one connection: nothing to read it apart.
  if (file === ':memory:')
    return new Storage('sqlite', writer, () => writer.destroy(), handle, null, writer, offlineCopy);
  const reader = withStatementCache(openReader(file));
  const db = new Kysely<Database>({ dialect: new ReadsApartDialect(reader, writer) });
  readDirectly(db, reader);
  const stopCheckpoints = checkpointApart(handle, file);
  return new Storage(
    'sqlite',
    db,
    async () => {
      // The writer closes last: its close copies what is left of the WAL and removes it.
      await stopCheckpoints();
      await db.destroy();
      await writer.destroy();
    },
    handle,
    null,
    writer,
    offlineCopy,
  );
}

/** The read-only second connection (WAL lets it read while the writer holds a transaction). */
function openReader(file: string): BetterSqlite3.Database {
  const reader = new BetterSqlite3(file, { readonly: true });
  reader.pragma('busy_timeout = 5000');
  return reader;
}

/** PostgreSQL type ids of bigint and numeric: counts and sums arrive as them; Hanger's are all safe integers. */
const INT8 = 20;
const NUMERIC = 1700;

/** How long a store server lets PostgreSQL keep it waiting, in milliseconds (0: no limit). */
export interface PostgresLimits {
  /** A row or advisory lock another session holds (another store's action, or a stalled one). */
  lockTimeout: number;
  /**
   * A session that began a transaction and went quiet — its store's link stalled — is ended by
   * PostgreSQL after this, and the locks it held go with it.
   */
  idleInTransaction: number;
  /** One statement. */
  statement: number;
  /**
   * An answer, measured here: a link that stalls without breaking (TCP keeps a silent peer for
   * hours) fails the request and throws the connection away instead of holding it forever.
   */
  answer: number;
}

/**
 * The store servers' limits. A stalled store delays another store's action on the same rows by
 * at most `lockTimeout` (that action then answers 503 and the till retries); PostgreSQL frees
 * the rows after `idleInTransaction`.
 */
export const STORE_LIMITS: PostgresLimits = {
  lockTimeout: 5_000,
  idleInTransaction: 10_000,
  statement: 30_000,
  answer: 40_000,
};

/** No limits: command-line tools (migration into PostgreSQL, checks, exports) that may run long. */
export const NO_LIMITS: PostgresLimits = { lockTimeout: 0, idleInTransaction: 0, statement: 0, answer: 0 };

/**
 * Set inside `withoutTimeLimits`: the queries run there may take as long as they need. Only
 * PostgreSQL's migrations run it, so a SQLite store never turns it on (in Node 20 a store in use
 * hooks every promise of the server).
 */
const unlimited = new AsyncLocalStorage<true>();

/**
 * Runs `work` without the server's statement, lock and answer limits, for what may rightly take
 * long — migrations of a big chain's tables, waiting for another server to finish migrating.
 * Its SQL must also lift PostgreSQL's own (`set local statement_timeout = 0`).
 */
export function withoutTimeLimits<T>(work: () => Promise<T>): Promise<T> {
  return unlimited.run(true, work);
}

/**
 * Connects to the PostgreSQL database at `url` (postgres://user:password@host:port/database).
 * Counts and sums come back as numbers, as on SQLite. Every connection has an error listener
 * (PostgreSQL ending a busy session must fail its request, not the process), TCP keepalives,
 * and the waits of `limits`; a connection that broke is thrown away, and new ones are made as
 * requests come, so the server reconnects by itself when the database is back.
 */
export async function openPostgres(
  url: string,
  {
    poolSize = 10,
    limits = NO_LIMITS,
    unchecked = false,
  }: {
    poolSize?: number;
    limits?: PostgresLimits;
    /** Do not ask the server first: a chain store starting offline opens head office before it answers. */
    unchecked?: boolean;
  } = {},
): Promise<Storage> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...(limits.answer > 0 && { connectionTimeoutMillis: limits.answer }),
    ...(limits.lockTimeout > 0 && { lock_timeout: limits.lockTimeout }),
    ...(limits.idleInTransaction > 0 && { idle_in_transaction_session_timeout: limits.idleInTransaction }),
    ...(limits.statement > 0 && { statement_timeout: limits.statement }),
    types: {
      getTypeParser: ((id: number, format?: string) =>
        id === INT8 || id === NUMERIC
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(id, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // pg-pool listens for errors of idle connections only: a busy one that the server ends
  // (pg_terminate_backend, a restart) would raise an unhandled 'error' and end the process.
  // Its query fails with the same error, and that is what the request answers.
  pool.on('error', () => undefined);
  const clients = new Set<pg.Client>();
  openClients.set(pool, clients);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
    clients.add(client);
  });
  pool.on('remove', (client) => clients.delete(client));
  try {
    if (!unchecked) (await pool.connect()).release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new DatabaseOpenError(
      `Cannot connect to the PostgreSQL database ${redactUrl(url)}: ${(error as Error).message}. ` +
        'Check HANGER_DATABASE_URL, that the server runs and that it accepts this user.',
    );
  }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: guardedPool(pool, limits.answer) }),
  });
  return new Storage('postgres', db, () => db.destroy(), null, pool);
}

/**
 * The pool as Kysely sees it: errors marked as the database's (see `storageFaultMessage`), an
 * answer awaited at most `answerMs`, and a connection whose link broke or stalled destroyed on
 * release instead of going back to the pool (it may hold a transaction nobody will finish).
 */
function guardedPool(pool: pg.Pool, answerMs: number): PostgresPool {
  // Read once per pool, on the connection that first needs it (with its answer limit).
  let referrers: Promise<Referrers> | null = null;
  const readReferrers = (send: (text: string, parameters: readonly unknown[]) => Promise<pg.QueryResult>) => {
    referrers ??= send(REFERRERS_SQL, []).then(
      (result) => referrersOf(result.rows as { parent: string; child: string }[]),
      (error: unknown) => {
        referrers = null;
        throw error;
      },
    );
    return referrers;
  };
  const prepared = new PreparedStatements();
  return {
    end: () => pool.end(),
    async connect() {
      const client = await pool.connect().catch((error: unknown) => {
        throw fromDatabase(error);
      });
      let broken = false;
      const appends = new PendingAppends(() => readReferrers(send));
      const send = async (text: string, parameters: readonly unknown[]) => {
        if (broken) throw fromDatabase(new Error('Connection closed after an earlier fault'));
        const name = prepared.nameOn(client, text, parameters.length);
        const answer = name
          ? client.query({ name, text, values: [...parameters] })
          : client.query(text, [...parameters]);
        answer.catch(() => undefined);
        const limit = unlimited.getStore() ? 0 : answerMs;
        let timer: NodeJS.Timeout | undefined;
        try {
          if (limit === 0) return await answer;
          const silence = new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new AnswerTimeoutError(`PostgreSQL did not answer within ${limit / 1000} s`)),
              limit,
            );
          });
          return await Promise.race([answer, silence]);
        } catch (error) {
          // A statement kept from before another server changed its table's columns: PostgreSQL
          // refuses it on this session; a new session prepares it anew.
          if (isConnectionLost(fromDatabase(error)) || isStalePrepared(error)) broken = true;
          throw error;
        } finally {
          clearTimeout(timer);
        }
      };
      const query = async (text: string, parameters: readonly unknown[]) => {
        const { flush, queued } = await appends.before({ text, parameters });
        if (flush) await send(flush.text, flush.parameters);
        if (queued) return { command: 'INSERT', rowCount: 0, rows: [] };
        return send(text, parameters);
      };
      return {
        query: query as unknown as PostgresPoolClient['query'],
        release: () => {
          appends.clear();
          client.release(broken);
        },
      };
    },
  };
}

/**
 * Statements each PostgreSQL session keeps parsed (and, once PostgreSQL finds a generic plan as
 * good, planned): a sale's statements are the same texts every time, and parsing and planning
 * them anew was over a third of PostgreSQL's work per sale. A text with parameters is named
 * once this pool has sent it `SEEN` times (a one-off text never is); a session keeps at most
 * `PER_SESSION` of them, and the texts counted are bounded in number and length, so a run of
 * differently shaped statements costs little memory on either side.
 */
class PreparedStatements {
  private static readonly SEEN = 3;
  private static readonly PER_SESSION = 300;
  private static readonly COUNTED = 2_000;
  private static readonly LONGEST = 16_384;
  private readonly names = new Map<string, string>();
  private readonly seen = new Map<string, number>();
  private readonly kept = new WeakMap<pg.Client, Set<string>>();

  /** The name to send `text` under on `client`'s session, or undefined to send it unnamed. */
  nameOn(client: pg.Client, text: string, parameters: number): string | undefined {
    if (parameters === 0 || text.length > PreparedStatements.LONGEST) return undefined;
    let name = this.names.get(text);
    if (!name) {
      const times = (this.seen.get(text) ?? 0) + 1;
      if (times < PreparedStatements.SEEN) {
        if (this.seen.size >= PreparedStatements.COUNTED) this.seen.clear();
        this.seen.set(text, times);
        return undefined;
      }
      this.seen.delete(text);
      if (this.names.size >= PreparedStatements.COUNTED) return undefined;
      name = `hanger_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    let session = this.kept.get(client);
    if (!session) {
      session = new Set();
      this.kept.set(client, session);
    }
    if (!session.has(name)) {
      if (session.size >= PreparedStatements.PER_SESSION) return undefined;
      session.add(name);
    }
    return name;
  }
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
