import { join } from 'node:path';
import type { AppContext } from '../context.js';
import { backupDatabase, startBackupSchedule } from './backup.js';

/**
 * The server's own backups: into `<data>/backups` whenever the newest is older than
 * `backups.everyHours`, keeping `backups.keep`, encrypted with HANGER_BACKUP_PASSPHRASE
 * when it is set. Returns the stop function.
 */
export function scheduleBackups(
  ctx: AppContext,
  env: NodeJS.ProcessEnv = process.env,
  checkMs?: number,
): () => Promise<void> {
  const handle = ctx.storage.sqlite;
  const settings = ctx.config.backups;
  if (!handle || !settings.enabled) return async () => undefined;
  const dir = join(ctx.dataDir, 'backups');
  return startBackupSchedule({
    dir,
    everyHours: settings.everyHours,
    ...(checkMs !== undefined && { checkMs }),
    run: () =>
      backupDatabase(handle, dir, {
        keep: settings.keep,
        passphrase: env.HANGER_BACKUP_PASSPHRASE || undefined,
      }),
    onResult: (result) => {
      if (result instanceof Error) ctx.log.error({ err: result.message }, 'backup failed');
      else
        ctx.log.info(
          { file: result.file, bytes: result.bytes, encrypted: result.encrypted, removed: result.removed },
          'backup written',
        );
    },
  });
}
