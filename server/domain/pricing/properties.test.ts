import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Promotion } from '../../protocol/promotions.js';
import { allocate } from './allocate.js';
import { priceCart } from './engine.js';
import type { CartLine, CouponOffer, PricingInput, PricingMember } from './types.js';

const categories = ['women', 'men', 'kids'];
const styles = ['s1', 's2', 's3', 's4'];

const lineArb = (lineId: string): fc.Arbitrary<CartLine> =>
  fc.record({
    lineId: fc.constant(lineId),
    skuId: fc.constant(`sku-${lineId}`),
    styleId: fc.constantFrom(...styles),
    categoryIds: fc.constantFrom(...categories).map((c) => [c]),
    qty: fc.integer({ min: 1, max: 5 }),
    unitPrice: fc.integer({ min: 0, max: 200_000 }),
    specialPrice: fc.boolean(),
  });

const linesArb = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 })
  .chain((ids) => fc.tuple(...ids.map(lineArb)));

const conditionsArb = fc.record(
  {
    includeCategories: fc.subarray(categories, { minLength: 1 }),
    excludeStyles: fc.subarray(styles, { minLength: 1 }),
    includeSpecialPrice: fc.boolean(),
    minQty: fc.integer({ min: 1, max: 4 }),
    membersOnly: fc.boolean(),
  },
  { requiredKeys: [] },
);

const base = (id: string) =>
  fc.record({
    id: fc.constant(id),
    label: fc.constant(id),
    priority: fc.integer({ min: 0, max: 5 }),
    exclusiveGroup: fc.option(fc.constantFrom('g1', 'g2'), { nil: null }),
    stacksWithTierDiscount: fc.boolean(),
    conditions: conditionsArb,
  });

const promotionArb = (id: string): fc.Arbitrary<Promotion> =>
  fc.oneof(
    fc
      .tuple(base(id), fc.integer({ min: 1, max: 9000 }))
      .map(([b, offBp]) => ({ ...b, kind: 'percent_off' as const, offBp })),
    fc
      .tuple(base(id), fc.integer({ min: 1, max: 9000 }))
      .map(([b, offBp]) => ({ ...b, kind: 'member_day' as const, offBp })),
    fc
      .tuple(base(id), fc.integer({ min: 0, max: 100_000 }))
      .map(([b, price]) => ({ ...b, kind: 'fixed_price' as const, price })),
    fc
      .tuple(base(id), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 10000 }))
      .map(([b, n, offBp]) => ({ ...b, kind: 'nth_item' as const, n, offBp })),
    fc
      .tuple(base(id), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 0, max: 300_000 }))
      .map(([b, qty, price]) => ({ ...b, kind: 'bundle' as const, qty, price })),
    fc
      .tuple(
        base(id),
        fc.integer({ min: 1, max: 500_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.boolean(),
      )
      .map(([b, threshold, off, repeat]) => ({
        ...b,
        kind: 'spend_save' as const,
        steps: [{ threshold, off }],
        repeat,
      })),
  );

const promotionsArb = fc
  .integer({ min: 0, max: 4 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => promotionArb(`p${i}`))));

const memberArb: fc.Arbitrary<PricingMember | null> = fc.option(
  fc.record({
    tierCode: fc.constant('gold'),
    tierName: fc.constant('金卡'),
    offBp: fc.integer({ min: 0, max: 3000 }),
    specialOffBp: fc.integer({ min: 0, max: 1000 }),
    birthday: fc.constantFrom(null, '11-02', '03-15'),
    birthdayOffBp: fc.integer({ min: 0, max: 1000 }),
  }),
  { nil: null },
);

const couponsArb: fc.Arbitrary<CouponOffer[]> = fc
  .array(
    fc.record({
      code: fc.constantFrom('A', 'B', 'C'),
      label: fc.constant('券'),
      kind: fc.constantFrom('amount' as const, 'percent' as const),
      value: fc.integer({ min: 1, max: 50_000 }),
      minSpend: fc.integer({ min: 0, max: 300_000 }),
    }),
    { maxLength: 2 },
  )
  .map((coupons) => coupons.filter((c, i) => coupons.findIndex((d) => d.code === c.code) === i));

const inputArb: fc.Arbitrary<PricingInput> = fc.record({
  lines: linesArb,
  member: memberArb,
  promotions: promotionsArb,
  coupons: couponsArb,
  points: fc.option(
    fc.record({
      requested: fc.integer({ min: 0, max: 100_000 }),
      available: fc.integer({ min: 0, max: 100_000 }),
      rate: fc.constant({ points: 100, fen: 100 }),
      maxShareBp: fc.integer({ min: 0, max: 10000 }),
    }),
    { nil: null },
  ),
  rounding: fc.constantFrom('none' as const, 'jiao' as const, 'yuan' as const),
  storeId: fc.constant('S1'),
  at: fc.constant(new Date('2026-11-25T07:00:00Z')),
  timeZone: fc.constant('Asia/Shanghai'),
});

describe('pricing engine properties', () => {
  it('the total is the sum of the line totals, and no line goes below zero', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = priceCart(input);
        expect(result.total).toBe(result.lines.reduce((sum, line) => sum + line.total, 0));
        for (const line of result.lines) {
          expect(line.total).toBeGreaterThanOrEqual(0);
          const discounts = line.discounts.reduce((sum, d) => sum + d.amount, 0);
          expect(line.qty * line.unitPrice - discounts).toBe(line.total);
          for (const d of line.discounts) expect(d.amount).toBeGreaterThan(0);
        }
        expect(result.subtotal - result.discountTotal).toBe(result.total);
      }),
      { numRuns: 400 },
    );
  });

  it('every discount of the cart is allocated to lines to the fen', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const result = priceCart(input);
        const fromLines = result.lines
          .flatMap((line) => line.discounts)
          .reduce((sum, d) => sum + d.amount, 0);
        expect(result.discounts.reduce((sum, d) => sum + d.amount, 0)).toBe(fromLines);
        expect(fromLines).toBe(result.discountTotal);
        for (const coupon of result.coupons.applied) {
          const allocated = result.lines
            .flatMap((line) => line.discounts)
            .filter((d) => d.source === 'coupon' && d.ref === coupon.code)
            .reduce((sum, d) => sum + d.amount, 0);
          expect(allocated).toBe(coupon.amount);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on the order of the lines', () => {
    fc.assert(
      fc.property(inputArb, fc.context(), (input, _ctx) => {
        const reversed = { ...input, lines: [...input.lines].reverse() };
        const a = priceCart(input);
        const b = priceCart(reversed);
        expect(b.total).toBe(a.total);
        const byId = (r: typeof a) => Object.fromEntries(r.lines.map((l) => [l.lineId, l.total]));
        expect(byId(b)).toEqual(byId(a));
      }),
      { numRuns: 300 },
    );
  });

  it('a promotion never makes a cart more expensive', () => {
    fc.assert(
      fc.property(inputArb, promotionArb('extra'), (input, extra) => {
        const without = priceCart(input);
        const withIt = priceCart({ ...input, promotions: [...input.promotions, extra] });
        expect(withIt.total).toBeLessThanOrEqual(without.total);
      }),
      { numRuns: 300 },
    );
  });

  it('allocation sums to the amount and never exceeds a weight', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000_000_000 }), { minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (weights, share) => {
          const total = weights.reduce((sum, w) => sum + w, 0);
          const amount = Math.floor(total * share);
          const parts = allocate(
            amount,
            weights,
            weights.map((_, i) => String(i)),
          );
          expect(parts.reduce((sum, p) => sum + p, 0)).toBe(total === 0 ? 0 : amount);
          parts.forEach((part, i) => {
            expect(part).toBeGreaterThanOrEqual(0);
            expect(part).toBeLessThanOrEqual(weights[i] ?? 0);
          });
        },
      ),
    );
  });
});
