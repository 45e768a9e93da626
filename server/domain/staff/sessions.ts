import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { DevicePrincipal, StaffPrincipal, StaffRole } from '../../protocol/roles.js';
import type { SignedIn } from '../../protocol/session.js';
import { hotQuery } from '../../storage/hot-query.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { queueRow } from '../chain-link/queue.js';
import { checkCredential } from './credentials.js';
import { newToken, tokenHash } from './secrets.js';

async function openSession(
  ctx: AppContext,
  staff: { id: string; name: string; role: string },
  method: 'password' | 'pin',
  deviceId: string | null,
): Promise<SignedIn> {
  const token = newToken('hgs');
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ctx.config.security.sessionHours * 3_600_000).toISOString();
  const sessionId = newId();
  const session = {
    id: sessionId,
    store_id: ctx.store.id,
    staff_id: staff.id,
    token_hash: tokenHash(token),
    device_id: deviceId,
    method,
    created_at: now.toISOString(),
    expires_at: expiresAt,
    revoked_at: null,
    revoked_reason: null,
  };
  const storage = ctx.storage;
  await storage.write(async (trx) => {
    await trx.insertInto('staff_sessions').values(session).execute();
    // Signed in offline: head office learns the session, so the till stays signed in once it is back.
    await queueRow(trx, storage.offlineCopy, 'staff_sessions', session);
    await recordAudit(trx, ctx, {
      kind: 'auth.login',
      staffId: staff.id,
      deviceId,
      subjectType: 'session',
      subjectId: sessionId,
      detail: { method },
    });
  });
  return { token, expiresAt, staff: { id: staff.id, name: staff.name, role: staff.role as StaffRole } };
}

/** Password sign-in (the admin page). */
export async function login(
  ctx: AppContext,
  username: string,
  password: string,
  address: string,
): Promise<SignedIn> {
  const staff = await checkCredential(ctx, username, password, 'password', 'login', {
    deviceId: null,
    address,
  });
  return openSession(ctx, staff, 'password', null);
}

/** PIN sign-in on a paired checkout terminal; the session is bound to that terminal. */
export async function pinLogin(
  ctx: AppContext,
  terminal: DevicePrincipal,
  username: string,
  pin: string,
  address: string,
): Promise<SignedIn> {
  const staff = await checkCredential(ctx, username, pin, 'pin', 'pin_login', {
    deviceId: terminal.deviceId,
    address,
  });
  return openSession(ctx, staff, 'pin', terminal.deviceId);
}

export async function logout(ctx: AppContext, principal: StaffPrincipal): Promise<void> {
  await ctx.storage.write(async (trx) => {
    await trx
      .updateTable('staff_sessions')
      .set({ revoked_at: ctx.now().toISOString(), revoked_reason: 'logout' })
      .where('id', '=', principal.sessionId)
      .where('revoked_at', 'is', null)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'auth.logout',
      staffId: principal.staffId,
      deviceId: principal.deviceId,
      subjectType: 'session',
      subjectId: principal.sessionId,
    });
  });
}

/**
 * The signed-in staff member behind a token, or null when the token is unknown, expired,
 * revoked, the staff member disabled, or the terminal it was issued on revoked.
 */
const sessionByToken = hotQuery((db, value) =>
  db
    .selectFrom('staff_sessions as s')
    .innerJoin('staff as st', 'st.id', 's.staff_id')
    .leftJoin('devices as d', 'd.id', 's.device_id')
    .select([
      's.id as sessionId',
      's.expires_at as expiresAt',
      's.revoked_at as revokedAt',
      's.device_id as deviceId',
      'd.revoked_at as deviceRevokedAt',
      'st.id as staffId',
      's.store_id as storeId',
      'st.name as name',
      'st.role as role',
      'st.active as active',
      'st.store_id as homeStoreId',
      'st.chain_wide as chainWide',
    ])
    .where('s.token_hash', '=', value('tokenHash')),
);

export async function resolveStaffToken(ctx: AppContext, token: string): Promise<StaffPrincipal | null> {
  const row = await sessionByToken.first(ctx.storage.db, { tokenHash: tokenHash(token) });
  if (!row || row.revokedAt || !row.active || row.deviceRevokedAt) return null;
  // A sign-in is at one store: another store of the chain asks for its own.
  if (row.storeId !== ctx.store.id) return null;
  if (row.expiresAt <= ctx.now().toISOString()) return null;
  return {
    kind: 'staff',
    staffId: row.staffId,
    storeId: row.storeId,
    name: row.name,
    role: row.role as StaffRole,
    headOffice: row.chainWide === 1 || row.homeStoreId === ctx.store.catalogId,
    sessionId: row.sessionId,
    deviceId: row.deviceId,
    expiresAt: row.expiresAt,
  };
}

/**
 * Signs a staff member out everywhere (disabled, password changed), or only where they signed
 * in with one `method` (their PIN changed). Run inside the caller's transaction.
 */
export function revokeSessionsOf(
  trx: Kysely<Database>,
  ctx: AppContext,
  staffId: string,
  reason: string,
  method?: 'password' | 'pin',
) {
  let query = trx
    .updateTable('staff_sessions')
    .set({ revoked_at: ctx.now().toISOString(), revoked_reason: reason })
    .where('staff_id', '=', staffId)
    .where('revoked_at', 'is', null);
  if (method) query = query.where('method', '=', method);
  return query.execute();
}

export function assertStaff(principal: unknown): asserts principal is StaffPrincipal {
  if ((principal as StaffPrincipal | null)?.kind !== 'staff') {
    throw new ApiError('forbidden', 'A staff member must be signed in for this.');
  }
}
