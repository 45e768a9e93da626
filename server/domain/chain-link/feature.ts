import type { Feature } from '../feature.js';
import { CHANGE_LOG_PRUNE_MS, pruneChangeLog } from './change-log.js';
import { chainLinkRoutes } from './routes.js';

/**
 * A chain store's link to head office: selling on from a local copy while head office is out
 * of reach, and sending what was sold when it is back. First on the list, so its worker stops
 * last and hands the server back its head-office database before that closes. A chain server
 * without a link (`HANGER_OFFLINE=off`) still prunes head office's log of changed rows, which
 * the links otherwise prune after their refreshes: a chain whose stores all refuse to sell
 * offline would grow it forever.
 */
export const chainLinkFeature: Feature = {
  name: 'chain-link',
  routes: chainLinkRoutes,
  commands: [],
  worker: (ctx) => {
    let pruning: NodeJS.Timeout | undefined;
    return {
      start: () => {
        if (ctx.link) return ctx.link.start();
        if (ctx.storage.engine !== 'postgres') return;
        const storage = ctx.storage;
        pruning = setInterval(() => {
          pruneChangeLog(storage, ctx.now()).catch((error: Error) =>
            ctx.log.warn({ err: error.message }, 'chain: the log of changed rows was not pruned'),
          );
        }, CHANGE_LOG_PRUNE_MS).unref();
      },
      stop: async () => {
        clearInterval(pruning);
        await ctx.link?.stop();
      },
    };
  },
};
