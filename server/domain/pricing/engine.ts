import type { Promotion } from '../../protocol/promotions.js';
import type { Discount } from '../../protocol/quote.js';
import { type LocalTime, localTime, ruleIsOn } from './conditions.js';
import {
  applyLinePromotion,
  applyManualDiscounts,
  applyMemberDiscounts,
  applyMemberPrices,
  isLinePromotion,
} from './line-stages.js';
import { applyCoupons, applyPoints, applyRounding, applySpendSave } from './order-stages.js';
import type { CartLine, PricedCart, PricingInput } from './types.js';
import { WorkLine } from './work.js';

/** Above this many combinations of exclusive choices, the engine chooses group by group. */
export const MAX_COMBINATIONS = 4096;
export const MAX_LINE_QTY = 9999;

/**
 * Prices a cart. Pure: the same input always gives the same result, whatever the order of
 * the lines. The stages, in order:
 *
 * 1. 会员价 — a member pays the tier's member price where it is lower than the retail price.
 * 2. Line promotions (percent off, member day, fixed price, Nth item, bundle), by priority,
 *    each on what the goods cost after the previous ones.
 * 3. The cashier's manual line discounts.
 * 4. The tier discount (special-price goods at their own rate), then the birthday-month extra.
 *    Lines with a member price, a price override, or a promotion that does not stack with
 *    tier discounts are skipped.
 * 5. Order promotions (满减, 每满), by priority, spread over the goods they cover.
 * 6. Coupons, minimum spends judged on the goods after promotions.
 * 7. Points as money, within the member's points and the share of the bill allowed.
 * 8. 抹零, rounding the total down.
 *
 * Promotions stack unless they share an exclusivity group, where at most one applies. The
 * engine tries every choice (including none of a group's, and leaving out any promotion that
 * stands alone) and keeps the cheapest cart for the customer, so adding a promotion never
 * makes a cart dearer. Order-level amounts are spread over lines by the largest remainder,
 * so every line's discounts add up to the fen.
 */
export function priceCart(input: PricingInput): PricedCart {
  for (const line of input.lines) {
    if (!Number.isInteger(line.qty) || line.qty < 1 || line.qty > MAX_LINE_QTY) {
      throw new RangeError(`line ${line.lineId}: quantity must be 1–${MAX_LINE_QTY}`);
    }
  }
  const local = localTime(input.at, input.timeZone);
  const live = input.promotions.filter((promotion) =>
    ruleIsOn(promotion.conditions, input.at, local, input.storeId, input.member),
  );
  return bestPricing(input, live, local);
}

/** The groups of mutually exclusive promotions; a promotion without a group stands alone. */
function groupsOf(promotions: readonly Promotion[]): Promotion[][] {
  const groups = new Map<string, Promotion[]>();
  for (const promotion of [...promotions].sort(byPriority)) {
    const key = promotion.exclusiveGroup ? `group:${promotion.exclusiveGroup}` : `alone:${promotion.id}`;
    groups.set(key, [...(groups.get(key) ?? []), promotion]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, members]) => members);
}

function byPriority(a: Promotion, b: Promotion): number {
  return a.priority - b.priority || a.id.localeCompare(b.id);
}

/** The cart priced with the combination of live promotions that leaves the lowest total. */
function bestPricing(input: PricingInput, live: readonly Promotion[], local: LocalTime): PricedCart {
  const groups = groupsOf(live);
  const combinations = groups.reduce((product, group) => product * (group.length + 1), 1);
  // The lines in one order for every combination tried (the result does not depend on the input's).
  const ordered = [...input.lines].sort((a, b) => a.lineId.localeCompare(b.lineId));

  if (combinations > MAX_COMBINATIONS) {
    // Too many to try: group by group, the option that lowers the total most, if any.
    const picked: Promotion[] = [];
    let best = trial(input, ordered, picked, local);
    for (const group of groups) {
      let chosen: Promotion | null = null;
      for (const option of group) {
        const tried = trial(input, ordered, [...picked, option], local);
        if (tried.total < best.total) {
          chosen = option;
          best = tried;
        }
      }
      if (chosen) picked.push(chosen);
    }
    return pricedCart(input, best);
  }

  // Every combination, depth first; the first cheapest wins. Each combination's stages are
  // kept while it is the cheapest: only the winner is made into a priced cart.
  const choice: (Promotion | null)[] = groups.map(() => null);
  const cheapest = (index: number): Trial => {
    if (index === groups.length) {
      return trial(
        input,
        ordered,
        choice.filter((p): p is Promotion => p !== null),
        local,
      );
    }
    choice[index] = null;
    let best = cheapest(index + 1);
    for (const option of groups[index] ?? []) {
      choice[index] = option;
      const tried = cheapest(index + 1);
      if (tried.total < best.total) best = tried;
    }
    return best;
  };
  return pricedCart(input, cheapest(0));
}

/** One combination of promotions run through the stages: its lines as they came out, and its total. */
interface Trial {
  lines: WorkLine[];
  coupons: PricedCart['coupons'];
  points: PricedCart['points'];
  total: number;
}

/**
 * Runs the stages with `promotions` over `ordered` (the input's lines by id). `local`: the
 * cart's time in the store's zone, worked out once for every combination tried.
 */
function trial(
  input: PricingInput,
  ordered: readonly CartLine[],
  promotions: readonly Promotion[],
  local: LocalTime,
): Trial {
  const lines = ordered.map((line) => new WorkLine(line));
  const sorted = [...promotions].sort(byPriority);

  applyMemberPrices(lines, input.member);
  for (const promotion of sorted) if (isLinePromotion(promotion)) applyLinePromotion(lines, promotion);
  applyManualDiscounts(lines);
  applyMemberDiscounts(lines, input.member, local);
  for (const promotion of sorted) if (promotion.kind === 'spend_save') applySpendSave(lines, promotion);
  const coupons = applyCoupons(lines, input.coupons);
  const points = applyPoints(lines, input.points);
  applyRounding(lines, input.rounding);
  return { lines, coupons, points, total: lines.reduce((sum, work) => sum + work.total, 0) };
}

/** The winning trial as the priced cart: lines in the input's order, discounts summed. */
function pricedCart(input: PricingInput, { lines, coupons, points }: Trial): PricedCart {
  const byId = new Map(lines.map((work) => [work.line.lineId, work]));
  const priced = input.lines.map((line) => {
    const work = byId.get(line.lineId) as WorkLine;
    return {
      lineId: line.lineId,
      skuId: line.skuId,
      qty: line.qty,
      unitPrice: work.unitPrice,
      discounts: work.discounts.map((discount) => ({ ...discount })),
      total: work.total,
    };
  });
  const subtotal = priced.reduce((sum, line) => sum + line.qty * line.unitPrice, 0);
  const total = priced.reduce((sum, line) => sum + line.total, 0);
  const discounts = summarise(lines);
  return {
    lines: priced,
    subtotal,
    discountTotal: subtotal - total,
    total,
    discounts,
    appliedPromotions: [
      ...new Set(
        discounts
          .filter((d) => d.source === 'promotion' || d.source === 'order_promotion')
          .map((d) => d.ref ?? ''),
      ),
    ],
    coupons,
    points,
  };
}

const STAGE_ORDER: Discount['source'][] = [
  'member_price',
  'promotion',
  'manual',
  'tier',
  'birthday',
  'order_promotion',
  'coupon',
  'points',
  'rounding',
];

/** The cart's discounts summed over lines, in the order the stages ran. */
function summarise(lines: readonly WorkLine[]): Discount[] {
  const totals = new Map<string, Discount>();
  for (const work of lines) {
    for (const discount of work.discounts) {
      const key = `${discount.source}|${discount.ref ?? ''}|${discount.label}`;
      const seen = totals.get(key);
      if (seen) seen.amount += discount.amount;
      else totals.set(key, { ...discount });
    }
  }
  return [...totals.values()].sort(
    (a, b) =>
      STAGE_ORDER.indexOf(a.source) - STAGE_ORDER.indexOf(b.source) ||
      (a.ref ?? '').localeCompare(b.ref ?? ''),
  );
}
