import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { StaffRow } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { ABSENT_ACCOUNT_HASH, verifySecret } from './secrets.js';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 5;

export type CredentialKind = 'password' | 'pin';
/** Why the credential is checked, recorded on failures. */
export type CredentialPurpose = 'login' | 'pin_login' | 'approval';

/**
 * Checks a staff member's password or PIN. Wrong answers count towards the lockout
 * (5 in a row lock the account for 5 minutes) and are audited; the row comes back on success.
 */
export async function checkCredential(
  ctx: AppContext,
  username: string,
  secret: string,
  kind: CredentialKind,
  purpose: CredentialPurpose,
  deviceId: string | null,
): Promise<StaffRow> {
  const staff = await ctx.storage.db
    .selectFrom('staff')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
  const hash = kind === 'password' ? staff?.password_hash : staff?.pin_hash;
  const wrong = kind === 'password' ? 'Wrong username or password.' : 'Wrong username or PIN.';

  if (!staff?.active || !hash) {
    await verifySecret(secret, ABSENT_ACCOUNT_HASH);
    await ctx.storage.write((trx) =>
      recordAudit(trx, ctx, {
        kind: 'auth.login_failed',
        deviceId,
        detail: { username, method: kind, purpose, reason: staff ? 'disabled_or_no_secret' : 'unknown_user' },
      }),
    );
    throw new ApiError('unauthorized', wrong);
  }

  const now = ctx.now();
  if (staff.locked_until && staff.locked_until > now.toISOString())
    throw lockedError(staff.locked_until, now);

  if (await verifySecret(secret, hash)) {
    if (staff.store_id !== ctx.store.id && !staff.chain_wide) {
      throw new ApiError(
        'forbidden',
        `${staff.name} works at another store of the chain; only head-office staff sign in at every store.`,
      );
    }
    if (staff.failed_attempts > 0 || staff.locked_until) {
      await ctx.storage.write((trx) =>
        trx
          .updateTable('staff')
          .set({ failed_attempts: 0, locked_until: null })
          .where('id', '=', staff.id)
          .execute(),
      );
    }
    return staff;
  }

  const lockedUntil = await ctx.storage.write(async (trx) => {
    const row = await trx
      .updateTable('staff')
      .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
      .where('id', '=', staff.id)
      .returning('failed_attempts')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, {
      kind: 'auth.login_failed',
      staffId: staff.id,
      deviceId,
      detail: { username, method: kind, purpose, attempt: row.failed_attempts },
    });
    if (row.failed_attempts < MAX_FAILED_ATTEMPTS) return null;
    const until = new Date(now.getTime() + LOCK_MINUTES * 60_000).toISOString();
    await trx
      .updateTable('staff')
      .set({ failed_attempts: 0, locked_until: until })
      .where('id', '=', staff.id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'auth.locked',
      staffId: staff.id,
      deviceId,
      subjectType: 'staff',
      subjectId: staff.id,
      detail: { until, purpose },
    });
    return until;
  });
  if (lockedUntil) throw lockedError(lockedUntil, now);
  throw new ApiError('unauthorized', wrong);
}

function lockedError(until: string, now: Date): ApiError {
  const seconds = Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000));
  return new ApiError(
    'account_locked',
    `Too many wrong attempts: this account is locked until ${until}. Try again in ${Math.ceil(seconds / 60)} min, or ask the owner to unlock it.`,
    undefined,
    { 'Retry-After': String(seconds) },
  );
}
