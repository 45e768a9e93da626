import type { Feature } from '../feature.js';
import { catalogCommands } from './commands.js';
import { catalogRoutes } from './routes.js';
import { showcaseRoutes } from './showcase.js';

/** The catalogue: styles, SKUs, prices, photos, labels, and the showcase screen's pictures. */
export const catalogFeature: Feature = {
  name: 'catalog',
  routes: [...catalogRoutes, ...showcaseRoutes],
  commands: catalogCommands,
};
