import type { Feature } from '../feature.js';
import { campaignRoutes } from './campaign-routes.js';
import { MarketingWorker } from './marketing-worker.js';
import { segmentRoutes } from './segment-routes.js';

/** Marketing: segments, campaigns, channels and triggers; its worker delivers the outbox and runs the triggers. */
export const marketingFeature: Feature = {
  name: 'marketing',
  routes: [...segmentRoutes, ...campaignRoutes],
  commands: [],
  worker: (ctx) => new MarketingWorker(ctx),
};
