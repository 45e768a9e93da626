import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds members' names and phones, staff hashes and the owner's backups: what
 * the server or a script writes there (database, its WAL and SHM, config.json, backups, photos,
 * exports) is for the server's user alone, 0600 files in 0700 folders, whatever the umask of
 * the shell that started it.
 */
export function writePrivately(): void {
  process.umask(0o077);
}

/**
 * Takes group and other access away from a data folder an older version (or a copy) left open:
 * the folder, what lies in it, and the backups. Never adds access: a folder made read-only on
 * purpose stays read-only. Best effort: a file system without modes or a file of another user
 * is left as it is.
 */
export function closeDataFolder(dataDir: string): void {
  const close = (path: string) => {
    try {
      const { mode } = statSync(path);
      if ((mode & 0o077) !== 0) chmodSync(path, mode & 0o700);
    } catch {
      // Not ours to change: the start-up checks say what matters (a folder it cannot write).
    }
  };
  const inside = (folder: string) => {
    try {
      return readdirSync(folder).map((name) => join(folder, name));
    } catch {
      return [];
    }
  };
  close(dataDir);
  for (const path of inside(dataDir)) close(path);
  for (const path of inside(join(dataDir, 'backups'))) close(path);
}
