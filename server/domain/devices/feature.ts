import type { Feature } from '../feature.js';
import { devicesCommands } from './commands.js';
import { PoleDriver } from './pole.js';
import { devicesRoutes } from './routes.js';

/** Devices: pairing, the drawer, printing, the pole displays and what the bridges report. */
export const devicesFeature: Feature = {
  name: 'devices',
  routes: devicesRoutes,
  commands: devicesCommands,
  worker: (ctx) => new PoleDriver(ctx),
};
