import { command } from '../../ws/command.js';
import { auditQuery } from './routes.js';
import { queryAudit } from './service.js';

export const auditCommands = [
  command({
    type: 'audit/query',
    permission: 'audit.read',
    summary: 'Query the audit log, newest first',
    params: auditQuery,
    handle: ({ ctx, params }) => queryAudit(ctx, params),
  }),
];
