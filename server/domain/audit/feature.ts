import type { Feature } from '../feature.js';
import { auditCommands } from './commands.js';
import { auditRoutes } from './routes.js';

/** The audit log: who did what, for the owner to read. */
export const auditFeature: Feature = { name: 'audit', routes: auditRoutes, commands: auditCommands };
