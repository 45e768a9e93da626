/**
 * `npm run migrate-to-postgres [-- --to <url>]`: moves a single shop's SQLite database (in
 * HANGER_DATA, default ./data) into a chain's PostgreSQL database (`--to`, else
 * HANGER_DATABASE_URL). Refuses while a server holds the data folder, when the SQLite
 * database is at another schema version than this Hanger, and when the target already holds
 * rows the shop's would collide with (same store code, member phone, username, …: each listed).
 * Brings the target's schema up to date, copies every table in one transaction, then checks
 * the row counts and the ledgers on PostgreSQL before committing. The SQLite file is only read.
 * Exit code 0 when the shop was moved, 1 (with the reason) when nothing was.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { checkStockLedger } from '../server/domain/inventory/check.js';
import { checkLedgers } from '../server/domain/loyalty/check.js';
import { checkGiftStock } from '../server/domain/loyalty/gifts.js';
import {
  type Collision,
  CopyError,
  compareSchemas,
  copyRows,
  findCollisions,
  nonEmptyTables,
  readPostgresColumns,
  readSqliteSchema,
  scanValues,
  tablesMigrationsFill,
} from '../server/storage/copy.js';
import { openPostgres, redactUrl } from '../server/storage/database.js';
import { lockDataFolder, lockedMessage, lockHolder } from '../server/storage/lock.js';
import { MIGRATIONS } from '../server/storage/migrations/index.js';
import { migrate } from '../server/storage/migrator.js';
import type { Database } from '../server/storage/schema.js';
import { dataFolder, runScript } from './data-folder.js';

const USAGE = `Usage: npm run migrate-to-postgres -- [--to postgres://user:password@host:5432/database] [--batch <rows>]
Moves the shop in HANGER_DATA (default ./data) into the PostgreSQL database --to (else HANGER_DATABASE_URL).`;

const INT4_MAX = 2147483647n;

interface LedgerSummary {
  members: number;
  onHand: number;
  gifts: number;
  problems: string[];
}

/** The ledger checks of `npm run check` and `npm run check-ledgers`, on one database. */
async function checkAll(db: Kysely<Database>, now: Date): Promise<LedgerSummary> {
  const members = await checkLedgers(db, now);
  const stock = await checkStockLedger(db);
  const gifts = await checkGiftStock(db);
  const problems = [
    ...members.problems.map(
      (p) =>
        `${p.what} member ${p.memberId}${p.lotId ? ` lot ${p.lotId}` : ''}: cached ${p.cached}, ledger ${p.ledger}`,
    ),
    ...(members.problemCount > members.problems.length
      ? [`… and ${members.problemCount - members.problems.length} more member balance(s)`]
      : []),
    ...stock.mismatches.map(
      (m) => `on_hand sku ${m.skuId} store ${m.storeId}: cached ${m.cached}, ledger ${m.ledger}`,
    ),
    ...gifts.mismatches.map((g) => `gift stock ${g.giftId}: cached ${g.cached}, ledger ${g.ledger}`),
  ];
  return { members: members.counts.members, onHand: stock.checked, gifts: gifts.checked, problems };
}

/** The SQLite database must be at exactly this Hanger's schema: the server migrates it, not this. */
function checkSourceVersion(handle: BetterSqlite3.Database, dbFile: string): number {
  let versions: number[];
  try {
    versions = handle.prepare('select version from schema_version').pluck().all() as number[];
  } catch {
    throw new CopyError(`${dbFile} is not a Hanger database (it has no schema_version table).`);
  }
  const newest = MIGRATIONS.at(-1)?.version ?? 0;
  const have = Math.max(0, ...versions);
  if (have > newest) {
    throw new CopyError(
      `Refused: ${dbFile} is at schema version ${have}, made by a newer Hanger than this one (which knows up to ${newest}). ` +
        'Run migrate-to-postgres of that newer Hanger.',
    );
  }
  const missing = MIGRATIONS.filter((m) => !versions.includes(m.version));
  if (missing.length > 0) {
    throw new CopyError(
      `Refused: ${dbFile} is at schema version ${have}, older than this Hanger's ${newest}. ` +
        "Start this Hanger's server once on the data folder (npm start) so that it migrates the database, stop it, then run this again.",
    );
  }
  return have;
}

function collisionReport(collisions: readonly Collision[]): string {
  const shown = (value: string) => (value.length > 60 ? `${value.slice(0, 57)}…` : value);
  const sorted = [...collisions].sort((a, b) => Number(b.table === 'stores') - Number(a.table === 'stores'));
  const lines = sorted.map(
    (c) =>
      `  ${c.table} (${c.columns.join(', ')}): ${c.count} row(s), e.g. ${c.examples.slice(0, 3).map(shown).join('; ')}`,
  );
  const store = collisions.find((c) => c.table === 'stores' && c.columns.join() === 'code');
  const head = store
    ? `Refused: the target already holds store ${store.examples.join(', ')}: this shop was moved there already, or another shop of the chain uses the same code.`
    : "Refused: the target already holds rows that this shop's rows would collide with.";
  return (
    `${head} Nothing was copied.\nKeys of this shop's rows that the target already has (table (key): rows, examples):\n${lines.join('\n')}\n` +
    "A chain database takes a shop's data only when none of its keys are taken: in practice a new, empty database, " +
    "which this shop then heads. Merging a second shop's members, tiers and staff into a chain is not done by this command."
  );
}

const count = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { to: { type: 'string' }, batch: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = values.to ?? process.env.HANGER_DATABASE_URL;
  if (!url) throw new CopyError(`Name the chain's PostgreSQL database.\n${USAGE}`);
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new CopyError(
      `${redactUrl(url)} is not a PostgreSQL URL (postgres://user:password@host:5432/database).`,
    );
  }
  const batchRows = values.batch === undefined ? 5000 : Number(values.batch);
  if (!Number.isInteger(batchRows) || batchRows < 1 || batchRows > 50_000) {
    throw new CopyError('--batch must be a whole number of rows from 1 to 50000.');
  }
  const started = performance.now();
  const { dataDir, dbFile } = await dataFolder();
  if (!existsSync(dbFile)) {
    throw new CopyError(`No database at ${dbFile}. Set HANGER_DATA to the shop's data folder.`);
  }
  const holder = lockHolder(dataDir);
  if (holder) throw new CopyError(`Refused: ${lockedMessage(dataDir, holder)}`);
  // Held for the whole move, so that no server starts on the shop's data meanwhile.
  const release = lockDataFolder(dataDir);
  try {
    return await move(url, batchRows, dbFile, started);
  } finally {
    release();
  }
}

async function move(url: string, batchRows: number, dbFile: string, started: number): Promise<number> {
  const now = new Date();
  // Read-only: this never writes to the shop's database.
  const handle = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  const source = new Kysely<Database>({ dialect: new SqliteDialect({ database: handle }) });
  try {
    // One read transaction: every table is read as of the same moment.
    handle.exec('begin');
    const version = checkSourceVersion(handle, dbFile);
    const stores = handle.prepare('select code, name from stores order by created_at').all() as {
      code: string;
      name: string;
    }[];
    const sourceCheck = await checkAll(source, now);
    if (sourceCheck.problems.length > 0) {
      throw new CopyError(
        `Refused: the SQLite database itself fails the ledger check (see npm run check):\n  ${sourceCheck.problems.join('\n  ')}`,
      );
    }
    const where = redactUrl(url);
    console.log(
      `Moving store ${stores.map((s) => `${s.code} ${s.name}`).join(', ') || '(none)'} from ${dbFile} (schema ${version}) into ${where}`,
    );

    const target = await openPostgres(url, { poolSize: 2 });
    try {
      const applied = await migrate(target, MIGRATIONS, () => now);
      if (applied.length > 0) console.log(`  PostgreSQL schema: applied migration(s) ${applied.join(', ')}`);
      const types = await readPostgresColumns(target.db);
      const tables = readSqliteSchema(handle);
      const schemaProblems = compareSchemas(tables, types);
      if (schemaProblems.length > 0) {
        throw new CopyError(`Refused: the two schemas differ:\n  ${schemaProblems.join('\n  ')}`);
      }
      const scan = scanValues(handle, tables, types);
      if (scan.problems.length > 0) {
        throw new CopyError(
          'Refused: these values would not fit their PostgreSQL columns as they are (nothing is ever truncated; ' +
            `the column types need attention first). Nothing was copied.\n  ${scan.problems.join('\n  ')}`,
        );
      }
      const occupied = await nonEmptyTables(target.db, tables);
      const defaults = await tablesMigrationsFill();
      const fresh = [...occupied.keys()].every((table) => defaults.has(table));
      if (!fresh) {
        const collisions = await findCollisions(handle, target.db, tables, types, new Set(occupied.keys()));
        if (collisions.length > 0) throw new CopyError(collisionReport(collisions));
        console.log("  The target holds other data; none of it collides with this shop's.");
      } else if (occupied.size > 0) {
        const list = [...occupied].map(([table, n]) => `${table} ${n}`).join(', ');
        console.log(`  The target is a new database: its defaults (${list}) are replaced by the shop's own.`);
      }

      let verified: LedgerSummary | null = null;
      const result = await copyRows(handle, target, tables, types, {
        batchRows,
        replaceDefaults: fresh ? [...occupied.keys()] : [],
        progress: (table) => {
          if (table.rows >= 10_000) {
            console.log(`  ${table.table}: ${count(table.rows)} rows in ${table.seconds.toFixed(1)} s`);
          }
        },
        verify: async (trx) => {
          verified = await checkAll(trx, now);
          if (verified.problems.length > 0) {
            throw new CopyError(
              `After the copy the ledger checks fail on PostgreSQL, so the copy was rolled back:\n  ${verified.problems.join('\n  ')}`,
            );
          }
        },
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const checked = verified as LedgerSummary | null;
      console.log(`Copied ${result.tables.length} tables, ${count(result.rows)} rows in ${seconds} s.`);
      console.log(
        `Checked on PostgreSQL before committing: every table ${fresh ? "holds as many rows as the SQLite database's" : 'grew by exactly the SQLite database’s rows'}; ` +
          `${count(checked?.members ?? 0)} members' points and stored value, ${count(checked?.onHand ?? 0)} on-hand figures ` +
          `and ${count(checked?.gifts ?? 0)} gifts' stock equal their ledgers.`,
      );
      if (scan.largest) {
        const { table, column, value, type } = scan.largest;
        const note =
          type === 'integer' && (value < 0n ? -value : value) > INT4_MAX / 2n
            ? ' — over half of what a PostgreSQL integer holds: widen this column (bigint) before it runs out.'
            : '';
        console.log(`Largest integer: ${table}.${column} = ${value} (${type} on PostgreSQL)${note}`);
      }
      console.log(
        `Next: start this shop's server with HANGER_DATABASE_URL=${where} and the same store code in config.json.`,
      );
      return 0;
    } finally {
      await target.close();
    }
  } finally {
    if (handle.inTransaction) handle.exec('rollback');
    await source.destroy();
  }
}

await runScript(main);
