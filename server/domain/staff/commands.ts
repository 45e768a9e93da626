import { z } from 'zod';
import { command } from '../../ws/command.js';

export const staffCommands = [
  command({
    type: 'session/info',
    permission: 'session.self',
    summary: 'Who this connection belongs to',
    params: z.strictObject({}),
    // The store's name too: the customer display's idle screen shows it.
    handle: async ({ ctx, principal }) => ({
      principal,
      store: {
        code: ctx.store.code,
        name: ctx.store.name,
        timeZone: ctx.store.timeZone,
        currency: ctx.store.currency,
      },
    }),
  }),
];
