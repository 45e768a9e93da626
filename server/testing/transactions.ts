import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

/**
 * Each write transaction's statements, BEGIN to COMMIT, as the database connection was asked
 * them, on either engine: on PostgreSQL each is a round trip, whether sent as text or as a
 * prepared statement's name. Recording starts at the first call, for every store of the test
 * process; call it before a store opens, so every statement the store prepares is seen.
 */
export function recordTransactions(): string[][] {
  if (recorded) return recorded;
  const transactions: string[][] = [];
  const running = new Map<object, string[]>();
  const seen = (connection: object, text: string) => {
    if (/^begin/i.test(text)) running.set(connection, []);
    const statements = running.get(connection);
    if (!statements) return;
    statements.push(text);
    // A rollback to a savepoint undoes one action of a group (`Storage.grouped`), not the transaction.
    if (/^(commit|rollback)(?!\s+to\b)/i.test(text)) {
      transactions.push(statements);
      running.delete(connection);
    }
  };
  const prepare = BetterSqlite3.prototype.prepare;
  BetterSqlite3.prototype.prepare = function (this: BetterSqlite3.Database, text: string) {
    const statement = prepare.call(this, text) as BetterSqlite3.Statement;
    for (const method of ['run', 'all', 'get'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        seen(this, text);
        return original(...args);
      };
    }
    return statement;
  } as typeof prepare;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first] = args;
    if (typeof first === 'string') seen(this, first);
    else if (first && typeof first === 'object' && typeof (first as { text?: unknown }).text === 'string')
      seen(this, (first as { text: string }).text);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  recorded = transactions;
  return transactions;
}

let recorded: string[][] | null = null;
