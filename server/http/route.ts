import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import { addressOf } from '../client-address.js';
import type { AppContext } from '../context.js';
import type { ApprovalRequest, Approver } from '../domain/staff/approval.js';
import { authorizeAction } from '../domain/staff/authorize.js';
import type { Permission } from '../domain/staff/permissions.js';
import { ApiError, validationError } from '../errors.js';
import type { Principal } from '../protocol/roles.js';
import { authenticate } from './auth.js';
import type { Door, RateLimits } from './rate-limit.js';

export type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

/** What a route handler receives: validated input and who is asking. */
export interface Call<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  /** Null only on public routes. */
  principal: Principal | null;
  /** The staff member whose PIN approved an action the caller may not do alone. */
  approver: Approver | null;
  ctx: AppContext;
  req: Request;
  res: Response;
  /** The client's address (`addressOf`), for what counts attempts against it. */
  address: string;
}

export interface RouteSpec<B = unknown, Q = unknown, P = unknown> {
  method: Method;
  path: string;
  /** 'public' routes need no token; every other route needs this permission. */
  permission: Permission | 'public';
  /** A door a guesser would knock on: each address gets this door's rate limit (`rate-limit.ts`). */
  limit?: Door;
  summary: string;
  body?: z.ZodType<B>;
  query?: z.ZodType<Q>;
  params?: z.ZodType<P>;
  /** Status of a successful answer; 200 unless said. */
  status?: number;
  handle(call: Call<B, Q, P>): Promise<unknown>;
}

/** Declares a route; the declaration also feeds the role-matrix test. */
export function route<B = unknown, Q = unknown, P = unknown>(spec: RouteSpec<B, Q, P>): RouteSpec {
  return spec as unknown as RouteSpec;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  const nul = nulAt(result.data);
  if (nul !== null) {
    throw new ApiError('validation_failed', 'Text may not contain a NUL character.', {
      [[where, ...nul].join('.')]: 'no NUL character',
    });
  }
  return result.data;
}

/**
 * Where a NUL character sits in an accepted value, or null: PostgreSQL cannot store one in
 * text (SQLite can), so it is refused here on both, before anything is looked up or written.
 */
function nulAt(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulAt(inner, [...path, key]);
    if (found) return found;
  }
  return null;
}

/** The approval headers of a request (Hanger-Approval-User and -Pin), unchecked; null without them. */
export function approvalFrom(req: Request): ApprovalRequest | null {
  const username = req.get('hanger-approval-user');
  const pin = req.get('hanger-approval-pin');
  if (username === undefined && pin === undefined) return null;
  if (!username || !pin) {
    throw new ApiError('validation_failed', 'An approval needs both the approver and the PIN.', {
      [username ? 'Hanger-Approval-Pin' : 'Hanger-Approval-User']: 'missing',
    });
  }
  return { username, pin, address: addressOf(req) };
}

/**
 * Checks who is asking and whether they may (or bring an approval that may). An approval is
 * a PIN guess like any other, so it takes a token of the address's approval limit.
 */
async function authorize(
  ctx: AppContext,
  limits: RateLimits,
  req: Request,
  permission: Permission | 'public',
  address: string,
): Promise<{ principal: Principal | null; approver: Approver | null }> {
  if (permission === 'public') return { principal: null, approver: null };
  const principal = await authenticate(ctx, req.get('authorization'));
  const approval = approvalFrom(req);
  if (approval) limits.take('approval', address);
  const approver = await authorizeAction(ctx, principal, permission, approval);
  return { principal, approver };
}

/**
 * A path's first two segments, lower case (`/api/sales` of `/API/Sales/quote`): Express matches
 * a path whatever its case, and no route has a parameter there.
 */
function groupOf(path: string): string {
  return path.split('/', 3).join('/').toLowerCase();
}

/**
 * Mounts `routes` on `router`, each group of routes (`groupOf`) on a router of its own that a
 * request reaches by its path's group: Express tries a router's routes one after the other, and
 * the sale's was the 143rd of 231, a tenth of a millisecond of every request.
 */
export function mount(
  router: Router,
  ctx: AppContext,
  routes: readonly RouteSpec[],
  limits: RateLimits,
): void {
  const groups = new Map<string, Router>();
  for (const spec of routes) {
    const name = groupOf(spec.path);
    if (/[:*]/.test(name)) throw new Error(`A route's group may not be a parameter: ${spec.path}`);
    let group = groups.get(name);
    if (!group) {
      group = express.Router();
      groups.set(name, group);
    }
    const handler: RequestHandler = async (req, res) => {
      const address = addressOf(req);
      if (spec.limit) limits.take(spec.limit, address);
      const { principal, approver } = await authorize(ctx, limits, req, spec.permission, address);
      const params = parse(spec.params, req.params, 'params');
      const query = parse(spec.query, req.query, 'query');
      const body = parse(spec.body, req.body, 'body');
      const result = await spec.handle({ body, query, params, principal, approver, ctx, req, res, address });
      if (res.headersSent) return;
      if (result === undefined) res.status(spec.status ?? 204).end();
      else res.status(spec.status ?? 200).json(result);
    };
    group[spec.method](spec.path, handler);
  }
  router.use((req, res, next) => {
    const group = groups.get(groupOf(req.path));
    if (group) group(req, res, next);
    else next();
  });
}
