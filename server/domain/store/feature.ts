import type { Feature } from '../feature.js';
import { storeRoutes } from './routes.js';

/** The store itself: its name and time zone, set on the admin page. */
export const storeFeature: Feature = {
  name: 'store',
  routes: storeRoutes,
  commands: [],
};
