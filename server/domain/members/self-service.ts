import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { SelfJoined, SelfView } from '../../protocol/members.js';
import type { DevicePrincipal } from '../../protocol/roles.js';
import { memberCoupons } from '../loyalty/coupons.js';
import { pointsExpiringSoon } from '../loyalty/points.js';
import { loadSettings } from '../loyalty/settings.js';
import { loadTiers, progressToNext, tierStats } from '../loyalty/tiers.js';
import { ABSENT_ACCOUNT_HASH, verifySecret } from '../staff/secrets.js';
import { maskPhone } from './phone.js';
import { verifyMemberPin, wrongPin } from './pin.js';
import { memberRow } from './rows.js';
import type { NewMember } from './schemas.js';
import { createMember, tierOf } from './service.js';

/** How soon "expires soon" is on the kiosk. */
const EXPIRING_DAYS = 30;

/** A name as the kiosk shows it to whoever stands in front of it: 王芳 → 王*. */
function shortName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? name : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 3))}`;
}

/** What a member sees about themselves at the lookup kiosk: never anyone else, never a list. */
export async function selfView(ctx: AppContext, memberId: string): Promise<SelfView> {
  const db = ctx.storage.db;
  const row = await memberRow(db, memberId);
  const tiers = await loadTiers(db);
  const { referral } = await loadSettings(db);
  const tier = tierOf(tiers, row);
  const stats = await tierStats(db, row, ctx.now());
  const purchases = await db
    .selectFrom('member_activity')
    .select(['at', 'amount', 'kind'])
    .where('member_id', '=', memberId)
    .orderBy('at', 'desc')
    .limit(5)
    .execute();
  return {
    name: shortName(row.name),
    number: row.number,
    phone: row.phone ? maskPhone(row.phone) : null,
    tier: { code: tier.code, name: tier.name, since: row.tier_since },
    progress: { ...stats, next: progressToNext(tiers, tier, stats) },
    points: row.points,
    expiringSoon: await pointsExpiringSoon(db, ctx, memberId, EXPIRING_DAYS),
    storedValue: row.stored_principal + row.stored_bonus,
    coupons: (await memberCoupons(db, memberId, true, ctx.now())).map((c) => ({
      code: c.code,
      name: c.name,
      kind: c.kind,
      value: c.value,
      minSpend: c.minSpend,
      validTo: c.validTo,
    })),
    lastPurchases: purchases,
    inviteCode: row.invite_code ?? '',
    referral: referral.enabled ? { referrer: referral.referrer, newcomer: referral.newcomer } : null,
  };
}

/** The kiosk: a member finds themselves by their member code, or by phone plus their PIN. */
export async function selfLookup(
  ctx: AppContext,
  device: DevicePrincipal,
  input: { memberCode: string } | { phone: string; pin: string },
): Promise<SelfView> {
  if ('memberCode' in input) {
    const row = await ctx.storage.db
      .selectFrom('members')
      .select('id')
      .where('code', '=', input.memberCode)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!row)
      throw new ApiError('not_found', 'No member with this code.', { 'body.memberCode': 'unknown code' });
    return selfView(ctx, row.id);
  }
  const row = await ctx.storage.db
    .selectFrom('members')
    .select('id')
    .where('phone', '=', input.phone)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!row) {
    await verifySecret(input.pin, ABSENT_ACCOUNT_HASH);
    throw wrongPin();
  }
  await verifyMemberPin(ctx, row.id, input.pin, device.deviceId);
  return selfView(ctx, row.id);
}

/** Self sign-up at the kiosk: consent to the membership terms is required, marketing is per channel. */
export async function selfSignUp(
  ctx: AppContext,
  device: DevicePrincipal,
  input: Omit<NewMember, 'referrerId' | 'notes' | 'tags' | 'styles'>,
): Promise<SelfJoined> {
  const row = await createMember(ctx, input, { staffId: null, deviceId: device.deviceId });
  return { memberCode: row.code, member: await selfView(ctx, row.id) };
}
