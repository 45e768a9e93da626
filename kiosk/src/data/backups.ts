import type { BackupList, BackupMade } from '../../../server/protocol/backups.js';
import { type ApiAuth, call } from './http.js';

export type { BackupFile, BackupList } from '../../../server/protocol/backups.js';

export function listBackups(auth: ApiAuth): Promise<BackupList> {
  return call(auth, 'GET', '/api/backups');
}

/** Makes a backup now, as `npm run backup` does. */
export function makeBackup(auth: ApiAuth): Promise<BackupMade> {
  return call(auth, 'POST', '/api/backups');
}
