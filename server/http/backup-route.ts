import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AppContext } from '../context.js';
import { recordAudit } from '../domain/audit/service.js';
import { assertStaff } from '../domain/staff/sessions.js';
import { ApiError } from '../errors.js';
import type { BackupList, BackupMade } from '../protocol/backups.js';
import { backupDatabase, listBackups } from '../storage/backup.js';
import { route } from './route.js';

/** What the owner is told when the store runs on PostgreSQL (README, "Chain mode"). */
export const POSTGRES_BACKUPS =
  'This store keeps its data in PostgreSQL: head office backs it up there (pg_dump, a standby replica), not here.';

const STAMP = /^hanger-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})?\d*Z\.db/;

function madeAt(name: string): string {
  const m = STAMP.exec(name);
  if (!m) return new Date(0).toISOString();
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7] ?? '000'}Z`;
}

const backupDir = (ctx: AppContext) => join(ctx.dataDir, 'backups');
const passphrase = () => process.env.HANGER_BACKUP_PASSPHRASE || undefined;

export function backupList(ctx: AppContext): BackupList {
  const engine = ctx.storage.engine;
  const items = (engine === 'sqlite' ? listBackups(backupDir(ctx)) : []).reverse().map((file) => {
    const name = basename(file);
    return { name, bytes: statSync(file).size, at: madeAt(name), encrypted: name.endsWith('.enc') };
  });
  const { enabled, everyHours, keep } = ctx.config.backups;
  return {
    items,
    schedule: { enabled: enabled && engine === 'sqlite', everyHours, keep },
    encrypting: passphrase() !== undefined,
    folder: 'backups',
    engine,
  };
}

/** The owner's backups on the admin page: the list, and one made now (as `npm run backup` does). */
export const backupRoutes = [
  route({
    method: 'get',
    path: '/api/backups',
    permission: 'backup.manage',
    summary: 'The backups in <data>/backups, newest first, with the schedule from config.json',
    handle: async ({ ctx }) => backupList(ctx),
  }),
  route({
    method: 'post',
    path: '/api/backups',
    permission: 'backup.manage',
    summary: 'Make a backup now (online: the shop keeps selling); older ones beyond backups.keep are removed',
    status: 201,
    handle: async ({ ctx, principal }): Promise<BackupMade> => {
      assertStaff(principal);
      const handle = ctx.storage.sqlite;
      if (!handle) throw new ApiError('business_rule', POSTGRES_BACKUPS);
      const made = await backupDatabase(handle, backupDir(ctx), {
        keep: ctx.config.backups.keep,
        passphrase: passphrase(),
        now: ctx.now,
      });
      const name = basename(made.file);
      await ctx.storage.write((trx) =>
        recordAudit(trx, ctx, {
          kind: 'backup.made',
          staffId: principal.staffId,
          detail: { file: name, bytes: made.bytes, encrypted: made.encrypted, removed: made.removed },
        }),
      );
      return {
        backup: { name, bytes: made.bytes, at: madeAt(name), encrypted: made.encrypted },
        removed: made.removed,
      };
    },
  }),
];
