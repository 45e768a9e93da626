import { sql } from 'kysely';
import type { Health } from '../protocol/health.js';
import { storageFaultMessage } from '../storage/faults.js';
import { route } from './route.js';

export const healthRoutes = [
  route({
    method: 'get',
    path: '/api/health',
    permission: 'public',
    summary: 'Is the server up and its database answering',
    handle: async ({ ctx, res }): Promise<Health | undefined> => {
      try {
        await sql`select 1`.execute(ctx.storage.db);
      } catch (error) {
        // A monitor (or a load balancer) reads the status; the server keeps running and
        // answers 200 again by itself once the database is back.
        if (storageFaultMessage(error) === null) throw error;
        res.status(503).set('Retry-After', '30').json({ status: 'storage_unavailable' });
        return;
      }
      return { status: 'ok', version: ctx.version };
    },
  }),
];
