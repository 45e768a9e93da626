import { createHash } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { type Engine, openPostgres, openSqlite, type Storage } from '../storage/database.js';

/**
 * Which engine the tests run on: PostgreSQL when HANGER_TEST_POSTGRES_URL names a server
 * (set by `npm run test:postgres`), SQLite otherwise.
 */
export const testEngine: Engine = process.env.HANGER_TEST_POSTGRES_URL ? 'postgres' : 'sqlite';

/** The PostgreSQL database that stands for the data folder `dataDir` in a test. */
function databaseName(dataDir: string): string {
  return `hanger_${createHash('sha1').update(dataDir).digest('hex').slice(0, 20)}`;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${process.env.HANGER_TEST_POSTGRES_URL}/postgres` });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/**
 * The environment a server needs to keep the data of `dataDir`: nothing on SQLite (the
 * database file is in the folder); on PostgreSQL, HANGER_DATABASE_URL of a database of its
 * own, created empty the first time, the same one when a test starts the store again.
 */
export async function databaseEnvFor(dataDir: string): Promise<Record<string, string>> {
  const base = process.env.HANGER_TEST_POSTGRES_URL;
  if (!base) return {};
  const name = databaseName(dataDir);
  await admin(async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database ${name}`);
  });
  return { HANGER_DATABASE_URL: `${base}/${name}` };
}

/** Drops the database of `dataDir` (PostgreSQL only), as the test deletes the folder. */
export async function dropDatabaseFor(dataDir: string): Promise<void> {
  if (!process.env.HANGER_TEST_POSTGRES_URL) return;
  await admin((client) => client.query(`drop database if exists ${databaseName(dataDir)} with (force)`));
}

/** Opens the database of the test data folder `dataDir` directly, on the engine the tests run on. */
export async function openTestDatabase(dataDir: string): Promise<Storage> {
  const env = await databaseEnvFor(dataDir);
  return env.HANGER_DATABASE_URL
    ? openPostgres(env.HANGER_DATABASE_URL)
    : openSqlite(join(dataDir, 'hanger.db'));
}
