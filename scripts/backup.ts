/**
 * `npm run backup`: an online backup of the database under HANGER_DATA into
 * `<data>/backups`, encrypted when HANGER_BACKUP_PASSPHRASE is set, keeping the newest
 * `backups.keep` (config.json). Safe while the server runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { backupDatabase } from '../server/storage/backup.js';
import { dataFolder, runScript } from './data-folder.js';

await runScript(async () => {
  const { dataDir, config, dbFile } = await dataFolder();
  if (!existsSync(dbFile)) throw new Error(`No database at ${dbFile}. Set HANGER_DATA to the data folder.`);
  const db = new BetterSqlite3(dbFile, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const result = await backupDatabase(db, join(dataDir, 'backups'), {
      keep: config.backups.keep,
      passphrase: process.env.HANGER_BACKUP_PASSPHRASE || undefined,
    });
    console.log(
      `Backup written: ${result.file} (${result.bytes} bytes${result.encrypted ? ', encrypted' : ''}).` +
        (result.removed.length > 0 ? ` Removed by rotation: ${result.removed.join(', ')}.` : ''),
    );
  } finally {
    db.close();
  }
  return 0;
});
