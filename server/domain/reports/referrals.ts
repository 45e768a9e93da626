import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Report, ReportRow } from '../../protocol/reports.js';
import type { Database } from '../../storage/schema.js';
import { storeDate } from '../loyalty/calendar.js';
import type { DayRange } from './range.js';
import { int, sumRows, text } from './table.js';

const COLUMNS = [
  text('joinedDay', 'Joined'),
  int('referrerNumber', 'Referrer no.'),
  text('referrerName', 'Referrer'),
  text('inviteCode', 'Invitation code'),
  int('newcomerNumber', 'Newcomer no.'),
  text('newcomerName', 'Newcomer'),
  text('firstSale', 'First purchase'),
  text('rewardedDay', 'Rewarded'),
  int('referrerPoints', 'Referrer points'),
  text('referrerCoupon', 'Referrer coupon'),
  int('newcomerPoints', 'Newcomer points'),
  text('newcomerCoupon', 'Newcomer coupon'),
  text('takenBackDay', 'Taken back'),
  int('pointsBack', 'Points taken back'),
  int('pointsWrittenOff', 'Points already spent'),
  text('couponsVoided', 'Coupons voided'),
  text('couponsKept', 'Coupons already used'),
];

/**
 * Who invited whom (newcomers who joined in the range, at this store), whether the first
 * purchase rewarded both sides, and whether a return of it took the rewards back.
 */
export async function referralsReport(db: Kysely<Database>, ctx: AppContext, r: DayRange): Promise<Report> {
  const found = await db
    .selectFrom('referrals')
    .innerJoin('members as referrer', 'referrer.id', 'referrals.referrer_id')
    .innerJoin('members as newcomer', 'newcomer.id', 'referrals.newcomer_id')
    .select([
      'referrals.id',
      'referrals.joined_at',
      'referrals.invite_code',
      'referrer.number as referrerNumber',
      'referrer.name as referrerName',
      'newcomer.number as newcomerNumber',
      'newcomer.name as newcomerName',
    ])
    .where('referrals.store_id', '=', ctx.store.id)
    .where('referrals.joined_at', '>=', r.startAt)
    .where('referrals.joined_at', '<', r.endAt)
    .orderBy('referrals.joined_at')
    .orderBy('referrals.id')
    .execute();
  const rewards = new Map<string, Awaited<ReturnType<typeof rewardsOf>>>();
  for (let i = 0; i < found.length; i += 500) {
    for (const row of await rewardsOf(
      db,
      found.slice(i, i + 500).map((f) => f.id),
    )) {
      rewards.set(row.referral_id, [...(rewards.get(row.referral_id) ?? []), row]);
    }
  }
  const day = (at: string | undefined) => (at ? storeDate(new Date(at), ctx.store.timeZone) : '');
  const rows: ReportRow[] = found.map((f) => {
    const moves = rewards.get(f.id) ?? [];
    const given = (side: string) => moves.find((m) => m.kind === 'reward' && m.side === side);
    const back = moves.filter((m) => m.kind === 'take_back');
    const first = moves.find((m) => m.kind === 'reward');
    return {
      joinedDay: day(f.joined_at),
      referrerNumber: f.referrerNumber,
      referrerName: f.referrerName,
      inviteCode: f.invite_code,
      newcomerNumber: f.newcomerNumber,
      newcomerName: f.newcomerName,
      firstSale: first?.saleNumber ?? '',
      rewardedDay: day(first?.at),
      referrerPoints: given('referrer')?.points ?? 0,
      referrerCoupon: given('referrer')?.couponCode ?? '',
      newcomerPoints: given('newcomer')?.points ?? 0,
      newcomerCoupon: given('newcomer')?.couponCode ?? '',
      takenBackDay: day(back[0]?.at),
      pointsBack: back.reduce((sum, m) => sum + m.points, 0),
      pointsWrittenOff: back.reduce((sum, m) => sum + m.points_short, 0),
      couponsVoided: couponCodes(back, 'voided'),
      couponsKept: couponCodes(back, 'used'),
    };
  });
  const rewarded = rows.filter((row) => row.rewardedDay !== '').length;
  const takenBack = rows.filter((row) => row.takenBackDay !== '').length;
  return {
    name: 'referrals',
    from: r.from,
    to: r.to,
    columns: COLUMNS,
    rows,
    totals: sumRows(rows, ['referrerPoints', 'newcomerPoints', 'pointsBack', 'pointsWrittenOff']),
    meta: { referrals: rows.length, rewarded, takenBack },
  };
}

const couponCodes = (rows: { couponCode: string | null; coupon_outcome: string | null }[], outcome: string) =>
  rows
    .filter((m) => m.couponCode && m.coupon_outcome === outcome)
    .map((m) => m.couponCode)
    .join(', ');

function rewardsOf(db: Kysely<Database>, referralIds: string[]) {
  return db
    .selectFrom('referral_rewards')
    .leftJoin('coupons', 'coupons.id', 'referral_rewards.coupon_id')
    .leftJoin('sales', (join) =>
      join.onRef('sales.id', '=', 'referral_rewards.ref_id').on('referral_rewards.ref_type', '=', 'sale'),
    )
    .select([
      'referral_rewards.referral_id',
      'referral_rewards.kind',
      'referral_rewards.side',
      'referral_rewards.at',
      'referral_rewards.points',
      'referral_rewards.points_short',
      'referral_rewards.coupon_outcome',
      'coupons.code as couponCode',
      'sales.number as saleNumber',
    ])
    .where('referral_rewards.referral_id', 'in', referralIds)
    .orderBy('referral_rewards.id')
    .execute();
}
