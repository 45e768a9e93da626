/**
 * `npm run restore -- <file>`: puts a backup in place of the database under HANGER_DATA.
 * Refuses while a server holds the folder, a damaged file, a wrong passphrase
 * (HANGER_BACKUP_PASSPHRASE) or a schema newer than this Hanger; keeps the current
 * database aside as `<file>.before-restore-<time>`.
 */
import { resolve } from 'node:path';
import { MIGRATIONS } from '../server/storage/migrations/index.js';
import { restoreBackup } from '../server/storage/restore.js';
import { dataFolder, runScript } from './data-folder.js';

await runScript(async () => {
  const source = process.argv[2];
  if (!source) {
    console.error('Usage: npm run restore -- <backup file>');
    return 2;
  }
  const { dataDir, dbFile } = await dataFolder();
  const result = await restoreBackup({
    dataDir,
    dbFile,
    source: resolve(source),
    passphrase: process.env.HANGER_BACKUP_PASSPHRASE || undefined,
    newestSchema: MIGRATIONS.at(-1)?.version ?? 0,
  });
  console.log(
    `Restored ${source} into ${dbFile} (schema version ${result.schemaVersion}, ${result.tables} tables, integrity ok).`,
  );
  if (result.setAside) console.log(`The database that was there is kept as ${result.setAside}.`);
  return 0;
});
