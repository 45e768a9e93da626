import type { Promotion } from '../../protocol/promotions.js';
import { percentOf } from './allocate.js';
import { coversLine } from './conditions.js';
import type { CashRounding, CouponOffer, CouponRejection, PointsOffer } from './types.js';
import { spread, type WorkLine } from './work.js';

type SpendSave = Extract<Promotion, { kind: 'spend_save' }>;

/** 满减: the highest step reached, or 每满 repeated for every full threshold. */
export function applySpendSave(lines: readonly WorkLine[], promotion: SpendSave): void {
  const eligible = lines.filter((work) => coversLine(promotion.conditions, work.line));
  const qty = eligible.reduce((sum, work) => sum + work.line.qty, 0);
  if (qty === 0 || qty < (promotion.conditions.minQty ?? 0)) return;
  const sum = eligible.reduce((total, work) => total + work.total, 0);
  let off = 0;
  const first = promotion.steps[0];
  if (promotion.repeat && first && first.threshold > 0) {
    const times = Math.min(Math.floor(sum / first.threshold), promotion.maxTimes ?? Number.POSITIVE_INFINITY);
    off = times * first.off;
  } else {
    for (const step of promotion.steps) if (sum >= step.threshold && step.off > off) off = step.off;
  }
  if (off > 0)
    spread(eligible, off, { source: 'order_promotion', ref: promotion.id, label: promotion.label });
}

/** Coupons, in code order; minimum spends are judged on the goods after promotions, before any coupon. */
export function applyCoupons(
  lines: readonly WorkLine[],
  coupons: readonly CouponOffer[],
): { applied: { code: string; amount: number }[]; rejected: { code: string; reason: CouponRejection }[] } {
  const sorted = [...coupons].sort((a, b) => a.code.localeCompare(b.code));
  const eligibleOf = (coupon: CouponOffer) =>
    lines.filter((work) => coversLine(coupon, work.line) && work.total > 0);
  const spendBefore = new Map(
    sorted.map((coupon) => [coupon.code, eligibleOf(coupon).reduce((s, w) => s + w.total, 0)]),
  );
  const applied: { code: string; amount: number }[] = [];
  const rejected: { code: string; reason: CouponRejection }[] = [];
  for (const coupon of sorted) {
    const eligible = eligibleOf(coupon);
    const spend = spendBefore.get(coupon.code) ?? 0;
    if (eligible.length === 0) {
      rejected.push({ code: coupon.code, reason: 'no_eligible_goods' });
      continue;
    }
    if (spend < coupon.minSpend) {
      rejected.push({ code: coupon.code, reason: 'min_spend_not_met' });
      continue;
    }
    const current = eligible.reduce((sum, work) => sum + work.total, 0);
    const wanted =
      coupon.kind === 'amount'
        ? coupon.value
        : Math.min(percentOf(current, coupon.value), coupon.maxOff ?? Number.POSITIVE_INFINITY);
    const amount = spread(eligible, wanted, { source: 'coupon', ref: coupon.code, label: coupon.label });
    applied.push({ code: coupon.code, amount });
  }
  return { applied, rejected };
}

/** Points as money: within what the member holds and the share of the bill allowed. */
export function applyPoints(
  lines: readonly WorkLine[],
  offer: PointsOffer | null,
): { used: number; amount: number } {
  if (!offer || offer.requested <= 0 || offer.rate.points <= 0) return { used: 0, amount: 0 };
  const total = lines.reduce((sum, work) => sum + work.total, 0);
  const cap = Math.floor((total * offer.maxShareBp) / 10000);
  const points = Math.min(offer.requested, offer.available);
  const amount = Math.min(Math.floor((points * offer.rate.fen) / offer.rate.points), cap);
  if (amount <= 0) return { used: 0, amount: 0 };
  const used = Math.ceil((amount * offer.rate.points) / offer.rate.fen);
  spread(lines, amount, { source: 'points', label: `积分抵扣 ${used}分` });
  return { used, amount };
}

/** 抹零: the total rounded down to the jiao or the yuan. */
export function applyRounding(lines: readonly WorkLine[], rounding: CashRounding): void {
  if (rounding === 'none') return;
  const unit = rounding === 'jiao' ? 10 : 100;
  const total = lines.reduce((sum, work) => sum + work.total, 0);
  const off = total % unit;
  if (off > 0) spread(lines, off, { source: 'rounding', label: '抹零' });
}
