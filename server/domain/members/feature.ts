import type { Feature } from '../feature.js';
import { membersCommands } from './commands.js';
import { memberDocumentRoutes } from './documents.js';
import { phoneJoinRoutes } from './phone-join.js';
import { membersRoutes } from './routes.js';

/** Members: the member list, import and export, privacy, and joining from a customer's own phone. */
export const membersFeature: Feature = {
  name: 'members',
  routes: [...membersRoutes, ...phoneJoinRoutes, ...memberDocumentRoutes],
  commands: membersCommands,
};
