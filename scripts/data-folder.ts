import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../server/config/load.js';
import { type Config, configSchema } from '../server/config/schema.js';
import { openPostgres, openSqlite, redactUrl, type Storage } from '../server/storage/database.js';
import { writePrivately } from '../server/storage/private-files.js';

/**
 * The data folder (HANGER_DATA, default ./data), its checked config and its database file.
 * What a script writes from here on (a backup, an export, a restored database) is private.
 */
export async function dataFolder(): Promise<{ dataDir: string; config: Config; dbFile: string }> {
  writePrivately();
  const dataDir = resolve(process.env.HANGER_DATA ?? './data');
  // Without a config.json the defaults hold; a script never creates one.
  const config = existsSync(join(dataDir, 'config.json'))
    ? (await loadConfig(dataDir, {})).config
    : configSchema.parse({});
  return { dataDir, config, dbFile: join(dataDir, config.database.file) };
}

/**
 * The store's database for a checking script: PostgreSQL when HANGER_DATABASE_URL is set,
 * else the SQLite file of the data folder. Null (after saying why) when there is none.
 */
export async function openStoreDatabase(): Promise<{ storage: Storage; where: string } | null> {
  const url = process.env.HANGER_DATABASE_URL;
  if (url) return { storage: await openPostgres(url), where: redactUrl(url) };
  const { dbFile } = await dataFolder();
  if (!existsSync(dbFile)) {
    console.error(`No database at ${dbFile}. Set HANGER_DATA to the data folder (or HANGER_DATABASE_URL).`);
    return null;
  }
  return { storage: openSqlite(dbFile), where: dbFile };
}

/** Runs a command-line script: a thrown error becomes its message on stderr and exit code 1. */
export async function runScript(main: () => Promise<number | undefined>): Promise<void> {
  try {
    process.exitCode = (await main()) ?? 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
