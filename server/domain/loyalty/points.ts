import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Outbox } from '../../events/outbox.js';
import type { LoyaltySettings, Tender } from '../../protocol/loyalty.js';
import type { Database } from '../../storage/schema.js';
import { expiryFor, isMemberDay } from './calendar.js';
import type { Actor, LedgerRef } from './ledger-ref.js';
import { noteMemberChanged } from './member-events.js';
import { type LotShare, PointsBook } from './points-book.js';
import { loadSettings } from './settings.js';

export interface EarnInput {
  memberId: string;
  /** The sale. */
  ref: LedgerRef;
  /** What each line finally cost after every discount (fen), with its category for multipliers. */
  lines: readonly { amount: number; category?: string | null }[];
  /** How the sale was paid (fen, net of change); stored value split into principal and bonus. */
  tenders: readonly { method: Tender; amount: number }[];
  staffId?: string | null;
  /** The member's points book this transaction opened already (a sale's, shared with its redemption). */
  book?: PointsBook;
  /** The member's tier multiplier, when the caller read the tier in this transaction. */
  tierMultiplierPct?: number;
}

/** The book the caller opened for this member, or a new one. */
function bookFor(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: { memberId: string; book?: PointsBook | undefined; staffId?: string | null | undefined },
) {
  if (input.book) {
    if (input.book.memberId !== input.memberId) throw new Error("another member's points book");
    return Promise.resolve(input.book);
  }
  return PointsBook.open(trx, ctx, input.memberId, { staffId: input.staffId ?? null });
}

export interface EarnResult {
  points: number;
  lotId: string | null;
  expiresAt: string | null;
  /** The fen the points were earned on: the lines' total times the earning tenders' share. */
  eligibleAmount: number;
  tierMultiplierPct: number;
  memberDayMultiplierPct: number;
}

function assertFen(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ApiError('validation_failed', `${field} must be a whole, non-negative number of fen.`, {
      [field]: 'not a whole non-negative number',
    });
  }
}

/**
 * Points for a paid sale, computed exactly and rounded down once at the end:
 * Σ(line × category multiplier) × (earning tenders ÷ all tenders) ÷ 100 fen × points per yuan
 * × tier multiplier × member-day multiplier.
 */
export function pointsFor(
  input: Pick<EarnInput, 'lines' | 'tenders'>,
  earn: LoyaltySettings['earn'],
  tierMultiplierPct: number,
  memberDayMultiplierPct: number,
): { points: number; eligibleAmount: number } {
  let weighted = 0n;
  let linesTotal = 0n;
  for (const [i, line] of input.lines.entries()) {
    assertFen(line.amount, `lines.${i}.amount`);
    const multiplier = (line.category && earn.categoryMultipliers[line.category]) ?? 100;
    weighted += BigInt(line.amount) * BigInt(multiplier);
    linesTotal += BigInt(line.amount);
  }
  let paid = 0n;
  let earning = 0n;
  for (const [i, tender] of input.tenders.entries()) {
    assertFen(tender.amount, `tenders.${i}.amount`);
    paid += BigInt(tender.amount);
    if (earn.tenders.includes(tender.method)) earning += BigInt(tender.amount);
  }
  if (paid === 0n || earning === 0n) return { points: 0, eligibleAmount: 0 };
  const numerator =
    weighted *
    earning *
    BigInt(earn.pointsPerYuan) *
    BigInt(tierMultiplierPct) *
    BigInt(memberDayMultiplierPct);
  const denominator = paid * 100n * 100n * 100n * 100n;
  return { points: Number(numerator / denominator), eligibleAmount: Number((linesTotal * earning) / paid) };
}

/**
 * Checkout: earns points on a paid sale, as one new lot expiring by the expiry policy. Runs
 * inside the sale's transaction. Call `recordPurchase` afterwards for tiers.
 */
export async function earnPoints(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: EarnInput,
): Promise<EarnResult> {
  const settings = await loadSettings(trx);
  const book = await bookFor(trx, ctx, input);
  const tier =
    input.tierMultiplierPct === undefined
      ? await trx
          .selectFrom('members')
          .innerJoin('tiers', 'tiers.id', 'members.tier_id')
          .select('tiers.points_multiplier_pct')
          .where('members.id', '=', input.memberId)
          .executeTakeFirstOrThrow()
      : { points_multiplier_pct: input.tierMultiplierPct };
  const now = ctx.now();
  const memberDay = isMemberDay(now, settings.earn.memberDays.weekdays, ctx.store.timeZone)
    ? settings.earn.memberDays.multiplierPct
    : 100;
  const { points, eligibleAmount } = pointsFor(input, settings.earn, tier.points_multiplier_pct, memberDay);
  const result: EarnResult = {
    points,
    lotId: null,
    expiresAt: null,
    eligibleAmount,
    tierMultiplierPct: tier.points_multiplier_pct,
    memberDayMultiplierPct: memberDay,
  };
  if (points === 0) return result;
  result.expiresAt = expiryFor(now, settings.expiry, ctx.store.timeZone).toISOString();
  result.lotId = await book.addLot(points, 'earn', 'earn', result.expiresAt, input.ref);
  await book.close(points);
  noteMemberChanged(outbox, input.memberId, 'points_earned');
  return result;
}

/** What `points` are worth at checkout, in fen (rounded down). */
export function pointsValue(settings: LoyaltySettings, points: number): number {
  return Math.floor((points * 100) / settings.redeem.pointsPerYuan);
}

/** The most points a bill of `total` fen may take, given the maximum share points may pay. */
export function maxRedeemablePoints(settings: LoyaltySettings, held: number, total: number): number {
  const maxFen = Math.floor((total * settings.redeem.maxShareBp) / 10_000);
  const byBill = Math.floor((maxFen * settings.redeem.pointsPerYuan) / 100);
  return Math.min(held, byBill);
}

export interface RedeemResult {
  points: number;
  /** Their value in fen at the redemption rate. */
  value: number;
  balance: number;
  /** Which lots gave how many, soonest expiry first. */
  lots: LotShare[];
}

function notEnoughPoints(wanted: number, held: number, field: string): ApiError {
  return new ApiError('conflict', `Not enough points: ${wanted} wanted, ${held} held.`, {
    [field]: `only ${held} points available`,
  });
}

/**
 * Checkout: redeems points, soonest-expiring lots first. Refuses (409) more than the member
 * holds, or (with `billTotal`) more than the configured share of the bill.
 */
export async function redeemPoints(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: {
    memberId: string;
    points: number;
    ref: LedgerRef;
    billTotal?: number;
    reason?: 'redeem' | 'gift';
    staffId?: string | null;
    /** The member's points book this transaction opened already (a sale's, shared with its earning). */
    book?: PointsBook;
  },
): Promise<RedeemResult> {
  if (!Number.isSafeInteger(input.points) || input.points <= 0) {
    throw new ApiError('validation_failed', 'Points to redeem must be a whole positive number.', {
      points: 'not a whole positive number',
    });
  }
  const settings = await loadSettings(trx);
  const book = await bookFor(trx, ctx, input);
  if (input.points > book.balance) throw notEnoughPoints(input.points, book.balance, 'points');
  if (input.billTotal !== undefined) {
    const max = maxRedeemablePoints(settings, book.balance, input.billTotal);
    if (input.points > max) {
      throw new ApiError('business_rule', `At most ${max} points may pay this bill.`, {
        points: `at most ${max} for this bill`,
      });
    }
  }
  const lots = await book.takeFifo(input.points, input.reason ?? 'redeem', input.ref);
  await book.close();
  noteMemberChanged(outbox, input.memberId, 'points_redeemed');
  return { points: input.points, value: pointsValue(settings, input.points), balance: book.balance, lots };
}

/**
 * Returns: takes back the points earned on what is returned. When the member has already
 * spent some of them, only what they still hold is taken (soonest expiry first); the rest is
 * the `shortfall`, and its money value at the redemption rate, `shortfallValue`, is for the
 * return to keep back from the refund. Balances never go negative.
 */
export async function takeBackPoints(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { memberId: string; points: number; ref: LedgerRef; staffId?: string | null },
): Promise<{ taken: number; shortfall: number; shortfallValue: number; lots: LotShare[] }> {
  const settings = await loadSettings(trx);
  const book = await PointsBook.open(trx, ctx, input.memberId, { staffId: input.staffId ?? null });
  const taken = Math.min(Math.max(0, input.points), book.balance);
  const lots = taken > 0 ? await book.takeFifo(taken, 'return_take', input.ref) : [];
  await book.close();
  if (taken > 0) noteMemberChanged(outbox, input.memberId, 'points_taken_back');
  const shortfall = Math.max(0, input.points) - taken;
  return { taken, shortfall, shortfallValue: pointsValue(settings, shortfall), lots };
}

/**
 * Returns: gives back points that were redeemed on the sale `saleRef`, at most what it
 * redeemed less what earlier returns gave back. They go back into the lots they came from
 * (latest expiry first); a lot that has expired meanwhile is replaced by a new lot with a
 * fresh expiry, so given-back points are never already dead.
 */
export async function giveBackPoints(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { memberId: string; points: number; saleRef: LedgerRef; returnId: string; staffId?: string | null },
): Promise<{ given: number; lots: LotShare[] }> {
  const settings = await loadSettings(trx);
  const book = await PointsBook.open(trx, ctx, input.memberId, { staffId: input.staffId ?? null });
  const moved = await trx
    .selectFrom('points_movements')
    .innerJoin('points_lots', 'points_lots.id', 'points_movements.lot_id')
    .select([
      'points_movements.lot_id',
      'points_movements.delta',
      'points_movements.reason',
      'points_lots.points',
      'points_lots.remaining',
      'points_lots.expires_at',
    ])
    .where('points_movements.member_id', '=', input.memberId)
    .where('points_movements.ref_type', '=', input.saleRef.type)
    .where('points_movements.ref_id', '=', input.saleRef.id)
    .where('points_movements.reason', 'in', ['redeem', 'return_give'])
    .execute();
  const redeemed = -moved.filter((m) => m.reason === 'redeem').reduce((sum, m) => sum + m.delta, 0);
  const givenBefore = moved.filter((m) => m.reason === 'return_give').reduce((sum, m) => sum + m.delta, 0);
  const givable = redeemed - givenBefore;
  if (input.points > givable) throw notEnoughPoints(input.points, givable, 'points');
  const note = `return ${input.returnId}`;
  const lots: LotShare[] = [];
  let left = input.points;
  const fromLots = moved
    .filter((m) => m.reason === 'redeem')
    .sort((a, b) => b.expires_at.localeCompare(a.expires_at));
  for (const lot of fromLots) {
    if (left === 0) break;
    const current = await trx
      .selectFrom('points_lots')
      .select(['remaining', 'points', 'expires_at'])
      .where('id', '=', lot.lot_id)
      .executeTakeFirstOrThrow();
    const put = Math.min(left, -lot.delta, current.points - current.remaining);
    if (put <= 0) continue;
    if (current.expires_at > book.at) {
      await book.moveLot(lot.lot_id, put, 'return_give', input.saleRef, note);
      lots.push({ lotId: lot.lot_id, points: put, expiresAt: current.expires_at });
      left -= put;
    }
  }
  if (left > 0) {
    const expiresAt = expiryFor(ctx.now(), settings.expiry, ctx.store.timeZone).toISOString();
    const lotId = await book.addLot(left, 'give_back', 'return_give', expiresAt, input.saleRef, note);
    lots.push({ lotId, points: left, expiresAt });
  }
  await book.close();
  noteMemberChanged(outbox, input.memberId, 'points_given_back');
  return { given: input.points, lots };
}

/**
 * A manager's adjustment with a reason: added points are a new lot (expiry by the policy),
 * removed points come out of the soonest-expiring lots; never below zero.
 */
export async function adjustPoints(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { memberId: string; delta: number; reason: string; ref: LedgerRef; actor: Actor },
): Promise<{ balance: number; lots: LotShare[] }> {
  const settings = await loadSettings(trx);
  const book = await PointsBook.open(trx, ctx, input.memberId, input.actor);
  let lots: LotShare[];
  if (input.delta > 0) {
    const expiresAt = expiryFor(ctx.now(), settings.expiry, ctx.store.timeZone).toISOString();
    const lotId = await book.addLot(input.delta, 'adjust', 'adjust', expiresAt, input.ref, input.reason);
    lots = [{ lotId, points: input.delta, expiresAt }];
  } else {
    if (-input.delta > book.balance) throw notEnoughPoints(-input.delta, book.balance, 'body.delta');
    lots = await book.takeFifo(-input.delta, 'adjust', input.ref, input.reason);
  }
  await book.close();
  noteMemberChanged(outbox, input.memberId, 'points_adjusted');
  return { balance: book.balance, lots };
}

/** Open lots expiring within `days` days, soonest first. */
export async function pointsExpiringSoon(
  db: Kysely<Database>,
  ctx: AppContext,
  memberId: string,
  days: number,
): Promise<{ points: number; expiresAt: string }[]> {
  const now = ctx.now();
  const until = new Date(now.getTime() + days * 86_400_000).toISOString();
  return db
    .selectFrom('points_lots')
    .select(['remaining as points', 'expires_at as expiresAt'])
    .where('member_id', '=', memberId)
    .where('remaining', '>', 0)
    .where('expires_at', '>', now.toISOString())
    .where('expires_at', '<=', until)
    .orderBy('expires_at')
    .execute();
}
