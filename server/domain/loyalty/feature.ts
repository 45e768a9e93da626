import type { Feature } from '../feature.js';
import { LoyaltyTimer } from './jobs.js';
import { loyaltyRoutes } from './routes.js';

/** Loyalty: points, stored value, tiers, coupons and gifts; its timer runs the due jobs every hour. */
export const loyaltyFeature: Feature = {
  name: 'loyalty',
  routes: loyaltyRoutes,
  commands: [],
  worker: (ctx) => new LoyaltyTimer(ctx),
};
