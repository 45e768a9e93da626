import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { newId } from '../../ids.js';
import type { AuditPage } from '../../protocol/audit.js';
import { AUDIT_KINDS, type AuditKind } from '../../protocol/audit.js';
import { append } from '../../storage/appends.js';
import { newestFirstPage } from '../../storage/paging.js';
import type { Database } from '../../storage/schema.js';

export { AUDIT_KINDS, type AuditKind };

export interface AuditEntry {
  kind: AuditKind;
  staffId?: string | null;
  /** Who approved with a PIN what `staffId` could not do alone. */
  approverId?: string | null;
  deviceId?: string | null;
  subjectType?: string;
  subjectId?: string;
  detail?: Record<string, unknown>;
}

/** Appends one audit row inside the caller's transaction, so it commits with the action. */
export async function recordAudit(trx: Kysely<Database>, ctx: AppContext, entry: AuditEntry): Promise<void> {
  if (ctx.auditedAtStore) return;
  await append(trx, 'audit_log', {
    id: newId(),
    store_id: ctx.store.id,
    at: ctx.now().toISOString(),
    kind: entry.kind,
    staff_id: entry.staffId ?? null,
    approver_id: entry.approverId ?? null,
    device_id: entry.deviceId ?? null,
    subject_type: entry.subjectType ?? null,
    subject_id: entry.subjectId ?? null,
    detail: JSON.stringify(entry.detail ?? {}),
  });
}

export interface AuditFilter {
  from?: string;
  to?: string;
  staffId?: string;
  kind?: AuditKind;
  /** Id of the last row of the previous page. */
  before?: string;
  limit: number;
}

/** Newest first; `nextBefore` pages on. */
export async function queryAudit(ctx: AppContext, filter: AuditFilter): Promise<AuditPage> {
  let query = ctx.storage.db.selectFrom('audit_log').selectAll().where('store_id', '=', ctx.store.id);
  if (filter.from) query = query.where('at', '>=', filter.from);
  if (filter.to) query = query.where('at', '<', filter.to);
  if (filter.staffId) {
    const staffId = filter.staffId;
    query = query.where((eb) => eb.or([eb('staff_id', '=', staffId), eb('approver_id', '=', staffId)]));
  }
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.before) query = query.where('id', '<', filter.before);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return newestFirstPage(rows, filter.limit, (row) => ({
    id: row.id,
    at: row.at,
    kind: row.kind as AuditKind,
    staffId: row.staff_id,
    approverId: row.approver_id,
    deviceId: row.device_id,
    subject: row.subject_type && row.subject_id ? { type: row.subject_type, id: row.subject_id } : null,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
  }));
}
