import type { AppContext } from '../context.js';
import type { RouteSpec } from '../http/route.js';
import type { CommandSpec } from '../ws/command.js';

/**
 * What a domain brings to the server, declared once in its own `feature.ts` (after
 * zigbee2mqtt's extensions): its HTTP routes, its WebSocket commands and, if it has
 * background work, a worker. `server/app.ts` mounts the routes of `FEATURES`,
 * `server/server.ts` registers their commands and starts the workers in list order, and
 * stops them in reverse order before the database closes.
 */
export interface Feature {
  readonly name: string;
  readonly routes: readonly RouteSpec[];
  readonly commands: readonly CommandSpec[];
  /**
   * Makes this domain's background work for one running server. Making it does no work;
   * several servers (a chain's stores in one test) each get their own.
   */
  worker?(ctx: AppContext): Worker;
}

/** Background work of one server: `start()` returns at once; `stop()` waits for work in progress. */
export interface Worker {
  start(): void;
  stop(): Promise<void>;
}
