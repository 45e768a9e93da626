import type { Feature } from '../feature.js';
import { salesCommands } from './commands.js';
import { salesRoutes } from './routes.js';

/** Sales: quotes, checkout, returns, exchanges, voids and promotions. */
export const salesFeature: Feature = { name: 'sales', routes: salesRoutes, commands: salesCommands };
