import type { Feature } from '../feature.js';
import { feedbackRoutes } from './routes.js';

/** Customers' feedback from the display, and the owner's list of it. */
export const feedbackFeature: Feature = { name: 'feedback', routes: feedbackRoutes, commands: [] };
