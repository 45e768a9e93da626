import type { BackupFile, BackupList } from '../../../server/http/backup-route.js';
import { type ApiAuth, call } from './http.js';

export type { BackupFile, BackupList };

export function listBackups(auth: ApiAuth): Promise<BackupList> {
  return call(auth, 'GET', '/api/backups');
}

/** Makes a backup now, as `npm run backup` does. */
export function makeBackup(auth: ApiAuth): Promise<{ backup: BackupFile; removed: string[] }> {
  return call(auth, 'POST', '/api/backups');
}
