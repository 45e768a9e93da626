import type { AppContext } from '../context.js';
import { resolveDeviceToken } from '../domain/devices/service.js';
import { resolveStaffToken } from '../domain/staff/sessions.js';
import { ApiError } from '../errors.js';
import type { Principal } from '../protocol/roles.js';

/** Resolves a bearer token (staff `hgs_…` or device `hgd_…`) to its principal, or throws 401. */
export async function authenticate(ctx: AppContext, header: string | undefined): Promise<Principal> {
  const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
  if (!token) throw new ApiError('unauthorized', 'Sign in first: this needs an Authorization: Bearer token.');
  const principal = await resolveToken(ctx, token);
  if (!principal)
    throw new ApiError('unauthorized', 'This token is unknown, expired or revoked. Sign in again.');
  return principal;
}

export async function resolveToken(ctx: AppContext, token: string): Promise<Principal | null> {
  if (token.length > 200) return null;
  if (token.startsWith('hgs_')) return resolveStaffToken(ctx, token);
  if (token.startsWith('hgd_')) return resolveDeviceToken(ctx, token);
  return null;
}
