import { z } from 'zod';
import { instant } from '../../dates.js';
import { route } from '../../http/route.js';
import { AUDIT_KINDS, queryAudit } from './service.js';

/** Any offset accepted; compared in UTC as stored. */
const isoTime = instant().transform((value) => new Date(value).toISOString());

export const auditQuery = z.strictObject({
  from: isoTime.optional(),
  to: isoTime.optional(),
  staffId: z.string().max(64).optional(),
  kind: z.enum(AUDIT_KINDS).optional(),
  before: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const auditRoutes = [
  route({
    method: 'get',
    path: '/api/audit',
    permission: 'audit.read',
    summary: 'Query the audit log by time, staff and kind, newest first',
    query: auditQuery,
    handle: ({ ctx, query }) => queryAudit(ctx, query),
  }),
];
