import type { Feature } from '../feature.js';
import { devicesCommands } from './commands.js';
import { devicesRoutes } from './routes.js';

/** Devices: pairing, the drawer, printing and what the bridges report. */
export const devicesFeature: Feature = { name: 'devices', routes: devicesRoutes, commands: devicesCommands };
