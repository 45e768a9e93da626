import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  BackupError,
  decryptBackup,
  isEncryptedBackup,
  type VerifiedBackup,
  verifyBackup,
} from './backup.js';
import { lockDataFolder, lockedMessage, lockHolder } from './lock.js';

export interface RestoreOptions {
  dataDir: string;
  /** The live database file (`<data>/<database.file>`). */
  dbFile: string;
  /** The backup to restore. */
  source: string;
  passphrase?: string | undefined;
  /** The newest schema version this Hanger knows. */
  newestSchema: number;
  now?: () => Date;
}

export interface RestoreResult extends VerifiedBackup {
  /** Where the database that was there before now lies, if there was one. */
  setAside: string | null;
}

/**
 * Puts a backup in place of the live database: refuses while a server holds the data
 * folder, decrypts and checks the backup (integrity, schema version) before touching
 * anything, then moves the current database (with its -wal and -shm) aside as
 * `<file>.before-restore-<time>` and moves the checked copy in.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const holder = lockHolder(options.dataDir);
  if (holder) throw new BackupError(`Refused: ${lockedMessage(options.dataDir, holder)}`);
  if (!existsSync(options.source)) throw new BackupError(`No backup at ${options.source}.`);
  const release = lockDataFolder(options.dataDir);
  const staged = join(options.dataDir, `.restore-${process.pid}.db`);
  try {
    if (isEncryptedBackup(options.source)) {
      if (!options.passphrase) {
        throw new BackupError(
          `${basename(options.source)} is encrypted: set HANGER_BACKUP_PASSPHRASE to its passphrase.`,
        );
      }
      await decryptBackup(options.source, staged, options.passphrase);
    } else {
      copyFileSync(options.source, staged);
    }
    const verified = verifyBackup(staged, options.newestSchema);
    const now = options.now ?? (() => new Date());
    let setAside: string | null = null;
    if (existsSync(options.dbFile)) {
      setAside = `${options.dbFile}.before-restore-${now().toISOString().replace(/[:.]/g, '-')}`;
      renameSync(options.dbFile, setAside);
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(options.dbFile + suffix)) renameSync(options.dbFile + suffix, setAside + suffix);
      }
    }
    renameSync(staged, options.dbFile);
    return { ...verified, setAside };
  } finally {
    // Opening the staged copy to check it may have left an empty -wal and -shm beside it.
    for (const suffix of ['', '-wal', '-shm']) rmSync(staged + suffix, { force: true });
    release();
  }
}
