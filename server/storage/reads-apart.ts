import type BetterSqlite3 from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type Kysely,
  type QueryResult,
  type SqliteDatabase,
  SqliteDialect,
} from 'kysely';
import type { Database } from './schema.js';

/**
 * SQLite's reads apart from its writes. Kysely's SQLite driver has one connection and holds it
 * from BEGIN IMMEDIATE to COMMIT, so a token lookup or a quote waited for a whole sale (its
 * COMMIT's fsync included) — eight tills selling gave ~100 sales/s. WAL lets a second
 * connection read the last committed state while a write transaction runs, so a plain SELECT
 * asked outside a transaction goes to a read-only connection and answers at once; anything
 * else (writes, PRAGMAs, raw SQL) still takes its turn on the writer, as before.
 * Transactions are the writer's own (`Storage.write`): beginning one here is a mistake.
 */
export class ReadsApartDialect extends SqliteDialect {
  constructor(
    private readonly reader: SqliteDatabase,
    private readonly writer: Kysely<Database>,
  ) {
    super({ database: reader });
  }

  override createDriver(): Driver {
    return new ReadsApartDriver(this.reader, this.writer);
  }
}

class ReadsApartDriver implements Driver {
  private readonly connection: DatabaseConnection;

  constructor(
    private readonly reader: SqliteDatabase,
    writer: Kysely<Database>,
  ) {
    this.connection = {
      executeQuery: <R>(query: CompiledQuery): Promise<QueryResult<R>> =>
        query.query.kind === 'SelectQueryNode'
          ? Promise.resolve(read<R>(reader, query))
          : writer.executeQuery<R>(query),
      streamQuery: async function* <R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
        if (query.query.kind !== 'SelectQueryNode')
          throw new Error('Only reads stream, on the read connection.');
        const statement = reader.prepare(query.sql) as unknown as BetterSqlite3.Statement;
        for (const row of statement.iterate(query.parameters)) yield { rows: [row as R] };
      },
    };
  }

  async init(): Promise<void> {}

  // better-sqlite3 runs each statement to its end synchronously, so reads need no turn-taking.
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }

  async beginTransaction(): Promise<void> {
    throw new Error('Write transactions run through Storage.write, on the writer connection.');
  }

  async commitTransaction(): Promise<void> {}

  async rollbackTransaction(): Promise<void> {}

  async releaseConnection(): Promise<void> {}

  async destroy(): Promise<void> {
    this.reader.close();
  }
}

function read<R>(reader: SqliteDatabase, query: CompiledQuery): QueryResult<R> {
  const statement = reader.prepare(query.sql) as unknown as BetterSqlite3.Statement;
  return { rows: statement.all(query.parameters) as R[] };
}
