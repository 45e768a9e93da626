import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The file that says a server holds the data folder. */
export const LOCK_FILE = 'hanger.lock';

export class DataFolderLockedError extends Error {
  override name = 'DataFolderLockedError';
}

export interface LockHolder {
  pid: number;
  startedAt: string;
  host: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | null {
  try {
    const holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof holder.pid === 'number' ? (holder as LockHolder) : null;
  } catch {
    return null;
  }
}

/** The live process holding `dataDir`, or null when the folder is free (or the lock is stale). */
export function lockHolder(dataDir: string): LockHolder | null {
  const holder = readHolder(join(dataDir, LOCK_FILE));
  return holder && holder.pid !== process.pid && isAlive(holder.pid) ? holder : null;
}

export function lockedMessage(dataDir: string, holder: LockHolder): string {
  return (
    `Another Hanger server (PID ${holder.pid}, started ${holder.startedAt}) is using the data folder ${dataDir}. ` +
    'Stop it first, or point HANGER_DATA at another folder.'
  );
}

/**
 * Takes the data folder for this process: `hanger.lock` with the PID, created exclusively
 * (written aside, then hard-linked into place, so it never exists half-written). A lock
 * left by a dead process is taken over. Returns the release function.
 */
export function lockDataFolder(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  const mine: LockHolder = { pid: process.pid, startedAt: new Date().toISOString(), host: hostname() };
  const draft = join(dataDir, `.${LOCK_FILE}.${process.pid}`);
  try {
    writeFileSync(draft, `${JSON.stringify(mine)}\n`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'ENOSPC') {
      throw new DataFolderLockedError(
        `Hanger cannot write in the data folder ${dataDir} (${code}: ${code === 'ENOSPC' ? 'the disk is full' : 'read-only'}). ` +
          'It needs to write its database there: fix the permissions or free some space, then start again.',
      );
    }
    throw error;
  }
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        linkSync(draft, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) {
          const holder = readHolder(file);
          if (holder) throw new DataFolderLockedError(lockedMessage(dataDir, holder));
          throw error;
        }
        const holder = lockHolder(dataDir);
        if (holder) throw new DataFolderLockedError(lockedMessage(dataDir, holder));
        // Stale: its process is gone (kill -9, power cut). Take it over.
        rmSync(file, { force: true });
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
  return () => {
    if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
  };
}
