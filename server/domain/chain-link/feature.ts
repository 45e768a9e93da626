import type { Feature } from '../feature.js';
import { chainLinkRoutes } from './routes.js';

/**
 * A chain store's link to head office: selling on from a local copy while head office is out
 * of reach, and sending what was sold when it is back. First on the list, so its worker stops
 * last and hands the server back its head-office database before that closes.
 */
export const chainLinkFeature: Feature = {
  name: 'chain-link',
  routes: chainLinkRoutes,
  commands: [],
  worker: (ctx) => ({
    start: () => ctx.link?.start(),
    stop: async () => ctx.link?.stop(),
  }),
};
