import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Outbox } from '../../events/outbox.js';
import type { Tender } from '../../protocol/loyalty.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { SaleResult } from '../../protocol/sales.js';
import type { Database } from '../../storage/schema.js';
import { moveStocks } from '../inventory/ledger.js';
import { redeemCoupon, releaseCoupon } from '../loyalty/coupons.js';
import { earnPoints, giveBackPoints, redeemPoints, takeBackPoints } from '../loyalty/points.js';
import { PointsBook } from '../loyalty/points-book.js';
import { recordPurchase, recordReturn } from '../loyalty/purchases.js';
import { rewardReferral, takeBackReferral } from '../loyalty/referrals.js';
import {
  type PinProof,
  returnStoredValue,
  StoredValueBook,
  spendStoredValue,
} from '../loyalty/stored-value.js';
import { queueProviderRefunds } from '../payments/refunds.js';
import { takeMobileTender } from '../payments/tender.js';
import { recordException } from './exceptions.js';
import type { PricedCart } from './quote.js';
import type { SalePaymentRow } from './records.js';
import type { PaymentInput } from './schemas.js';
import { cashKept, type RefundTender, share } from './tenders.js';

/**
 * The ledger moves of a sale or a return, inside its transaction: stock, points, stored
 * value, coupons and the member's purchase figures. Training sales move none of them.
 */

type Ref = { type: string; id: string };

/** Errors of a payment step: the sale rolled back and the exception log says so. */
const paymentFailures = new WeakSet<Error>();

export function isPaymentFailure(error: unknown): boolean {
  return error instanceof Error && paymentFailures.has(error);
}

function asPaymentFailure(error: unknown, field: string): unknown {
  if (error instanceof ApiError) {
    const fields = error.fields
      ? Object.fromEntries(Object.values(error.fields).map((why) => [field, why]))
      : { [field]: 'refused' };
    const renamed = new ApiError(error.code, error.message, fields, error.headers);
    paymentFailures.add(renamed);
    return renamed;
  }
  return error;
}

export function renameFields(error: unknown, field: string): unknown {
  if (error instanceof ApiError && error.fields) {
    return new ApiError(
      error.code,
      error.message,
      Object.fromEntries(Object.values(error.fields).map((why) => [field, why])),
      error.headers,
    );
  }
  return error;
}

export interface PaymentPosting {
  priced: PricedCart;
  payments: readonly PaymentInput[];
  change: number;
  /** An exchange's credit (already capped at the total) and the return that gave it. */
  credit: { amount: number; returnId: string | null };
  training: boolean;
  ref: Ref;
  staff: StaffPrincipal;
  pin: PinProof | null;
}

/**
 * Takes a sale's payments: stored value spent from the member (principal first), and the
 * tenders points are earned on (cash net of the change; the exchange credit counts as cash).
 */
export async function postPayments(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  posting: PaymentPosting,
): Promise<{
  tenders: { method: Tender; amount: number }[];
  paymentRows: SalePaymentRow[];
  /** The member's stored value the tenders paid from, its balance not written yet (see above). */
  wallet: StoredValueBook | null;
}> {
  const { member } = posting.priced;
  const { credit, staff } = posting;
  const tenders: { method: Tender; amount: number }[] = [];
  const paymentRows: SalePaymentRow[] = [];
  // The member's stored value, opened on the row the sale was priced with (in this
  // transaction, stored value unchanged since) at the first stored-value tender; every later
  // one pays from what the one before left. Its balance goes to the member row with the
  // purchase (`postSaleLoyalty`), in the same update as the points and the spend.
  let wallet: StoredValueBook | null = null;
  if (credit.amount > 0) {
    tenders.push({ method: 'cash', amount: credit.amount });
    paymentRows.push({
      method: 'exchange',
      amount: credit.amount,
      reference: credit.returnId,
      principal: null,
      bonus: null,
    });
  }
  for (const [i, payment] of posting.payments.entries()) {
    let principal: number | null = null;
    let bonus: number | null = null;
    if (payment.method === 'stored_value') {
      if (!member) {
        throw new ApiError('business_rule', 'Stored value pays only with the member who holds it.', {
          [`payments.${i}.method`]: 'needs a member',
        });
      }
      if (!posting.training) {
        try {
          wallet ??= (await StoredValueBook.open(trx, ctx, member.id, true, member)).defer();
          const spent = await spendStoredValue(trx, ctx, outbox, {
            memberId: member.id,
            amount: payment.amount,
            ref: posting.ref,
            actor: { staffId: staff.staffId, approverId: null, deviceId: staff.deviceId },
            pin: posting.pin,
            book: wallet,
          });
          principal = spent.principal;
          bonus = spent.bonus;
        } catch (error) {
          throw asPaymentFailure(
            error,
            error instanceof ApiError && error.fields?.pin ? 'memberPin' : `payments.${i}.amount`,
          );
        }
        if (principal > 0) tenders.push({ method: 'stored_value_principal', amount: principal });
        if (bonus > 0) tenders.push({ method: 'stored_value_bonus', amount: bonus });
      }
    } else if (payment.method === 'cash') {
      const net = cashKept(payment.amount, posting.change);
      if (net > 0) tenders.push({ method: 'cash', amount: net });
    } else {
      tenders.push({ method: payment.method, amount: payment.amount });
    }
    // A mobile payment as tender: its provider's transaction number is the reference.
    const reference =
      payment.paymentId === undefined
        ? payment.reference
        : await takeMobileTender(trx, ctx, {
            paymentId: payment.paymentId,
            method: payment.method,
            amount: payment.amount,
            saleId: posting.ref.id,
            training: posting.training,
            field: `payments.${i}`,
          });
    paymentRows.push({
      method: payment.method,
      amount: payment.amount,
      reference: reference ?? null,
      principal,
      bonus,
    });
  }
  return { tenders, paymentRows, wallet };
}

/** The goods leave stock; a line sold below zero (allowed) is warned of and logged. */
export async function postSoldGoods(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  posting: { priced: PricedCart; ref: Ref; staff: StaffPrincipal },
): Promise<SaleResult['warnings']> {
  const { staff, ref } = posting;
  const warnings: SaleResult['warnings'] = [];
  const { lines } = posting.priced.quote;
  const moves = await moveStocks(
    trx,
    ctx,
    lines.map((line) => ({ skuId: line.skuId, delta: -line.qty, kind: 'sale', ref, staffId: staff.staffId })),
    outbox,
    (i) => `lines.${i}.qty`,
    posting.priced.stockSkus,
  );
  for (const [i, moved] of moves.entries()) {
    const line = lines[i] as (typeof lines)[number];
    if (moved.warning === 'negative_stock') {
      warnings.push({ line: i, skuId: line.skuId, code: 'negative_stock', onHand: moved.onHand });
      await recordException(trx, ctx, outbox, {
        kind: 'negative_stock',
        message: `${line.styleCode} ${line.color} ${line.size} sold below zero: ${moved.onHand} on hand now.`,
        staffId: staff.staffId,
        deviceId: staff.deviceId,
        ref,
        detail: { skuId: line.skuId, barcode: line.barcode, qty: line.qty, onHand: moved.onHand },
      });
    }
  }
  return warnings;
}

/** What a sale's loyalty postings leave: points earned, the member's points and tier after. */
export interface SaleLoyalty {
  earned: number;
  points: number;
  tier: { code: string; name: string };
}

/** The member's side of a sale: points redeemed, coupons used, points earned, the purchase. */
export async function postSaleLoyalty(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  posting: {
    priced: PricedCart;
    tenders: { method: Tender; amount: number }[];
    /** `postPayments`' stored value: its balance is written here, with the purchase. */
    wallet: StoredValueBook | null;
    ref: Ref;
    staff: StaffPrincipal;
  },
): Promise<SaleLoyalty | null> {
  const { priced, ref, staff } = posting;
  const { quote, member } = priced;
  if (!member) return null;
  // One points book for the sale's redemption and earning, opened on the member row the sale
  // was priced with (stored value moved since, points did not): one read, one expiry check
  // (reading the open lots too when points pay), and its ledger rows and the member's balance
  // written once, after both.
  const book = await PointsBook.open(
    trx,
    ctx,
    member.id,
    { staffId: staff.staffId },
    { known: member, takes: quote.points.used > 0, batched: true },
  );
  if (quote.points.used > 0) {
    try {
      await redeemPoints(trx, ctx, outbox, {
        memberId: member.id,
        points: quote.points.used,
        ref,
        staffId: staff.staffId,
        book,
      });
    } catch (error) {
      throw asPaymentFailure(error, 'redeemPoints');
    }
  }
  for (const [i, code] of priced.couponCodes.entries()) {
    try {
      await redeemCoupon(trx, ctx, outbox, { code, memberId: member.id, ref });
    } catch (error) {
      throw asPaymentFailure(error, `couponCodes.${i}`);
    }
  }
  const earned = await earnPoints(trx, ctx, outbox, {
    memberId: member.id,
    ref,
    lines: quote.lines.map((line) => ({ amount: line.total, category: line.categoryId })),
    tenders: posting.tenders,
    staffId: staff.staffId,
    book,
    tierMultiplierPct: member.tier.points_multiplier_pct,
  });
  // The points balance, the stored value the tenders took and the purchase's spend go to the
  // member row in one update, whose returned row the tier check reads (points earned too).
  const pointsBalance = book.takeBalance();
  await book.flush();
  const { tier } = await recordPurchase(trx, ctx, outbox, {
    memberId: member.id,
    amount: quote.total,
    ref,
    balances: { points: pointsBalance, storedValue: posting.wallet?.takeBalance() },
  });
  const referral = await rewardReferral(trx, ctx, outbox, {
    memberId: member.id,
    total: quote.total,
    ref,
    staffId: staff.staffId,
  });
  // A first purchase with an invitation also brings the newcomer's reward points.
  const points = book.balance + (referral?.newcomer?.points ?? 0);
  return { earned: earned.points, points, tier };
}

export interface ReturnLoyalty {
  pointsTakenBack: number;
  pointsShortfall: number;
  /** The value of earned points the member already spent, kept back from the refund. */
  keptBack: number;
  pointsGivenBack: number;
  couponsReleased: string[];
}

/**
 * The member's side of a return: the points earned on the goods taken back (what is already
 * spent is kept back from the refund), the points redeemed on them given back, the purchase
 * figures lowered, and the coupons back once the whole sale came back.
 */
export async function postReturnLoyalty(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  posting: {
    memberId: string;
    sale: { id: string; total: number; pointsEarned: number; pointsRedeemed: number; coupons: string[] };
    /** What came back now, and before, as value and as points discount. */
    amount: number;
    earlierAmount: number;
    pointsDiscount: number;
    earlierPoints: number;
    redeemedValue: number;
    allBack: boolean;
    returnId: string;
    staffId: string;
  },
): Promise<ReturnLoyalty> {
  const { memberId, sale, amount } = posting;
  const ref = { type: 'return', id: posting.returnId };
  const saleRef = { type: 'sale', id: sale.id };
  const done: ReturnLoyalty = {
    pointsTakenBack: 0,
    pointsShortfall: 0,
    keptBack: 0,
    pointsGivenBack: 0,
    couponsReleased: [],
  };
  const take = share(sale.pointsEarned, posting.earlierAmount, amount, sale.total);
  if (take > 0) {
    const back = await takeBackPoints(trx, ctx, outbox, {
      memberId,
      points: take,
      ref,
      staffId: posting.staffId,
    });
    done.pointsTakenBack = back.taken;
    done.pointsShortfall = back.shortfall;
    done.keptBack = Math.min(amount, back.shortfallValue);
  }
  const give = share(
    sale.pointsRedeemed,
    posting.earlierPoints,
    posting.pointsDiscount,
    posting.redeemedValue,
  );
  if (give > 0) {
    await giveBackPoints(trx, ctx, outbox, {
      memberId,
      points: give,
      saleRef,
      returnId: posting.returnId,
      staffId: posting.staffId,
    });
    done.pointsGivenBack = give;
  }
  await recordReturn(trx, ctx, { memberId, amount, ref });
  if (posting.allBack) {
    const referral = await takeBackReferral(trx, ctx, outbox, {
      saleId: sale.id,
      ref,
      staffId: posting.staffId,
    });
    done.keptBack = Math.min(amount, done.keptBack + referral.newcomerShortValue);
    for (const code of sale.coupons) {
      await releaseCoupon(trx, outbox, { code, ref: saleRef });
      done.couponsReleased.push(code);
    }
  }
  return done;
}

/** Stored value refunded goes back to the member of the sale who paid with it. */
export async function postRefunds(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  posting: {
    refunds: readonly RefundTender[];
    memberId: string | null;
    saleId: string;
    returnId: string;
    actor: { staffId: string; approverId: string | null; deviceId: string | null };
  },
): Promise<void> {
  for (const [i, r] of posting.refunds.entries()) {
    if (r.method === 'wechat' || r.method === 'alipay') {
      await queueProviderRefunds(trx, ctx, {
        saleId: posting.saleId,
        refundNo: posting.returnId,
        returnId: posting.returnId,
        method: r.method,
        amount: r.amount,
      });
    }
    if (r.method !== 'stored_value') continue;
    if (!posting.memberId) {
      throw new ApiError('business_rule', 'Stored value goes back only to the member who paid with it.', {
        [`refund.${i}.method`]: 'no member on this sale',
      });
    }
    try {
      await returnStoredValue(trx, ctx, outbox, {
        memberId: posting.memberId,
        amount: r.amount,
        saleRef: { type: 'sale', id: posting.saleId },
        ref: { type: 'return', id: posting.returnId },
        actor: posting.actor,
      });
    } catch (error) {
      throw renameFields(error, `refund.${i}.amount`);
    }
  }
}

/** The goods come back into stock (`reason` says why, e.g. without a receipt). */
export async function postReturnedGoods(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  posting: {
    goods: readonly { skuId: string; qty: number }[];
    returnId: string;
    staffId: string;
    field: string;
    reason?: string;
  },
): Promise<void> {
  await moveStocks(
    trx,
    ctx,
    posting.goods.map((line) => ({
      skuId: line.skuId,
      delta: line.qty,
      kind: 'return',
      ...(posting.reason !== undefined && { reason: posting.reason }),
      ref: { type: 'return', id: posting.returnId },
      staffId: posting.staffId,
    })),
    outbox,
    (i) => `${posting.field}.${i}.qty`,
  );
}
