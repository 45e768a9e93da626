import type { Promotion } from '../../protocol/promotions.js';
import { zhe } from '../../protocol/zhe.js';
import { allocate, percentOf } from './allocate.js';
import { coversLine, isBirthdayMonth, type LocalTime } from './conditions.js';
import type { PricingMember } from './types.js';
import type { WorkLine } from './work.js';

type LinePromotion = Extract<
  Promotion,
  { kind: 'percent_off' | 'member_day' | 'fixed_price' | 'nth_item' | 'bundle' }
>;

export function isLinePromotion(promotion: Promotion): promotion is LinePromotion {
  return promotion.kind !== 'spend_save';
}

/** 会员价: a member pays the tier's member price where it is lower. */
export function applyMemberPrices(lines: readonly WorkLine[], member: PricingMember | null): void {
  if (!member) return;
  for (const work of lines) {
    const price = work.line.memberPrices?.[member.tierCode];
    if (work.overridden || price === undefined || price >= work.unitPrice) continue;
    work.memberPriced = true;
    work.units.forEach((_, index) => {
      work.takeFromUnit(index, work.unitPrice - price, {
        source: 'member_price',
        label: `${member.tierName}会员价`,
      });
    });
  }
}

interface Unit {
  work: WorkLine;
  index: number;
  amount: number;
}

/** Eligible units, dearest first; ties by line id and unit, so input order never matters. */
function unitsOf(lines: readonly WorkLine[]): Unit[] {
  return lines
    .flatMap((work) => work.units.map((amount, index) => ({ work, index, amount })))
    .sort((a, b) =>
      b.amount !== a.amount
        ? b.amount - a.amount
        : a.work.line.lineId === b.work.line.lineId
          ? a.index - b.index
          : a.work.line.lineId.localeCompare(b.work.line.lineId),
    );
}

/** Applies one line promotion to the lines it covers. */
export function applyLinePromotion(lines: readonly WorkLine[], promotion: LinePromotion): void {
  const eligible = lines.filter((work) => !work.overridden && coversLine(promotion.conditions, work.line));
  const qty = eligible.reduce((sum, work) => sum + work.line.qty, 0);
  if (qty === 0 || qty < (promotion.conditions.minQty ?? 0)) return;
  const discount = { source: 'promotion' as const, ref: promotion.id, label: promotion.label };
  const before = new Map(eligible.map((work) => [work, work.total]));

  switch (promotion.kind) {
    case 'percent_off':
    case 'member_day':
      for (const work of eligible) work.take(percentOf(work.total, promotion.offBp), discount);
      break;
    case 'fixed_price':
      for (const work of eligible) {
        work.units.forEach((amount, index) => {
          work.takeFromUnit(index, amount - promotion.price, discount);
        });
      }
      break;
    case 'nth_item': {
      const units = unitsOf(eligible);
      for (let end = promotion.n - 1; end < units.length; end += promotion.n) {
        const cheapest = units[end];
        if (cheapest)
          cheapest.work.takeFromUnit(cheapest.index, percentOf(cheapest.amount, promotion.offBp), discount);
      }
      break;
    }
    case 'bundle': {
      const units = unitsOf(eligible);
      for (let start = 0; start + promotion.qty <= units.length; start += promotion.qty) {
        const group = units.slice(start, start + promotion.qty);
        const sum = group.reduce((total, unit) => total + unit.amount, 0);
        if (sum <= promotion.price) continue;
        takeFromGroup(group, sum - promotion.price, discount);
      }
      break;
    }
  }
  if (promotion.stacksWithTierDiscount === false) {
    for (const work of eligible) if ((before.get(work) ?? 0) > work.total) work.blocksTier = true;
  }
}

function takeFromGroup(
  group: readonly Unit[],
  amount: number,
  discount: { source: 'promotion'; ref: string; label: string },
) {
  const shares = allocate(
    amount,
    group.map((unit) => unit.amount),
    group.map((unit) => `${unit.work.line.lineId}#${String(unit.index).padStart(6, '0')}`),
  );
  group.forEach((unit, index) => {
    unit.work.takeFromUnit(unit.index, shares[index] ?? 0, discount);
  });
}

/** The cashier's discount on a line. */
export function applyManualDiscounts(lines: readonly WorkLine[]): void {
  for (const work of lines) {
    const manual = work.line.manualDiscount;
    if (!manual) continue;
    const amount = manual.kind === 'percent' ? percentOf(work.total, manual.offBp) : manual.amount;
    work.take(amount, {
      source: 'manual',
      label: manual.kind === 'percent' ? `手工折扣 ${zhe(manual.offBp)}` : '手工折扣',
    });
  }
}

/** The tier discount (separate rate for special-price goods), then the birthday-month extra. */
export function applyMemberDiscounts(
  lines: readonly WorkLine[],
  member: PricingMember | null,
  local: LocalTime,
): void {
  if (!member) return;
  const birthday = isBirthdayMonth(member, local) && member.birthdayOffBp > 0;
  for (const work of lines) {
    if (work.overridden || work.memberPriced || work.blocksTier) continue;
    const offBp = work.line.specialPrice ? member.specialOffBp : member.offBp;
    if (offBp > 0) {
      work.take(percentOf(work.total, offBp), { source: 'tier', label: `${member.tierName} ${zhe(offBp)}` });
    }
    if (birthday && !work.line.specialPrice) {
      work.take(percentOf(work.total, member.birthdayOffBp), {
        source: 'birthday',
        label: `生日月 额外${zhe(member.birthdayOffBp)}`,
      });
    }
  }
}
