import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { openSqlite, type Storage } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrate } from './migrator.js';
import type { Database } from './schema.js';

/**
 * Copies a single shop's SQLite database into a (chain's) PostgreSQL database: every table,
 * every column, in foreign-key order derived from the schema, in one PostgreSQL transaction.
 * The schema itself is made by the migrations on both sides; this moves rows only.
 */

/** Why a copy was refused or failed; its message is for the person running it. */
export class CopyError extends Error {
  override name = 'CopyError';
}

/**
 * Tables never copied, the target's own is right: the migrator's, and the settings stamp (its
 * triggers change it as the copy writes the settings; any stamp will do that changed since).
 */
const NOT_COPIED = new Set(['schema_version', 'settings_stamp']);

/** A table as the SQLite database declares it. */
export interface SourceTable {
  name: string;
  columns: string[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
  foreignKeys: { columns: string[]; table: string; references: string[] }[];
  /** Unique indexes besides the primary key; `where` is a partial index's condition (SQL). */
  uniques: { name: string; columns: string[]; where: string | null }[];
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Every table of the SQLite database (but the migrator's own), from its catalogue. */
export function readSqliteSchema(handle: BetterSqlite3.Database): SourceTable[] {
  const names = handle
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\'")
    .pluck()
    .all() as string[];
  const tables: SourceTable[] = [];
  for (const name of names.filter((n) => !NOT_COPIED.has(n)).sort()) {
    const info = handle.prepare(`pragma table_info(${quote(name)})`).all() as {
      name: string;
      pk: number;
    }[];
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const fkRows = handle.prepare(`pragma foreign_key_list(${quote(name)})`).all() as {
      id: number;
      table: string;
      from: string;
      to: string | null;
    }[];
    const byId = new Map<number, { columns: string[]; table: string; references: (string | null)[] }>();
    for (const row of fkRows) {
      const fk = byId.get(row.id) ?? { columns: [], table: row.table, references: [] };
      fk.columns.push(row.from);
      fk.references.push(row.to);
      byId.set(row.id, fk);
    }
    const uniques: SourceTable['uniques'] = [];
    const indexes = handle.prepare(`pragma index_list(${quote(name)})`).all() as {
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }[];
    for (const index of indexes) {
      if (!index.unique || index.origin === 'pk') continue;
      const columns = (
        handle.prepare(`pragma index_info(${quote(index.name)})`).all() as { name: string | null }[]
      ).map((c) => c.name);
      // An index on an expression has no column name: not a key this copy can compare.
      if (columns.some((c) => c === null)) continue;
      let where: string | null = null;
      if (index.partial) {
        const text = handle
          .prepare("select sql from sqlite_master where type = 'index' and name = ?")
          .pluck()
          .get(index.name) as string;
        where = /\swhere\s([\s\S]+)$/i.exec(text)?.[1]?.trim() ?? null;
      }
      uniques.push({ name: index.name, columns: columns as string[], where });
    }
    tables.push({
      name,
      columns: info.map((c) => c.name),
      primaryKey,
      foreignKeys: [...byId.values()].map((fk) => ({
        columns: fk.columns,
        table: fk.table,
        // `references t` without columns means t's primary key: filled in below.
        references: fk.references.map((r) => r ?? ''),
      })),
      uniques,
    });
  }
  const byName = new Map(tables.map((t) => [t.name, t]));
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      if (fk.references.every((r) => r === '')) fk.references = byName.get(fk.table)?.primaryKey ?? [];
    }
  }
  return tables;
}

/**
 * The order to fill the tables in: every table after the tables its foreign keys point to
 * (a table's references to itself aside), alphabetical within one level.
 */
export function insertOrder(tables: readonly SourceTable[]): string[] {
  const names = new Set(tables.map((t) => t.name));
  const needs = new Map(
    tables.map((t) => [
      t.name,
      new Set(t.foreignKeys.map((fk) => fk.table).filter((other) => other !== t.name && names.has(other))),
    ]),
  );
  const order: string[] = [];
  const placed = new Set<string>();
  while (order.length < tables.length) {
    const ready = [...needs.entries()]
      .filter(([name, wants]) => !placed.has(name) && [...wants].every((w) => placed.has(w)))
      .map(([name]) => name)
      .sort();
    if (ready.length === 0) {
      const left = [...names].filter((n) => !placed.has(n)).sort();
      throw new CopyError(
        `The tables ${left.join(', ')} refer to each other in a cycle: there is no order to copy them in.`,
      );
    }
    for (const name of ready) {
      order.push(name);
      placed.add(name);
    }
  }
  return order;
}

/** The target's tables (but the migrator's own) → column → PostgreSQL data type. */
export async function readPostgresColumns(db: Kysely<Database>): Promise<Map<string, Map<string, string>>> {
  const rows = await sql<{ table_name: string; column_name: string; data_type: string }>`
    select c.table_name, c.column_name, c.data_type
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
    order by c.table_name, c.ordinal_position`.execute(db);
  const tables = new Map<string, Map<string, string>>();
  for (const row of rows.rows) {
    if (NOT_COPIED.has(row.table_name)) continue;
    const columns = tables.get(row.table_name) ?? new Map<string, string>();
    columns.set(row.column_name, row.data_type);
    tables.set(row.table_name, columns);
  }
  return tables;
}

/** What each PostgreSQL type takes, and the type to cast a parameter array to. */
const INTEGER_RANGES: Record<string, readonly [bigint, bigint]> = {
  smallint: [-32768n, 32767n],
  integer: [-2147483648n, 2147483647n],
  bigint: [-9223372036854775808n, 9223372036854775807n],
};
const TEXT_TYPES = new Set(['text', 'character varying', 'character']);

function castType(dataType: string): string {
  return TEXT_TYPES.has(dataType) ? 'text' : dataType;
}

/** Tables or columns on one side only, and column types this copy cannot carry. */
export function compareSchemas(
  source: readonly SourceTable[],
  target: Map<string, Map<string, string>>,
): string[] {
  const problems: string[] = [];
  const sourceNames = new Set(source.map((t) => t.name));
  for (const table of source) {
    const columns = target.get(table.name);
    if (!columns) {
      problems.push(`table ${table.name} is in the SQLite database but not in PostgreSQL`);
      continue;
    }
    const missing = table.columns.filter((c) => !columns.has(c));
    const extra = [...columns.keys()].filter((c) => !table.columns.includes(c));
    if (missing.length > 0) problems.push(`${table.name}: PostgreSQL lacks column(s) ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`${table.name}: only PostgreSQL has column(s) ${extra.join(', ')}`);
    for (const [column, type] of columns) {
      if (!INTEGER_RANGES[type] && !TEXT_TYPES.has(type)) {
        problems.push(
          `${table.name}.${column} is of type ${type} on PostgreSQL, which this copy does not carry`,
        );
      }
    }
  }
  for (const name of target.keys()) {
    if (!sourceNames.has(name))
      problems.push(`table ${name} is in PostgreSQL but not in the SQLite database`);
  }
  return problems;
}

export interface ValueScan {
  /** Values PostgreSQL's column would not hold as they are, one line per column. */
  problems: string[];
  /** The integer value furthest from zero, to show how much room the integer columns have. */
  largest: { table: string; column: string; value: bigint; type: string } | null;
}

/**
 * Reads every value once (in SQLite, one query per table) and reports those the target
 * column would not take as they are: integers out of the column's range, a non-integer in an
 * integer column, a non-text value in a text column, text with a NUL character (PostgreSQL's
 * text cannot hold it). Nothing is ever truncated or converted: such a value stops the copy.
 */
export function scanValues(
  handle: BetterSqlite3.Database,
  tables: readonly SourceTable[],
  target: Map<string, Map<string, string>>,
): ValueScan {
  const problems: string[] = [];
  let largest: ValueScan['largest'] = null;
  for (const table of tables) {
    const types = target.get(table.name);
    if (!types || table.columns.length === 0) continue;
    const parts: string[] = [];
    const checks: { column: string; type: string; bad: string }[] = [];
    for (const column of table.columns) {
      const type = types.get(column) ?? 'text';
      const c = quote(column);
      const range = INTEGER_RANGES[type];
      const bad = range
        ? `${c} is not null and (typeof(${c}) <> 'integer' or ${c} < ${range[0]} or ${c} > ${range[1]})`
        : `${c} is not null and (typeof(${c}) <> 'text' or instr(${c}, char(0)) > 0)`;
      const i = checks.length;
      checks.push({ column, type, bad });
      parts.push(
        `sum(case when ${bad} then 1 else 0 end) as b${i}`,
        `min(case when ${bad} then rowid end) as r${i}`,
      );
      if (range) {
        parts.push(
          `max(case when typeof(${c}) = 'integer' then ${c} end) as hi${i}`,
          `min(case when typeof(${c}) = 'integer' then ${c} end) as lo${i}`,
        );
      }
    }
    const row = handle
      .prepare(`select ${parts.join(', ')} from ${quote(table.name)}`)
      .safeIntegers(true)
      .get() as Record<string, bigint | null>;
    checks.forEach((check, i) => {
      const count = Number(row[`b${i}`] ?? 0n);
      if (count > 0) {
        const example = handle
          .prepare(
            `select ${quote(check.column)} as v, typeof(${quote(check.column)}) as t from ${quote(table.name)} where rowid = ?`,
          )
          .safeIntegers(true)
          .get(row[`r${i}`]) as { v: unknown; t: string };
        problems.push(
          `${table.name}.${check.column} (${check.type} on PostgreSQL): ${count} value(s) it cannot hold as they are, ` +
            `e.g. ${describe(example.v, example.t)} at rowid ${row[`r${i}`]}`,
        );
      }
      for (const value of [row[`hi${i}`], row[`lo${i}`]]) {
        if (typeof value !== 'bigint') continue;
        const size = value < 0n ? -value : value;
        if (!largest || size > (largest.value < 0n ? -largest.value : largest.value)) {
          largest = { table: table.name, column: check.column, value, type: check.type };
        }
      }
    });
  }
  return { problems, largest };
}

function describe(value: unknown, type: string): string {
  if (type === 'text') {
    const text = String(value);
    return text.includes('\0')
      ? `text with a NUL character (${JSON.stringify(text.slice(0, 40))})`
      : `text ${JSON.stringify(text.slice(0, 40))}`;
  }
  if (type === 'blob') return `a ${(value as Buffer).length}-byte blob`;
  return `${type} ${String(value)}`;
}

/** Rows of the source that the target already holds under one of its unique keys. */
export interface Collision {
  table: string;
  columns: string[];
  count: number;
  /** The first few colliding key values, as text. */
  examples: string[];
}

/** The tables the migrations themselves fill on a new database (default tiers, settings …). */
export async function tablesMigrationsFill(): Promise<Set<string>> {
  const scratch = openSqlite(':memory:');
  try {
    await migrate(scratch, MIGRATIONS, () => new Date());
    const filled = new Set<string>();
    for (const table of readSqliteSchema(scratch.sqlite as BetterSqlite3.Database)) {
      const n = (scratch.sqlite as BetterSqlite3.Database)
        .prepare(`select count(*) from ${quote(table.name)}`)
        .pluck()
        .get() as number;
      if (n > 0) filled.add(table.name);
    }
    return filled;
  } finally {
    await scratch.close();
  }
}

async function countRows(db: Kysely<Database>, table: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(result.rows[0]?.n ?? 0);
}

/** Row counts of the target's tables that hold any rows. */
export async function nonEmptyTables(
  db: Kysely<Database>,
  tables: readonly SourceTable[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of tables) {
    const n = await countRows(db, table.name);
    if (n > 0) counts.set(table.name, n);
  }
  return counts;
}

const KEY_BATCH = 5000;

/**
 * Every unique key (primary key and unique indexes) of every table that holds rows in the
 * target: the source's key values that the target already has. A key with a NULL in it
 * collides with nothing, as in both databases.
 */
export async function findCollisions(
  handle: BetterSqlite3.Database,
  db: Kysely<Database>,
  tables: readonly SourceTable[],
  target: Map<string, Map<string, string>>,
  occupied: ReadonlySet<string>,
): Promise<Collision[]> {
  const collisions: Collision[] = [];
  for (const table of tables) {
    if (!occupied.has(table.name)) continue;
    const types = target.get(table.name) ?? new Map<string, string>();
    const keys = [
      ...(table.primaryKey.length > 0 ? [{ columns: table.primaryKey, where: null }] : []),
      ...table.uniques,
    ];
    for (const key of keys) {
      const cols = key.columns.map(quote).join(', ');
      const notNull = key.columns.map((c) => `${quote(c)} is not null`).join(' and ');
      const statement = handle
        .prepare(
          `select ${cols} from ${quote(table.name)} where ${notNull}${key.where ? ` and (${key.where})` : ''}`,
        )
        .raw(true)
        .safeIntegers(true);
      const found: Collision = { table: table.name, columns: key.columns, count: 0, examples: [] };
      let batch: unknown[][] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const arrays = key.columns.map((_, i) => batch.map((row) => text(row[i])));
        const casts = key.columns.map(
          (c, i) => sql`${arrays[i]}::${sql.raw(castType(types.get(c) ?? 'text'))}[]`,
        );
        const hits = await sql<Record<string, unknown>>`select ${sql.join(key.columns.map((c) => sql.id(c)))}
          from ${sql.table(table.name)}
          where (${sql.join(key.columns.map((c) => sql.id(c)))}) in (select * from unnest(${sql.join(casts)}))
          ${key.where ? sql`and (${sql.raw(key.where)})` : sql``}`.execute(db);
        found.count += hits.rows.length;
        for (const hit of hits.rows.slice(0, 5 - found.examples.length)) {
          const values = key.columns.map((c) => String(hit[c]));
          found.examples.push(values.length === 1 ? (values[0] as string) : `(${values.join(', ')})`);
        }
        batch = [];
      };
      for (const row of statement.iterate() as IterableIterator<unknown[]>) {
        batch.push(row);
        if (batch.length >= KEY_BATCH) await flush();
      }
      await flush();
      if (found.count > 0) collisions.push(found);
    }
  }
  return collisions;
}

/** A value as the text PostgreSQL parses it from a parameter array (integers exactly). */
function text(value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

export interface CopiedTable {
  table: string;
  /** Rows in the SQLite database, all copied. */
  rows: number;
  /** Rows the target held before (besides the replaced defaults) and after. */
  before: number;
  after: number;
  /** Time this table took, reading, inserting and counting. */
  seconds: number;
}

export interface CopyOptions {
  /** Rows per INSERT statement. */
  batchRows?: number;
  /** Tables whose rows in the target are the migrations' defaults, to be replaced by the shop's. */
  replaceDefaults?: readonly string[];
  /** Runs inside the transaction after the copy; a thrown error rolls everything back. */
  verify?: (trx: Kysely<Database>) => Promise<void>;
  /** Told after each table. */
  progress?: (table: CopiedTable) => void;
}

export interface CopyResult {
  tables: CopiedTable[];
  rows: number;
  /** Default rows deleted from the target (per table) to make room for the shop's own. */
  replaced: Record<string, number>;
}

/**
 * Copies every row of `tables` (in `order`) from `handle` into `target` in ONE transaction,
 * in batches of multi-row inserts, then checks each table's count and runs `verify`; any
 * failure rolls the whole copy back. `handle` should be read inside one read transaction so
 * that every table comes from the same moment.
 */
export async function copyRows(
  handle: BetterSqlite3.Database,
  target: Storage,
  tables: readonly SourceTable[],
  types: Map<string, Map<string, string>>,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const batchRows = options.batchRows ?? 5000;
  const order = insertOrder(tables);
  const byName = new Map(tables.map((t) => [t.name, t]));
  return target.write(async (trx) => {
    const replaced: Record<string, number> = {};
    if (options.replaceDefaults && options.replaceDefaults.length > 0) {
      // Checked again inside the transaction: only the migrations' defaults may be there.
      for (const name of order) {
        if (!options.replaceDefaults.includes(name) && (await countRows(trx, name)) > 0) {
          throw new CopyError(
            `${name} in the target gained rows while it was being checked. Nothing was copied.`,
          );
        }
      }
    }
    for (const name of [...order].reverse()) {
      if (!options.replaceDefaults?.includes(name)) continue;
      const deleted = await sql`delete from ${sql.table(name)}`.execute(trx);
      replaced[name] = Number(deleted.numAffectedRows ?? 0);
    }
    const copied: CopiedTable[] = [];
    let total = 0;
    for (const name of order) {
      const table = byName.get(name) as SourceTable;
      const columnTypes = table.columns.map((c) => types.get(name)?.get(c) ?? 'text');
      const tableStarted = performance.now();
      const before = await countRows(trx, name);
      const expected = handle
        .prepare(`select count(*) from ${quote(name)}`)
        .pluck()
        .get() as number;
      let rows = 0;
      let columns: unknown[][] = table.columns.map(() => []);
      let pending = 0;
      const flush = async () => {
        if (pending === 0) return;
        const arrays = columns.map(
          (values, i) => sql`${values}::${sql.raw(castType(columnTypes[i] as string))}[]`,
        );
        try {
          await sql`insert into ${sql.table(name)} (${sql.join(table.columns.map((c) => sql.id(c)))})
            select * from unnest(${sql.join(arrays)})`.execute(trx);
        } catch (error) {
          // Keeps PostgreSQL's SQLSTATE, so that a serialisation failure is still retried.
          const { code, detail } = error as { code?: string; detail?: string };
          throw Object.assign(
            new CopyError(
              `PostgreSQL refused rows of ${name}: ${(error as Error).message}${detail ? ` (${detail})` : ''}. ` +
                'The copy was rolled back: nothing was copied.',
            ),
            { code },
          );
        }
        rows += pending;
        columns = table.columns.map(() => []);
        pending = 0;
      };
      // Integers beyond 2^53 arrive exactly only as bigint; the others are plain numbers.
      const exact = columnTypes.includes('bigint');
      for (const row of readInOrder(handle, table, exact)) {
        for (let i = 0; i < row.length; i++) (columns[i] as unknown[]).push(text(row[i]));
        pending += 1;
        if (pending >= batchRows) await flush();
      }
      await flush();
      const after = await countRows(trx, name);
      if (rows !== expected || after !== before + expected) {
        throw new CopyError(
          `${name}: the SQLite database has ${expected} rows, ${rows} were read and PostgreSQL went from ` +
            `${before} to ${after} rows. Nothing was copied.`,
        );
      }
      const done = { table: name, rows, before, after, seconds: (performance.now() - tableStarted) / 1000 };
      copied.push(done);
      total += rows;
      options.progress?.(done);
    }
    await options.verify?.(trx);
    return { tables: copied, rows: total, replaced };
  });
}

/**
 * The rows of `table`, each as its columns' values. When the table refers to itself (a
 * category's parent, a member's referrer) a referenced row comes before the rows referring
 * to it, so every insert finds what its foreign keys point to however the batches fall.
 */
function* readInOrder(
  handle: BetterSqlite3.Database,
  table: SourceTable,
  exact: boolean,
): Generator<unknown[]> {
  const cols = table.columns.map(quote).join(', ');
  const from = quote(table.name);
  const selfKeys = table.foreignKeys.filter((fk) => fk.table === table.name);
  if (selfKeys.length === 0) {
    yield* handle
      .prepare(`select ${cols} from ${from} order by rowid`)
      .raw(true)
      .safeIntegers(exact)
      .iterate() as IterableIterator<unknown[]>;
    return;
  }
  const targets = new Set(selfKeys.map((fk) => fk.references.join(',')));
  if (selfKeys.some((fk) => fk.columns.length !== 1) || targets.size !== 1) {
    throw new CopyError(
      `${table.name} refers to itself through a composite or more than one key: not supported.`,
    );
  }
  const key = quote(selfKeys[0]?.references[0] as string);
  const refs = selfKeys.map((fk) => quote(fk.columns[0] as string));
  // A row whose self-references are all empty (or point at itself) needs no other row first.
  const isChild = refs.map((r) => `(${r} is not null and ${r} <> ${key})`).join(' or ');
  yield* handle
    .prepare(`select ${cols} from ${from} where not coalesce(${isChild}, 0) order by rowid`)
    .raw(true)
    .safeIntegers(exact)
    .iterate() as IterableIterator<unknown[]>;
  const children = handle
    .prepare(`select rowid, ${key}, ${refs.join(', ')} from ${from} where coalesce(${isChild}, 0)`)
    .raw(true)
    .all() as unknown[][];
  const parentsOf = new Map<unknown, unknown[]>();
  for (const [, id, ...parents] of children)
    parentsOf.set(
      id,
      parents.filter((p) => p !== null && p !== id),
    );
  const depth = new Map<unknown, number>();
  const depthOf = (start: unknown): number => {
    // Iterative, so a long referral chain cannot overflow the stack.
    const stack: unknown[] = [start];
    const visiting = new Set<unknown>();
    while (stack.length > 0) {
      const id = stack[stack.length - 1];
      if (depth.has(id)) {
        stack.pop();
        continue;
      }
      const parents = parentsOf.get(id);
      if (!parents) {
        depth.set(id, 0);
        stack.pop();
        continue;
      }
      const open = parents.filter((p) => !depth.has(p));
      if (open.length === 0) {
        depth.set(id, 1 + Math.max(...parents.map((p) => depth.get(p) as number)));
        visiting.delete(id);
        stack.pop();
        continue;
      }
      if (visiting.has(id)) {
        throw new CopyError(
          `${table.name}: rows refer to each other in a cycle (row ${String(id)}); cannot copy.`,
        );
      }
      visiting.add(id);
      stack.push(...open);
    }
    return depth.get(start) as number;
  };
  const ordered = children
    .map((row) => ({ rowid: row[0] as number, depth: depthOf(row[1]) }))
    .sort((a, b) => a.depth - b.depth || a.rowid - b.rowid);
  const chunk = 500;
  for (let i = 0; i < ordered.length; i += chunk) {
    const part = ordered.slice(i, i + chunk);
    const rank = new Map(part.map((r, n) => [r.rowid, n]));
    const rows = handle
      .prepare(`select rowid, ${cols} from ${from} where rowid in (${part.map(() => '?').join(', ')})`)
      .raw(true)
      .safeIntegers(exact)
      .all(...part.map((r) => r.rowid)) as unknown[][];
    rows.sort((a, b) => (rank.get(Number(a[0])) as number) - (rank.get(Number(b[0])) as number));
    for (const row of rows) yield row.slice(1);
  }
}
