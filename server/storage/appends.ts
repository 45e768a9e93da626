import { CompiledQuery, type InsertObject, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { runDirect, writesDirectly } from './sqlite-direct.js';

/**
 * Rows an action only adds and does not read back — ledger lines, a sale's lines and payments,
 * the audit — travel to PostgreSQL together. `append` queues the insert on the transaction's
 * connection; the queue goes as one statement (each insert a data-modifying `WITH` part) just
 * before the first later statement that names a queued table or a table referring to one by a
 * foreign key, or before COMMIT. A sale adds to nine tables: nine round trips become one. An
 * insert that fails (a key used already) fails that statement, so the action still rolls back
 * as a whole. SQLite runs each insert at once, on the transaction's connection itself
 * (`sqlite-direct.ts`): there is no round trip to save in the process; its insert's text is made
 * once for each table, columns and number of rows (`sqliteInsert`).
 */

/** The write transactions on PostgreSQL, whose appends wait on their connection. */
const queuing = new WeakSet<Kysely<unknown>>();

/** Marks `trx` as a PostgreSQL write transaction (`Storage.write` does, for each try). */
export function queueAppends(trx: Kysely<Database>): void {
  queuing.add(trx as Kysely<unknown>);
}

/** What a queued insert's text begins with: the connection keeps it back (`PendingAppends`). */
const MARK = /^\/\*append (\w+)\*\//;

/** Adds `rows` to `table` within `trx`: at once on SQLite, with the next flush on PostgreSQL. */
export async function append<DB, T extends keyof DB & string>(
  trx: Kysely<DB>,
  table: T,
  rows: InsertObject<DB, T> | readonly InsertObject<DB, T>[],
): Promise<void> {
  if (writesDirectly(trx)) {
    const compiled = sqliteInsert(table, Array.isArray(rows) ? rows : [rows]);
    if (compiled && runDirect(trx, compiled) !== null) return;
  }
  const insert = trx.insertInto(table).values(rows);
  if (!queuing.has(trx as Kysely<unknown>)) {
    await insert.execute();
    return;
  }
  const compiled = insert.compile();
  await trx.executeQuery({ ...compiled, sql: `/*append ${table}*/${compiled.sql}` });
}

/** SQLite insert texts by table, columns and number of rows: a server's actions append a few shapes. */
const insertTexts = new Map<string, string>();
const MAX_INSERT_TEXTS = 1000;

/**
 * The insert Kysely would make of `rows` on SQLite (its columns in order of first use, a row's
 * missing column null), without building and compiling a query each time: Kysely's own work was
 * a quarter of a millisecond a sale. Only for plain values (text, numbers, null, bytes); a row
 * with anything else (an expression, a function making one) is Kysely's to compile (`null`).
 */
function sqliteInsert(table: string, rows: readonly object[]): CompiledQuery | null {
  const columns: string[] = [];
  for (const row of rows as readonly Record<string, unknown>[]) {
    // `for … in`: a row is an object literal (no inherited keys), and no array of entries is made.
    for (const column in row) {
      const value = row[column];
      if (value === undefined) continue;
      if (typeof value === 'function') return null;
      if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) return null;
      if (!columns.includes(column)) columns.push(column);
    }
  }
  if (columns.length === 0) return null;
  const key = `${table}(${columns.join(',')})×${rows.length}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
    const row = `(${columns.map(() => '?').join(', ')})`;
    text = `insert into ${quote(table)} (${columns.map(quote).join(', ')}) values ${Array(rows.length).fill(row).join(', ')}`;
    if (insertTexts.size < MAX_INSERT_TEXTS) insertTexts.set(key, text);
  }
  const parameters: unknown[] = [];
  for (const row of rows as readonly Record<string, unknown>[]) {
    for (const column of columns) parameters.push(row[column] ?? null);
  }
  return CompiledQuery.raw(text, parameters);
}

/** Each table and the tables whose foreign keys refer to it (PostgreSQL's catalogue, read once). */
export type Referrers = ReadonlyMap<string, readonly string[]>;

export const REFERRERS_SQL = `select confrelid::regclass::text as parent, conrelid::regclass::text as child
  from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace`;

export function referrersOf(rows: readonly { parent: string; child: string }[]): Referrers {
  const map = new Map<string, string[]>();
  for (const { parent, child } of rows) map.set(parent, [...(map.get(parent) ?? []), child]);
  return map;
}

/** A statement's text and parameters as the PostgreSQL driver takes them. */
export interface Statement {
  text: string;
  parameters: readonly unknown[];
}

/**
 * PostgreSQL's limit is 65,535 parameters a statement; a big import's audit rows flush sooner.
 * Also keeps one flush's plan small.
 */
const MAX_PARAMETERS = 20_000;
const MAX_INSERTS = 64;

/**
 * One pattern for "any of these names as a word", kept by the set of names: a sale queues the
 * same tables every time, so each of its statements is tested once, not once per name, and the
 * pattern is built once per process. Table names are identifiers: nothing in them to escape.
 */
const mentions = new Map<string, RegExp>();
function mentionOf(names: ReadonlySet<string>): RegExp {
  const key = [...names].sort().join('|');
  let mention = mentions.get(key);
  if (!mention) {
    mention = new RegExp(`\\b(?:${key})\\b`);
    // Bounded: the sets a server's actions queue are few; past that, built each time.
    if (mentions.size < 500) mentions.set(key, mention);
  }
  return mention;
}

/** One connection's queued appends (`server/storage/database.ts` keeps one per checked-out client). */
export class PendingAppends {
  private inserts: Statement[] = [];
  private parameters = 0;
  /** The tables rows are queued for (a table watched as a referrer may be queued later too). */
  private tables = new Set<string>();
  /** Names whose mention in a statement sends the queue first: the queued tables and their referrers. */
  private watched = new Set<string>();
  /** A mention of any watched name (`mentionOf`), made again as names are added. */
  private mention: RegExp | null = null;

  constructor(private readonly referrers: () => Promise<Referrers>) {}

  /**
   * What to send before `statement`, if anything, and whether `statement` itself is a queued
   * append (then nothing else is sent for it now).
   */
  async before(statement: Statement): Promise<{ flush: Statement | null; queued: boolean }> {
    const mark = MARK.exec(statement.text);
    if (mark) {
      const flush =
        this.inserts.length >= MAX_INSERTS || this.parameters + statement.parameters.length > MAX_PARAMETERS
          ? this.take()
          : null;
      await this.watch(mark[1] as string);
      this.inserts.push({ text: statement.text.slice(mark[0].length), parameters: statement.parameters });
      this.parameters += statement.parameters.length;
      return { flush, queued: true };
    }
    if (this.inserts.length === 0) return { flush: null, queued: false };
    // A rollback (to a savepoint too: the queue never spans one) drops what it undoes.
    if (/^\s*rollback\b/i.test(statement.text)) {
      this.clear();
      return { flush: null, queued: false };
    }
    const due =
      /^\s*(commit|savepoint|release)\b/i.test(statement.text) || this.mention?.test(statement.text) === true;
    return { flush: due ? this.take() : null, queued: false };
  }

  /** Forgets the queue (the transaction ended without it, or its connection broke). */
  clear(): void {
    this.inserts = [];
    this.parameters = 0;
    this.tables.clear();
    this.watched.clear();
    this.mention = null;
  }

  private async watch(table: string): Promise<void> {
    if (this.tables.has(table)) return;
    this.tables.add(table);
    for (const name of [table, ...((await this.referrers()).get(table) ?? [])]) this.watched.add(name);
    this.mention = mentionOf(this.watched);
  }

  /** The queue as one statement: one insert alone, several as the parts of a `WITH`. */
  private take(): Statement {
    const inserts = this.inserts;
    this.clear();
    if (inserts.length === 1) return inserts[0] as Statement;
    const parameters: unknown[] = [];
    const parts = inserts.map((insert, i) => {
      const offset = parameters.length;
      parameters.push(...insert.parameters);
      // Kysely's text names values only as $1…$n (identifiers are quoted, values never inlined).
      const text = insert.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
      return `"append${i}" as (${text})`;
    });
    return { text: `with ${parts.join(', ')} select 1`, parameters };
  }
}
