import { sql } from 'kysely';
import { route } from './route.js';

export const healthRoutes = [
  route({
    method: 'get',
    path: '/api/health',
    permission: 'public',
    summary: 'Is the server up and its database answering',
    handle: async ({ ctx }) => {
      await sql`select 1`.execute(ctx.storage.db);
      return { status: 'ok', version: ctx.version };
    },
  }),
];
