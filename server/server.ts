import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApp, KIOSK_DIST } from './app.js';
import type { AppContext } from './context.js';
import { FEATURES } from './domain/features.js';
import { startEventRelay } from './events/relay.js';
import { type BucketRule, type Door, RateLimits } from './http/rate-limit.js';
import { ensureCertificate } from './http/tls.js';
import type { CommandSpec } from './ws/command.js';
import { type HubOptions, WsHub } from './ws/hub.js';

/** Every WebSocket command: each domain's from `FEATURES`. The role-matrix test walks this list. */
export const COMMANDS: readonly CommandSpec[] = FEATURES.flatMap((feature) => feature.commands);

export interface RunningServer {
  server: Server;
  hub: WsHub;
  port: number;
  url: string;
  /** Stops taking requests, lets in-flight ones finish, closes sockets and the database. */
  close(): Promise<void>;
}

export interface ServeOptions extends HubOptions {
  port: number;
  host?: string;
  kioskDir?: string;
  /** The per-address limits of the doors (tests raise them to reach the lockouts behind). */
  signInLimits?: Record<Door, BucketRule>;
}

export async function serve(ctx: AppContext, options: ServeOptions): Promise<RunningServer> {
  const limits = new RateLimits(options.signInLimits);
  const app = createApp(ctx, options.kioskDir ?? KIOSK_DIST, limits);
  // HTTPS for the LAN when config.json says so; the WebSocket upgrade rides on it (wss).
  const tls = ctx.config.https.enabled ? ensureCertificate(ctx.dataDir) : null;
  const server: Server = tls ? createTlsServer({ cert: tls.cert, key: tls.key }, app) : createServer(app);
  server.keepAliveTimeout = 65_000;
  const hub = new WsHub(ctx, server, COMMANDS, limits, options);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // The relay starts first and stops last, so what the workers publish reaches the other stores.
  const stopRelay = startEventRelay(ctx);
  const workers = FEATURES.flatMap((feature) => (feature.worker ? [feature.worker(ctx)] : []));
  for (const worker of workers) worker.start();
  let closing: Promise<void> | null = null;
  return {
    server,
    hub,
    port,
    url: `${tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}`,
    close() {
      closing ??= (async () => {
        await hub.close();
        const drained = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const force = setTimeout(() => server.closeAllConnections(), 10_000);
        await drained;
        clearTimeout(force);
        for (const worker of workers.toReversed()) await worker.stop();
        await stopRelay();
        ctx.storage.optimize();
        await ctx.storage.close();
      })();
      return closing;
    },
  };
}
