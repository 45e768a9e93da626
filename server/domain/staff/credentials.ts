import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { StaffRow } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { ABSENT_ACCOUNT_HASH, verifySecret } from './secrets.js';
import { forgetAttempts, reserveAttempt } from './sign-in-locks.js';

export type CredentialKind = 'password' | 'pin';
/** Why the credential is checked, recorded on failures. */
export type CredentialPurpose = 'login' | 'pin_login' | 'approval';

/**
 * Checks a staff member's password or PIN. Every attempt is counted before it is checked
 * (`reserveAttempt`): 5 wrong from one address lock the account for that address for 5
 * minutes, 20 from all addresses lock it everywhere; failures are audited with the address.
 * The row comes back on success.
 */
export async function checkCredential(
  ctx: AppContext,
  username: string,
  secret: string,
  kind: CredentialKind,
  purpose: CredentialPurpose,
  { deviceId, address }: { deviceId: string | null; address: string },
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
  const reservation = await ctx.storage.write(async (trx) => {
    const counted = await reserveAttempt(trx, staff.id, address, now);
    if (counted.granted && counted.lockedUntil) {
      await recordAudit(trx, ctx, {
        kind: 'auth.locked',
        staffId: staff.id,
        deviceId,
        subjectType: 'staff',
        subjectId: staff.id,
        detail: { until: counted.lockedUntil, purpose, address },
      });
    }
    return counted;
  });
  if (!reservation.granted) throw lockedError(reservation.lockedUntil, now);

  if (await verifySecret(secret, hash)) {
    if (staff.store_id !== ctx.store.id && !staff.chain_wide) {
      throw new ApiError(
        'forbidden',
        `${staff.name} works at another store of the chain; only head-office staff sign in at every store.`,
      );
    }
    await ctx.storage.write((trx) => forgetAttempts(trx, staff.id, address));
    return staff;
  }

  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'auth.login_failed',
      staffId: staff.id,
      deviceId,
      detail: { username, method: kind, purpose, address },
    }),
  );
  if (reservation.lockedUntil) throw lockedError(reservation.lockedUntil, now);
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
