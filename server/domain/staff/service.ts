import { randomBytes } from 'node:crypto';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StaffRole } from '../../protocol/roles.js';
import type { NewStaff, StaffChanges, StaffView } from '../../protocol/staff.js';
import type { StaffRow } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { hashSecret } from './secrets.js';
import { revokeSessionsOf } from './sessions.js';
import { liftLocks, locksOf } from './sign-in-locks.js';

function view(row: StaffRow & { storeCode: string }, lockedUntil: string | null): StaffView {
  return {
    id: row.id,
    store: row.storeCode,
    username: row.username,
    name: row.name,
    role: row.role as StaffRole,
    active: row.active === 1,
    hasPin: row.pin_hash !== null,
    lockedUntil,
    chainWide: row.chain_wide === 1,
    createdAt: row.created_at,
  };
}

export async function listStaff(ctx: AppContext): Promise<StaffView[]> {
  // This store's staff and head office's (other stores of a chain keep their own).
  const rows = await withStore(ctx)
    .where((eb) => eb.or([eb('staff.store_id', '=', ctx.store.id), eb('staff.chain_wide', '=', 1)]))
    .orderBy('staff.created_at')
    .execute();
  const locks = await locksOf(
    ctx.storage.db,
    rows.map((row) => row.id),
    ctx.now(),
  );
  return rows.map((row) => view(row, locks.get(row.id) ?? null));
}

async function findRow(ctx: AppContext, id: string): Promise<StaffRow> {
  const row = await ctx.storage.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('staff member', id);
  return row;
}

/** Staff rows with the code of the store each was made at. */
function withStore(ctx: AppContext) {
  return ctx.storage.db
    .selectFrom('staff')
    .innerJoin('stores', 'stores.id', 'staff.store_id')
    .selectAll('staff')
    .select('stores.code as storeCode');
}

async function viewOf(ctx: AppContext, id: string): Promise<StaffView> {
  const row = await withStore(ctx).where('staff.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('staff member', id);
  const locks = await locksOf(ctx.storage.db, [id], ctx.now());
  return view(row, locks.get(id) ?? null);
}

export async function createStaff(
  ctx: AppContext,
  input: NewStaff,
  byStaffId: string | null,
): Promise<StaffView> {
  const [passwordHash, pinHash] = await Promise.all([
    hashSecret(input.password),
    input.pin ? hashSecret(input.pin) : Promise.resolve(null),
  ]);
  const now = ctx.now().toISOString();
  const id = newId();
  await ctx.storage.write(async (trx) => {
    const taken = await trx
      .selectFrom('staff')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (taken) {
      throw new ApiError('conflict', `The username ${input.username} is already in use.`, {
        username: 'already in use',
      });
    }
    await trx
      .insertInto('staff')
      .values({
        id,
        store_id: ctx.store.id,
        username: input.username,
        name: input.name,
        role: input.role,
        chain_wide: input.role === 'owner' || input.chainWide ? 1 : 0,
        password_hash: passwordHash,
        pin_hash: pinHash,
        active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'staff.created',
      staffId: byStaffId,
      subjectType: 'staff',
      subjectId: id,
      detail: { username: input.username, role: input.role },
    });
  });
  return viewOf(ctx, id);
}

export async function updateStaff(
  ctx: AppContext,
  id: string,
  changes: StaffChanges,
  byStaffId: string,
): Promise<StaffView> {
  const before = await findRow(ctx, id);
  const [passwordHash, pinHash] = await Promise.all([
    changes.password ? hashSecret(changes.password) : Promise.resolve(undefined),
    changes.pin ? hashSecret(changes.pin) : Promise.resolve(changes.pin === null ? null : undefined),
  ]);
  if (byStaffId === id && (changes.active === false || (changes.role && changes.role !== 'owner'))) {
    throw new ApiError('business_rule', 'You cannot disable yourself or give up your own owner role.', {
      [changes.active === false ? 'active' : 'role']: 'not for your own account',
    });
  }
  await ctx.storage.write(async (trx) => {
    await trx
      .updateTable('staff')
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.role !== undefined && { role: changes.role }),
        ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
        // Owners are always head office; anyone else signs in at every store only when chain-wide.
        ...((changes.chainWide !== undefined || changes.role !== undefined) && {
          chain_wide:
            (changes.role ?? before.role) === 'owner' || (changes.chainWide ?? before.chain_wide === 1)
              ? 1
              : 0,
        }),
        ...(passwordHash !== undefined && { password_hash: passwordHash }),
        ...(pinHash !== undefined && { pin_hash: pinHash }),
        updated_at: ctx.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    // No longer chain-wide: the sign-ins at other stores end with the rest.
    const signOut =
      changes.active === false ||
      passwordHash !== undefined ||
      changes.role !== undefined ||
      changes.chainWide === false;
    if (signOut)
      await revokeSessionsOf(trx, ctx, id, changes.active === false ? 'disabled' : 'credentials_changed');
    // A new (or no) PIN ends what the old PIN opened: a till left signed in with it, too.
    else if (pinHash !== undefined) await revokeSessionsOf(trx, ctx, id, 'credentials_changed', 'pin');
    await recordAudit(trx, ctx, {
      kind: 'staff.updated',
      staffId: byStaffId,
      subjectType: 'staff',
      subjectId: id,
      detail: {
        changed: Object.keys(changes).filter((key) => changes[key as keyof StaffChanges] !== undefined),
        ...(changes.role !== undefined && { role: { from: before.role, to: changes.role } }),
        ...(changes.active !== undefined && { active: changes.active }),
        ...(changes.chainWide !== undefined && { chainWide: changes.chainWide }),
      },
    });
  });
  if (changes.active !== undefined)
    ctx.bus.publish('staff.changed', ctx.store.id, { staffId: id, active: changes.active });
  return viewOf(ctx, id);
}

export async function unlockStaff(ctx: AppContext, id: string, byStaffId: string): Promise<StaffView> {
  await findRow(ctx, id);
  await ctx.storage.write(async (trx) => {
    await liftLocks(trx, id);
    await recordAudit(trx, ctx, {
      kind: 'staff.updated',
      staffId: byStaffId,
      subjectType: 'staff',
      subjectId: id,
      detail: { changed: ['unlocked'] },
    });
  });
  return viewOf(ctx, id);
}

/**
 * First start: creates the owner account `owner`. Without a password given, one is made up
 * and handed back so the caller can print it once.
 */
export async function ensureOwner(
  ctx: AppContext,
  password: string | undefined,
): Promise<{ created: boolean; generatedPassword: string | null }> {
  const any = await ctx.storage.db.selectFrom('staff').select('id').limit(1).executeTakeFirst();
  if (any) return { created: false, generatedPassword: null };
  const generated = password ? null : randomBytes(9).toString('base64url');
  await createStaff(
    ctx,
    { username: 'owner', name: '店主', role: 'owner', password: password ?? generated ?? '' },
    null,
  );
  return { created: true, generatedPassword: generated };
}
