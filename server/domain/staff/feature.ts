import type { Feature } from '../feature.js';
import { staffCommands } from './commands.js';
import { staffRoutes } from './routes.js';

/** Staff: sign-in, PINs, sessions and the staff list. */
export const staffFeature: Feature = { name: 'staff', routes: staffRoutes, commands: staffCommands };
