import { type ApiAuth, call } from './http.js';

export interface AuditEntry {
  id: string;
  at: string;
  kind: string;
  staffId: string | null;
  approverId: string | null;
  deviceId: string | null;
  subject: { type: string; id: string } | null;
  detail: Record<string, unknown> | null;
}

export interface AuditQuery {
  from?: string;
  to?: string;
  staffId?: string;
  kind?: string;
  limit?: number;
  before?: string;
}

export interface AuditPage {
  items: AuditEntry[];
  nextBefore: string | null;
}

/** The audit log, newest first, a page at a time. */
export function queryAudit(auth: ApiAuth, query: AuditQuery): Promise<AuditPage> {
  return call<AuditPage>(auth, 'GET', '/api/audit', { query: { ...query } });
}
