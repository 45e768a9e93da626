import type { Feature } from '../feature.js';
import { reportsRoutes } from './routes.js';

/** Reports: sales and member analytics over a range of store days (read only). */
export const reportsFeature: Feature = { name: 'reports', routes: reportsRoutes, commands: [] };
