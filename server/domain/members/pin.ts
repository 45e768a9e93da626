import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { actorOf, type Principal } from '../../protocol/roles.js';
import { recordAudit } from '../audit/service.js';
import { actorOf as loyaltyActorOf } from '../loyalty/actor.js';
import { issuePinProof, type PinProof } from '../loyalty/stored-value.js';
import type { ApprovalRequest } from '../staff/approval.js';
import { authorizeAction } from '../staff/authorize.js';
import { may } from '../staff/permissions.js';
import { ABSENT_ACCOUNT_HASH, hashSecret, verifySecret } from '../staff/secrets.js';
import { memberRow } from './rows.js';

export const MEMBER_PIN_ATTEMPTS = 5;
export const MEMBER_PIN_LOCK_MINUTES = 15;

export interface PinChange {
  /** The new PIN, or null to remove it. */
  pin: string | null;
  /** The member's current PIN, typed by the member: then no approval is needed. */
  oldPin?: string | undefined;
}

/**
 * Sets, changes or (with null) removes a member's PIN, stored as a scrypt hash. A first PIN
 * is set at the counter by anyone who manages members; replacing or removing one needs the
 * member's old PIN (counted towards its lockout) or someone who may reset PINs — else a
 * cashier could set a PIN of their own and spend the member's stored value past the PIN rule.
 */
export async function setMemberPin(
  ctx: AppContext,
  memberId: string,
  change: PinChange,
  caller: { principal: Principal; approval: ApprovalRequest | null },
): Promise<{ hasPin: boolean }> {
  const row = await memberRow(ctx.storage.db, memberId);
  const actor = loyaltyActorOf(caller.principal);
  let approverId: string | null = null;
  if (row.pin_hash !== null) {
    if (change.oldPin !== undefined) {
      await verifyMemberPin(ctx, memberId, change.oldPin, actor.deviceId ?? null);
    } else if (!may(actorOf(caller.principal), 'member.pin.reset') && !caller.approval) {
      throw new ApiError(
        'forbidden',
        "Changing this member's PIN needs their old PIN or a manager's approval.",
        { oldPin: 'required without an approval' },
      );
    } else {
      const approver = await authorizeAction(ctx, caller.principal, 'member.pin.reset', caller.approval);
      approverId = approver?.staffId ?? null;
    }
  }
  const hash = change.pin === null ? null : await hashSecret(change.pin);
  await ctx.storage.write(async (trx) => {
    await trx
      .updateTable('members')
      .set({
        pin_hash: hash,
        pin_failed_attempts: 0,
        pin_locked_until: null,
        updated_at: ctx.now().toISOString(),
      })
      .where('id', '=', memberId)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'member.updated',
      staffId: actor.staffId,
      approverId,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: memberId,
      detail: {
        changed: [change.pin === null ? 'pin_removed' : 'pin_set'],
        ...(row.pin_hash !== null && { proof: change.oldPin !== undefined ? 'old_pin' : 'reset' }),
      },
    });
  });
  return { hasPin: hash !== null };
}

export function wrongPin(): ApiError {
  return new ApiError('business_rule', 'Wrong member or PIN.', { pin: 'wrong' });
}

/**
 * Checks a member's PIN. Each attempt is counted before the PIN is checked, in one write, so
 * that a parallel burst is counted one by one: five wrong PINs in a row lock it for 15 minutes
 * (423 with Retry-After), and once the fifth is counted nothing more is checked, not even the
 * right one. A member without a PIN never matches.
 */
export async function verifyMemberPin(
  ctx: AppContext,
  memberId: string | null,
  pin: string,
  deviceId: string | null,
): Promise<PinProof> {
  const member = memberId
    ? await ctx.storage.db
        .selectFrom('members')
        .select(['id', 'pin_hash', 'status'])
        .where('id', '=', memberId)
        .executeTakeFirst()
    : undefined;
  if (!member?.pin_hash || member.status !== 'active') {
    await verifySecret(pin, ABSENT_ACCOUNT_HASH);
    throw wrongPin();
  }
  const now = ctx.now();
  const attempt = await ctx.storage.write(async (trx) => {
    const row = await trx
      .selectFrom('members')
      .select(['pin_failed_attempts', 'pin_locked_until'])
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    if (row.pin_locked_until && row.pin_locked_until > now.toISOString())
      return { granted: false, lockedUntil: row.pin_locked_until } as const;
    const failures = row.pin_failed_attempts + 1;
    if (failures < MEMBER_PIN_ATTEMPTS) {
      await trx
        .updateTable('members')
        .set({ pin_failed_attempts: failures, pin_locked_until: null })
        .where('id', '=', member.id)
        .execute();
      return { granted: true, lockedUntil: null } as const;
    }
    const lockedUntil = new Date(now.getTime() + MEMBER_PIN_LOCK_MINUTES * 60_000).toISOString();
    await trx
      .updateTable('members')
      .set({ pin_failed_attempts: 0, pin_locked_until: lockedUntil })
      .where('id', '=', member.id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'member.pin_locked',
      deviceId,
      subjectType: 'member',
      subjectId: member.id,
      detail: { until: lockedUntil },
    });
    return { granted: true, lockedUntil } as const;
  });
  if (!attempt.granted) throw locked(attempt.lockedUntil, now);
  if (await verifySecret(pin, member.pin_hash)) {
    await ctx.storage.write((trx) =>
      trx
        .updateTable('members')
        .set({ pin_failed_attempts: 0, pin_locked_until: null })
        .where('id', '=', member.id)
        .execute(),
    );
    return issuePinProof(member.id, now);
  }
  if (attempt.lockedUntil) throw locked(attempt.lockedUntil, now);
  throw wrongPin();
}

function locked(until: string, now: Date): ApiError {
  const seconds = Math.max(1, Math.ceil((Date.parse(until) - now.getTime()) / 1000));
  return new ApiError(
    'account_locked',
    `Too many wrong PINs: locked until ${until}. Ask at the counter.`,
    undefined,
    { 'Retry-After': String(seconds) },
  );
}
