import {
  DataTypeNode,
  type Kysely,
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  sql,
} from 'kysely';
import { type Engine, type Storage, withoutTimeLimits } from './database.js';
import type { Database } from './schema.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, engine: Engine): Promise<void>;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Brings the database up to the newest schema: each pending migration runs in its own
 * transaction together with its row in `schema_version`, so a failure leaves the database
 * at the previous version. Returns the versions it applied.
 */
export async function migrate(
  storage: Storage,
  migrations: readonly Migration[],
  now: () => Date,
): Promise<number[]> {
  if (!storage.pool) return migrateNow(storage, migrations, now);
  // The store servers of a chain may start together: one migrates, the others then find it done.
  // Migrating a big chain's tables, and waiting for another server that does, takes as long as it takes.
  const lock = await storage.pool.connect();
  try {
    await lock.query('set lock_timeout = 0');
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await withoutTimeLimits(() => migrateNow(storage, migrations, now));
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.query('reset lock_timeout').catch(() => undefined);
    lock.release();
  }
}

/** PostgreSQL advisory lock key held while migrating ("HANGER" in ASCII, shortened). */
const MIGRATION_LOCK = 0x48414e47;

async function migrateNow(
  storage: Storage,
  migrations: readonly Migration[],
  now: () => Date,
): Promise<number[]> {
  // A store's own PostgreSQL user may not create tables (see the README's per-store users):
  // it finds the table the owner made, and creates nothing when nothing is pending.
  if (!(await hasSchemaVersion(storage))) {
    await sql`create table if not exists schema_version (
      version integer primary key, name text not null, applied_at text not null)`.execute(storage.db);
  }
  const applied = await storage.db.selectFrom('schema_version').select('version').execute();
  const done = new Set(applied.map((row) => row.version));
  const newest = migrations.at(-1)?.version ?? 0;
  const unknown = [...done].filter((version) => version > newest);
  if (unknown.length > 0) {
    throw new MigrationError(
      `The database has schema version ${Math.max(...unknown)}, newer than this Hanger knows (${newest}). ` +
        'Run the newer Hanger, or restore a backup made by this version.',
    );
  }
  const pending = migrations.filter((migration) => !done.has(migration.version));
  if (pending.length > 0 && storage.engine === 'postgres' && !(await mayCreate(storage))) {
    throw new MigrationError(
      `The database needs ${pending.length} migration(s) up to version ${newest}, and this database user may not change the schema. ` +
        "Start head office's server (or any server) once with the chain's owner user, then start this store again.",
    );
  }
  const ran: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await storage.write(async (trx) => {
      if (storage.engine === 'postgres') {
        await sql`set local statement_timeout = 0`.execute(trx);
        await sql`set local lock_timeout = 0`.execute(trx);
      }
      const db = storage.engine === 'postgres' ? trx.withPlugin(integersAsBigint) : trx;
      await migration.up(db as unknown as Kysely<unknown>, storage.engine);
      await (trx as Kysely<Database>)
        .insertInto('schema_version')
        .values({ version: migration.version, name: migration.name, applied_at: now().toISOString() })
        .execute();
    });
    ran.push(migration.version);
  }
  return ran;
}

/**
 * SQLite's `integer` holds 64 bits, PostgreSQL's only 32 (¥21,474,836.47 in fen): on
 * PostgreSQL every `integer` column a migration creates is a `bigint`, so a chain's lifetime
 * figures fit as they do in a shop's file.
 */
class IntegerAsBigint extends OperationNodeTransformer {
  protected override transformDataType(node: DataTypeNode): DataTypeNode {
    return node.dataType === 'integer' ? DataTypeNode.create('bigint') : node;
  }
}

const integersAsBigint: KyselyPlugin = {
  transformQuery: (args: PluginTransformQueryArgs) => new IntegerAsBigint().transformNode(args.node),
  transformResult: async (args: PluginTransformResultArgs) => args.result,
};

async function hasSchemaVersion(storage: Storage): Promise<boolean> {
  const query =
    storage.engine === 'postgres'
      ? sql<{ found: unknown }>`select to_regclass('schema_version') as found`
      : sql<{
          found: unknown;
        }>`select name as found from sqlite_master where type = 'table' and name = 'schema_version'`;
  const { rows } = await query.execute(storage.db);
  return rows[0]?.found != null;
}

/** Whether this PostgreSQL user may create tables in the schema Hanger's tables live in. */
async function mayCreate(storage: Storage): Promise<boolean> {
  const { rows } = await sql<{
    allowed: boolean;
  }>`select has_schema_privilege(current_schema(), 'create') as allowed`.execute(storage.db);
  return rows[0]?.allowed === true;
}
