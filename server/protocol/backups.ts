/** The owner's backups page (`GET /api/backups`, `POST /api/backups`). */

/** One file in `<data>/backups`. */
export interface BackupFile {
  name: string;
  bytes: number;
  /** When it was made, from its name (UTC). */
  at: string;
  encrypted: boolean;
}

export interface BackupList {
  items: BackupFile[];
  /** `backups` of data/config.json: the server makes one when the newest is older than `everyHours`. */
  schedule: { enabled: boolean; everyHours: number; keep: number };
  /** Whether HANGER_BACKUP_PASSPHRASE is set, so new backups are encrypted. */
  encrypting: boolean;
  /** The folder, relative to the data folder. */
  folder: string;
  /** `postgres`: the store's data is in the chain's PostgreSQL, backed up there; nothing here. */
  engine: 'sqlite' | 'postgres';
}

/** What `POST /api/backups` answers: the new file, and the old ones the schedule's `keep` removed. */
export interface BackupMade {
  backup: BackupFile;
  removed: string[];
}
