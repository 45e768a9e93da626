import { z } from 'zod';
import { command } from '../../ws/command.js';

export const staffCommands = [
  command({
    type: 'session/info',
    permission: 'session.self',
    summary: 'Who this connection belongs to',
    params: z.strictObject({}),
    handle: async ({ principal }) => ({ principal }),
  }),
];
