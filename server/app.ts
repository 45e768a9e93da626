import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { type Express } from 'express';
import type { AppContext } from './context.js';
import { FEATURES } from './domain/features.js';
import { ApiError } from './errors.js';
import { backupRoutes } from './http/backup-route.js';
import { BODY_LIMIT, errorHandler } from './http/error-handler.js';
import { exportRoutes } from './http/export-route.js';
import { healthRoutes } from './http/health.js';
import { RateLimits } from './http/rate-limit.js';
import { requestLog } from './http/request-log.js';
import { mount, type RouteSpec } from './http/route.js';
import { securityHeaders } from './http/security-headers.js';

/**
 * Every HTTP route of the server: its own (health, export, backups) and each domain's from
 * `FEATURES`. The role-matrix test walks this list.
 */
export const ROUTES: readonly RouteSpec[] = [
  ...healthRoutes,
  ...FEATURES.flatMap((feature) => feature.routes),
  ...exportRoutes,
  ...backupRoutes,
];

/** The screens, each a page of the kiosk build (`join`: a customer's own phone, from the display's QR code). */
export const SCREENS = ['checkout', 'display', 'lookup', 'admin', 'join'] as const;

export const KIOSK_DIST = resolve(import.meta.dirname, '../kiosk/dist');

export function createApp(ctx: AppContext, kioskDir = KIOSK_DIST, limits = new RateLimits()): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(ctx.log));
  app.use(securityHeaders());
  app.use('/api', express.json({ limit: BODY_LIMIT }));

  const api = express.Router();
  mount(api, ctx, ROUTES, limits);
  app.use(api);
  app.use('/api', () => {
    throw new ApiError('not_found', 'No such API path.');
  });

  for (const screen of SCREENS) {
    app.get([`/${screen}`, `/${screen}/`], (_req, res) => {
      const page = join(kioskDir, screen, 'index.html');
      if (existsSync(page)) res.sendFile(page);
      else res.status(503).type('text/plain').send('The screens are not built yet: run `npm run build`.');
    });
  }
  app.get('/', (_req, res) => res.redirect('/admin'));
  app.use(express.static(kioskDir, { index: false }));

  app.use(errorHandler(ctx.log));
  return app;
}
