import type { CompiledQuery, Kysely, SqliteDatabase } from 'kysely';

/**
 * Statements a SQLite connection may run at once, without Kysely's executor. Through Kysely a
 * statement that better-sqlite3 runs synchronously still goes through its connection provider,
 * its turn-taking and some eight promises (each also paying the server's async context hooks):
 * 6–10 µs more a statement in a micro-benchmark, and a sale runs 22. Only where taking turns
 * cannot matter:
 * - a SQLite write transaction (`Storage.runGroup` registers it from BEGIN IMMEDIATE to its
 *   end): its connection is its own until COMMIT, and the actions in it run one after another;
 * - reads on the read-only connection of a database read apart (`reads-apart.ts`), which
 *   Kysely already answers without a turn (`readsOnly`: anything else goes on to the writer).
 */
interface Direct {
  database: SqliteDatabase;
  readsOnly: boolean;
}

const connections = new WeakMap<object, Direct>();
/** Each SQLite writer's connection, which its write transactions run on. */
const writers = new WeakMap<object, SqliteDatabase>();

/** `reads` (a database read apart) runs its selects on `reader` directly. */
export function readDirectly<DB>(reads: Kysely<DB>, reader: SqliteDatabase): void {
  connections.set(reads, { database: reader, readsOnly: true });
}

/** `writer`'s write transactions may run their statements on `connection` directly. */
export function writerConnection<DB>(writer: Kysely<DB>, connection: SqliteDatabase): void {
  writers.set(writer, connection);
}

/** `trx`, a write transaction of `writer` begun just now, runs its statements directly until it ends. */
export function writeDirectly<DB>(trx: Kysely<DB>, writer: Kysely<DB>): void {
  const database = writers.get(writer);
  if (database) connections.set(trx, { database, readsOnly: false });
}

/** `trx`'s transaction ended: should it still be used, it goes through Kysely again. */
export function stopWritingDirectly<DB>(trx: Kysely<DB>): void {
  connections.delete(trx);
}

/** Whether `db` is a SQLite write transaction that runs its statements directly. */
export function writesDirectly<DB>(db: Kysely<DB>): boolean {
  return connections.get(db)?.readsOnly === false;
}

/**
 * Runs `query` on `db`'s connection directly and returns its rows (none for a statement that
 * returns none), as Kysely's SQLite driver would; `null` when `db` does not run it directly.
 */
export function runDirect<DB, Row>(db: Kysely<DB>, query: CompiledQuery<Row>): Row[] | null {
  const direct = connections.get(db);
  if (!direct || (direct.readsOnly && query.query.kind !== 'SelectQueryNode')) return null;
  const statement = direct.database.prepare(query.sql);
  if (statement.reader) return statement.all(query.parameters) as Row[];
  statement.run(query.parameters);
  return [];
}
