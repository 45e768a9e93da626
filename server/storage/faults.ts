/** SQLite result codes that mean "the storage cannot take this write now", not a bug. */
const SQLITE_UNAVAILABLE: { match: RegExp; message: string }[] = [
  {
    match: /^SQLITE_FULL/,
    message: 'The disk is full: nothing was saved. Free some space on the server, then try again.',
  },
  {
    match: /^SQLITE_READONLY/,
    message:
      'The database is read-only (file or folder permissions, or a read-only disk): nothing was saved. Fix it on the server, then try again.',
  },
  {
    match: /^SQLITE_(IOERR|CANTOPEN)/,
    message: 'The server cannot write to its disk: nothing was saved. Check the disk, then try again.',
  },
  {
    match: /^SQLITE_(BUSY|LOCKED)/,
    message: 'The database is busy: nothing was saved. Try again in a moment.',
  },
];

/**
 * The connection to the chain's database broke while a request was under way: a commit may
 * have reached PostgreSQL although its answer did not come back, so "nothing was saved" is not
 * known. Retrying with the same id is safe: a saved sale is answered, not made twice.
 */
const ANSWER_LOST =
  'The connection to the chain’s database broke before it answered: this may or may not have been saved. ' +
  'Try again with the same request (a till keeps its sale id): what was saved is returned, not done twice.';

const UNREACHABLE =
  'The chain’s database cannot be reached (the link to head office or its PostgreSQL is down): nothing was saved. ' +
  'Try again in a moment; if it lasts, check the link to head office.';

const BUSY =
  'The chain’s database is busy: another store holds what this needed for too long, so nothing was saved. ' +
  'Try again in a moment.';

/** Node's socket errors of a connection that was made and then broke. */
const LOST_ERRNOS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);
/** Node's socket errors of a connection that could not be made at all. */
const REFUSED_ERRNOS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Marks errors that came from the PostgreSQL connection, so a payment provider's ECONNRESET is not taken for one. */
const FROM_DATABASE = Symbol('fromDatabase');

/** Marks `error` as raised by the database connection (see `storageFaultMessage`) and returns it. */
export function fromDatabase(error: unknown): unknown {
  if (error instanceof Error) Object.defineProperty(error, FROM_DATABASE, { value: true });
  return error;
}

/** What a PostgreSQL or network fault means for the request, or null when it is something else. */
function postgresFaultMessage(error: Error & { code?: unknown; [FROM_DATABASE]?: boolean }): string | null {
  if (error instanceof AnswerTimeoutError) return ANSWER_LOST;
  if (!error[FROM_DATABASE]) return null;
  const code = typeof error.code === 'string' ? error.code : '';
  // 57P01 a terminated backend, 57P02 a crashed server, 08xxx the connection failed.
  if (code === '57P01' || code === '57P02' || code === '08006' || code === '08003' || code === '08000')
    return ANSWER_LOST;
  if (LOST_ERRNOS.has(code)) return ANSWER_LOST;
  if (/^Connection terminated|not queryable|Connection closed/i.test(error.message)) return ANSWER_LOST;
  // Refused before anything ran: starting up, too many connections, no route, no server.
  if (code === '57P03' || code.startsWith('08') || code === '53300' || REFUSED_ERRNOS.has(code))
    return UNREACHABLE;
  if (/timeout exceeded when trying to connect/i.test(error.message)) return UNREACHABLE;
  // Out of disk or memory on the database server: the transaction was rolled back.
  if (code.startsWith('53')) return UNREACHABLE;
  // Waits that were cut short (lock_timeout, statement_timeout, idle in transaction) and
  // conflicts that kept recurring: the transaction was rolled back.
  if (code === '55P03' || code === '57014' || code === '25P03' || code === '40001' || code === '40P01')
    return BUSY;
  return null;
}

/**
 * Raised by the PostgreSQL connection when the database has not answered a query in time (a
 * link that stalls without breaking): the connection is thrown away.
 */
export class AnswerTimeoutError extends Error {
  override name = 'AnswerTimeoutError';
}

/**
 * True when `error` says the connection it came from is broken (or its state unknown), so it
 * must not go back to the pool.
 */
export function isConnectionLost(error: unknown): boolean {
  return error instanceof Error && postgresFaultMessage(error) === ANSWER_LOST;
}

/**
 * What a shop owner or cashier can do about a storage fault, or null when `error` is something
 * else. SQLite's write transaction was rolled back as a whole; on PostgreSQL the message says
 * whether the change may have been saved.
 */
export function storageFaultMessage(error: unknown): string | null {
  if (!(error instanceof Error)) return null;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('SQLITE_'))
    return SQLITE_UNAVAILABLE.find((entry) => entry.match.test(code))?.message ?? null;
  return postgresFaultMessage(error);
}

/** A row refused because another row holds its key: the table, and the key when the engine names it. */
export interface DuplicateKey {
  table: string;
  /** The key's columns, as both engines name them (`["id"]` for a primary key `id`). */
  columns: string[];
  /** PostgreSQL names the key's value in its detail; SQLite does not (null). */
  key: string | null;
}

/**
 * The table whose unique key refused an insert, or null when `error` is something else. Under
 * READ COMMITTED a check made before the insert cannot see another store's insert not yet
 * committed: the key itself is then the last word, and this is how its refusal is recognised.
 */
export function duplicateKey(error: unknown): DuplicateKey | null {
  if (!(error instanceof Error)) return null;
  const { code, table, detail } = error as { code?: unknown; table?: unknown; detail?: unknown };
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    // `UNIQUE constraint failed: sales.store_id, sales.number`
    const named = /constraint failed: (.*)$/.exec(error.message)?.[1]?.split(', ') ?? [];
    const refused = named[0]?.split('.')[0];
    return refused ? { table: refused, columns: named.map((c) => c.split('.')[1] ?? c), key: null } : null;
  }
  // 23505 unique_violation; the detail reads `Key (id)=(…) already exists.`
  if (code === '23505' && typeof table === 'string') {
    const named = typeof detail === 'string' ? /^Key \(([^)]*)\)=\((.*)\) already exists/.exec(detail) : null;
    return { table, columns: named?.[1]?.split(', ') ?? [], key: named?.[2] ?? null };
  }
  return null;
}
