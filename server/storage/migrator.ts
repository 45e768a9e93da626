import { type Kysely, sql } from 'kysely';
import type { Engine, Storage } from './database.js';
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
  await sql`create table if not exists schema_version (
    version integer primary key, name text not null, applied_at text not null)`.execute(storage.db);
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
  const ran: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.version)) continue;
    await storage.write(async (trx) => {
      await migration.up(trx as unknown as Kysely<unknown>, storage.engine);
      await (trx as Kysely<Database>)
        .insertInto('schema_version')
        .values({ version: migration.version, name: migration.name, applied_at: now().toISOString() })
        .execute();
    });
    ran.push(migration.version);
  }
  return ran;
}
