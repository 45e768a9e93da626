import type { AuditPage, AuditQuery } from '../../../server/protocol/audit.js';
import { type ApiAuth, call } from './http.js';

export type { AuditPage, AuditQuery, AuditRow as AuditEntry } from '../../../server/protocol/audit.js';

/** The audit log, newest first, a page at a time. */
export function queryAudit(auth: ApiAuth, query: AuditQuery): Promise<AuditPage> {
  return call<AuditPage>(auth, 'GET', '/api/audit', { query: { ...query } });
}
