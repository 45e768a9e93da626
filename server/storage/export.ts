import type { Writable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { stringify } from 'csv-stringify/sync';
import { safeCell } from '../http/cells.js';
import { EXPORT_STALL_MS, writeOut } from '../http/download.js';

/** Tables of sign-in material only (session and pairing secrets): never exported. */
const SECRET_TABLES = new Set(['staff_sessions', 'device_pairings']);
/** Password, PIN, token and secret hashes: never exported. */
const SECRET_COLUMN = /(_hash|secret|token)$/i;

export interface ExportTable {
  name: string;
  /** The exported columns (secrets left out). */
  columns: string[];
}

/** Every table and column an export holds, in name order. */
export function exportTables(db: BetterSqlite3.Database): ExportTable[] {
  const names = db
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .pluck()
    .all() as string[];
  return names
    .filter((name) => !SECRET_TABLES.has(name))
    .map((name) => ({
      name,
      columns: (db.prepare(`select name from pragma_table_info(?)`).pluck().all(name) as string[]).filter(
        (column) => !SECRET_COLUMN.test(column),
      ),
    }));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function* tableRows(db: BetterSqlite3.Database, table: ExportTable): Generator<Record<string, unknown>> {
  const statement = db.prepare(
    `select ${table.columns.map(quote).join(', ')} from ${quote(table.name)} order by rowid`,
  );
  yield* statement.iterate() as Iterable<Record<string, unknown>>;
}

/**
 * Opens its own read-only connection to `file` and holds one read transaction for the whole
 * export, so the export is one consistent snapshot while the server keeps selling.
 */
export async function withSnapshot<T>(
  file: string,
  use: (db: BetterSqlite3.Database) => Promise<T>,
): Promise<T> {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.exec('begin');
    // The snapshot starts with the first read.
    db.prepare('select count(*) from sqlite_master').get();
    return await use(db);
  } finally {
    if (db.inTransaction) db.exec('rollback');
    db.close();
  }
}

/** Streams `{exportedAt, schemaVersion, tables: {name: [row…]}}` as JSON. */
export async function writeJsonExport(
  db: BetterSqlite3.Database,
  out: Writable,
  at: Date,
  stallMs = EXPORT_STALL_MS,
): Promise<void> {
  const write = (text: string) => writeOut(out, text, stallMs);
  const schemaVersion = db.prepare('select max(version) from schema_version').pluck().get();
  await write(
    `{"exportedAt":${JSON.stringify(at.toISOString())},"schemaVersion":${schemaVersion},"tables":{`,
  );
  let firstTable = true;
  for (const table of exportTables(db)) {
    await write(`${firstTable ? '' : ','}\n${JSON.stringify(table.name)}:[`);
    firstTable = false;
    let first = true;
    for (const row of tableRows(db, table)) {
      await write(`${first ? '' : ','}\n${JSON.stringify(row)}`);
      first = false;
    }
    await write(']');
  }
  await write('\n}}\n');
}

/** Streams one table as CSV (UTF-8 with BOM, a header row, cells made formula-safe). */
export async function writeCsvExport(
  db: BetterSqlite3.Database,
  table: ExportTable,
  out: Writable,
  stallMs = EXPORT_STALL_MS,
): Promise<void> {
  const write = (text: string) => writeOut(out, text, stallMs);
  await write(`\uFEFF${stringify([table.columns])}`);
  let batch: unknown[][] = [];
  for (const row of tableRows(db, table)) {
    batch.push(table.columns.map((column) => safeCell(row[column] ?? '')));
    if (batch.length >= 500) {
      await write(stringify(batch));
      batch = [];
    }
  }
  if (batch.length > 0) await write(stringify(batch));
}
