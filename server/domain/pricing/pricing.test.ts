import { describe, expect, it } from 'vitest';
import type { Promotion } from '../../protocol/promotions.js';
import { allocate } from './allocate.js';
import { priceCart } from './engine.js';
import type { CartLine, PricingInput, PricingMember } from './types.js';

// Wednesday 2026-11-25 15:00 in Shanghai.
const WEDNESDAY = new Date('2026-11-25T07:00:00Z');

function line(lineId: string, unitPrice: number, qty = 1, extra: Partial<CartLine> = {}): CartLine {
  return {
    lineId,
    skuId: `sku-${lineId}`,
    styleId: `style-${lineId}`,
    categoryIds: ['women'],
    qty,
    unitPrice,
    specialPrice: false,
    ...extra,
  };
}

function cart(lines: CartLine[], extra: Partial<PricingInput> = {}): PricingInput {
  return {
    lines,
    member: null,
    promotions: [],
    coupons: [],
    points: null,
    rounding: 'none',
    storeId: 'S1',
    at: WEDNESDAY,
    timeZone: 'Asia/Shanghai',
    ...extra,
  };
}

const gold: PricingMember = {
  tierCode: 'gold',
  tierName: '金卡',
  offBp: 500,
  specialOffBp: 0,
  birthday: null,
  birthdayOffBp: 0,
};

function promo(p: Partial<Promotion> & Pick<Promotion, 'kind'>): Promotion {
  return { id: p.kind, label: p.kind, priority: 10, conditions: {}, ...p } as Promotion;
}

describe('promotion kinds', () => {
  it('percent off a category, explained per line', () => {
    const result = priceCart(
      cart([line('a', 29900), line('b', 19900, 1, { categoryIds: ['men'] })], {
        promotions: [
          promo({
            kind: 'percent_off',
            id: 'p8',
            label: '女装8折',
            offBp: 2000,
            conditions: { includeCategories: ['women'] },
          }),
        ],
      }),
    );
    expect(result.lines[0]).toMatchObject({
      total: 23920,
      discounts: [{ source: 'promotion', ref: 'p8', label: '女装8折', amount: 5980 }],
    });
    expect(result.lines[1]).toMatchObject({ total: 19900, discounts: [] });
    expect(result.total).toBe(43820);
  });

  it('fixed price only when cheaper', () => {
    const result = priceCart(
      cart([line('a', 29900, 2), line('b', 9900)], {
        promotions: [promo({ kind: 'fixed_price', label: '一口价99', price: 9900 })],
      }),
    );
    expect(result.total).toBe(9900 * 3);
    expect(result.lines[1]?.discounts).toEqual([]);
  });

  it('第二件半价 takes half off the cheaper of each pair', () => {
    const result = priceCart(
      cart([line('a', 30000), line('b', 20000), line('c', 10000)], {
        promotions: [promo({ kind: 'nth_item', label: '第二件半价', n: 2, offBp: 5000 })],
      }),
    );
    // Pairs by price: (300, 200) → 100 off the 200; 100 has no partner.
    expect(result.lines.map((l) => l.total)).toEqual([30000, 10000, 10000]);
  });

  it('buy 2 get the cheapest free', () => {
    const result = priceCart(
      cart([line('a', 30000), line('b', 12000)], {
        promotions: [promo({ kind: 'nth_item', label: '买二免一', n: 2, offBp: 10000 })],
      }),
    );
    expect(result.total).toBe(30000);
  });

  it('任选3件299 bundles the dearest goods first and spreads the saving over the bundle', () => {
    const result = priceCart(
      cart([line('a', 15900, 2), line('b', 12900), line('c', 9900)], {
        promotions: [promo({ kind: 'bundle', label: '任选3件299', qty: 3, price: 29900 })],
      }),
    );
    // Bundle: 159 + 159 + 129 = 447 → 299; the 99 stays at full price.
    expect(result.total).toBe(29900 + 9900);
    expect(result.lines[2]?.total).toBe(9900);
    expect(result.discounts).toEqual([
      { source: 'promotion', ref: 'bundle', label: '任选3件299', amount: 14800 },
    ]);
  });

  it('满300减50, tiered 满300减50/满500减120, and 每满300减50', () => {
    const lines = [line('a', 35000), line('b', 28000)];
    const single = priceCart(
      cart(lines, {
        promotions: [
          promo({ kind: 'spend_save', label: '满300减50', steps: [{ threshold: 30000, off: 5000 }] }),
        ],
      }),
    );
    expect(single.total).toBe(63000 - 5000);
    const tiered = priceCart(
      cart(lines, {
        promotions: [
          promo({
            kind: 'spend_save',
            label: '满减',
            steps: [
              { threshold: 30000, off: 5000 },
              { threshold: 50000, off: 12000 },
            ],
          }),
        ],
      }),
    );
    expect(tiered.total).toBe(63000 - 12000);
    const repeating = priceCart(
      cart(lines, {
        promotions: [
          promo({
            kind: 'spend_save',
            label: '每满300减50',
            repeat: true,
            steps: [{ threshold: 30000, off: 5000 }],
          }),
        ],
      }),
    );
    expect(repeating.total).toBe(63000 - 10000);
    // The order discount is spread over both lines, to the fen.
    expect(repeating.lines.map((l) => l.discounts[0]?.amount)).toEqual([5556, 4444]);
  });

  it('tier discount, special-price goods at their own rate, and member prices', () => {
    const result = priceCart(
      cart(
        [
          line('a', 20000),
          line('b', 10000, 1, { specialPrice: true }),
          line('c', 30000, 1, { memberPrices: { gold: 25000 } }),
        ],
        {
          member: gold,
        },
      ),
    );
    expect(result.lines.map((l) => l.total)).toEqual([19000, 10000, 25000]);
    expect(result.lines[0]?.discounts[0]).toEqual({ source: 'tier', label: '金卡 9.5折', amount: 1000 });
    expect(result.lines[2]?.discounts[0]).toEqual({
      source: 'member_price',
      label: '金卡会员价',
      amount: 5000,
    });
  });

  it('birthday month adds its discount after the tier discount', () => {
    const result = priceCart(
      cart([line('a', 20000)], { member: { ...gold, birthday: '1990-11-03', birthdayOffBp: 1000 } }),
    );
    expect(result.lines[0]?.discounts.map((d) => [d.source, d.amount])).toEqual([
      ['tier', 1000],
      ['birthday', 1900],
    ]);
    const notThisMonth = priceCart(
      cart([line('a', 20000)], { member: { ...gold, birthday: '12-03', birthdayOffBp: 1000 } }),
    );
    expect(notThisMonth.total).toBe(19000);
  });

  it('member day on Wednesdays, for members only', () => {
    const memberDay = promo({
      kind: 'member_day',
      label: '会员日9折',
      offBp: 1000,
      conditions: { membersOnly: true, weekdays: [3] },
    });
    expect(priceCart(cart([line('a', 10000)], { promotions: [memberDay] })).total).toBe(10000);
    expect(
      priceCart(cart([line('a', 10000)], { promotions: [memberDay], member: { ...gold, offBp: 0 } })).total,
    ).toBe(9000);
    const thursday = new Date(WEDNESDAY.getTime() + 86_400_000);
    expect(
      priceCart(
        cart([line('a', 10000)], { promotions: [memberDay], member: { ...gold, offBp: 0 }, at: thursday }),
      ).total,
    ).toBe(10000);
  });
});

describe('conditions', () => {
  const half = (conditions: Promotion['conditions']) =>
    promo({ kind: 'percent_off', offBp: 5000, conditions });

  it('date range, hours, stores, tiers, styles and minimum quantity', () => {
    const one = [line('a', 10000)];
    expect(priceCart(cart(one, { promotions: [half({ from: '2026-12-01T00:00:00+08:00' })] })).total).toBe(
      10000,
    );
    expect(priceCart(cart(one, { promotions: [half({ to: '2026-11-25T00:00:00+08:00' })] })).total).toBe(
      10000,
    );
    expect(
      priceCart(cart(one, { promotions: [half({ hours: { from: '10:00', to: '14:00' } })] })).total,
    ).toBe(10000);
    expect(
      priceCart(cart(one, { promotions: [half({ hours: { from: '14:00', to: '22:00' } })] })).total,
    ).toBe(5000);
    expect(priceCart(cart(one, { promotions: [half({ stores: ['S2'] })] })).total).toBe(10000);
    expect(
      priceCart(cart(one, { promotions: [half({ tiers: ['gold'] })], member: { ...gold, offBp: 0 } })).total,
    ).toBe(5000);
    expect(priceCart(cart(one, { promotions: [half({ excludeStyles: ['style-a'] })] })).total).toBe(10000);
    expect(priceCart(cart(one, { promotions: [half({ minQty: 2 })] })).total).toBe(10000);
    expect(priceCart(cart([line('a', 10000, 2)], { promotions: [half({ minQty: 2 })] })).total).toBe(10000);
  });

  it('special-price goods take part only when the promotion includes them', () => {
    const special = [line('a', 10000, 1, { specialPrice: true })];
    expect(priceCart(cart(special, { promotions: [half({})] })).total).toBe(10000);
    expect(priceCart(cart(special, { promotions: [half({ includeSpecialPrice: true })] })).total).toBe(5000);
  });
});

describe('stacking', () => {
  it('applies stages in the documented order: line promotion, tier, order promotion, coupon, points, 抹零', () => {
    const result = priceCart(
      cart([line('a', 40000), line('b', 20000)], {
        member: gold,
        promotions: [
          promo({ kind: 'percent_off', id: 'sale', label: '9折', offBp: 1000 }),
          promo({
            kind: 'spend_save',
            id: 'mj',
            label: '满300减50',
            steps: [{ threshold: 30000, off: 5000 }],
          }),
        ],
        coupons: [{ code: 'C10', label: '10元券', kind: 'amount', value: 1000, minSpend: 0 }],
        points: { requested: 500, available: 10000, rate: { points: 100, fen: 100 }, maxShareBp: 5000 },
        rounding: 'yuan',
      }),
    );
    // 600 → 9折 540 → 金卡9.5折 513 → 满减 463 → 券 453 → 积分 448 → 抹零 448
    expect(result.discounts.map((d) => [d.source, d.amount])).toEqual([
      ['promotion', 6000],
      ['tier', 2700],
      ['order_promotion', 5000],
      ['coupon', 1000],
      ['points', 500],
    ]);
    expect(result.total).toBe(44800);
    expect(result.points).toEqual({ used: 500, amount: 500 });
    expect(result.lines.reduce((sum, l) => sum + l.total, 0)).toBe(result.total);
  });

  it('picks the better of two exclusive promotions for the customer', () => {
    const result = priceCart(
      cart([line('a', 30000), line('b', 30000)], {
        promotions: [
          promo({
            kind: 'percent_off',
            id: 'eighty',
            label: '8折',
            offBp: 2000,
            exclusiveGroup: 'autumn',
            priority: 1,
          }),
          promo({
            kind: 'nth_item',
            id: 'half',
            label: '第二件半价',
            n: 2,
            offBp: 5000,
            exclusiveGroup: 'autumn',
            priority: 2,
          }),
        ],
      }),
    );
    expect(result.appliedPromotions).toEqual(['half']);
    expect(result.total).toBe(45000);
  });

  it('leaves out a promotion that would cost the member their better tier discount', () => {
    const result = priceCart(
      cart([line('a', 10000)], {
        member: { ...gold, offBp: 2000 },
        promotions: [
          promo({ kind: 'percent_off', label: '95折', offBp: 500, stacksWithTierDiscount: false }),
        ],
      }),
    );
    expect(result.total).toBe(8000);
    expect(result.appliedPromotions).toEqual([]);
  });

  it('a price override takes no line promotion or tier discount', () => {
    const result = priceCart(
      cart([line('a', 10000, 1, { priceOverride: 7000 })], {
        member: gold,
        promotions: [promo({ kind: 'percent_off', offBp: 5000 })],
      }),
    );
    expect(result.lines[0]).toMatchObject({ unitPrice: 7000, total: 7000 });
  });
});

describe('coupons, points and rounding', () => {
  it('rejects a coupon whose minimum spend is not met, and one with no eligible goods', () => {
    const result = priceCart(
      cart([line('a', 10000)], {
        coupons: [
          { code: 'BIG', label: '满200减30', kind: 'amount', value: 3000, minSpend: 20000 },
          {
            code: 'MEN',
            label: '男装券',
            kind: 'amount',
            value: 1000,
            minSpend: 0,
            includeCategories: ['men'],
          },
        ],
      }),
    );
    expect(result.coupons).toEqual({
      applied: [],
      rejected: [
        { code: 'BIG', reason: 'min_spend_not_met' },
        { code: 'MEN', reason: 'no_eligible_goods' },
      ],
    });
    expect(result.total).toBe(10000);
  });

  it('a percent coupon is capped by its maximum', () => {
    const result = priceCart(
      cart([line('a', 100000)], {
        coupons: [{ code: 'P', label: '9折券', kind: 'percent', value: 1000, minSpend: 0, maxOff: 5000 }],
      }),
    );
    expect(result.total).toBe(95000);
  });

  it('points cannot pay more than their share of the bill or than the member holds', () => {
    const offer = { requested: 100000, available: 3000, rate: { points: 100, fen: 100 }, maxShareBp: 5000 };
    expect(priceCart(cart([line('a', 10000)], { points: offer })).points).toEqual({
      used: 3000,
      amount: 3000,
    });
    expect(priceCart(cart([line('a', 4000)], { points: offer })).points).toEqual({
      used: 2000,
      amount: 2000,
    });
  });

  it('抹零 rounds the total down to the jiao', () => {
    expect(priceCart(cart([line('a', 12345)], { rounding: 'jiao' })).total).toBe(12340);
  });
});

describe('allocate', () => {
  it('splits to the fen with the largest remainders, ties by key', () => {
    expect(allocate(100, [1, 1, 1], ['c', 'a', 'b'])).toEqual([33, 34, 33]);
    expect(allocate(10, [30000, 10000], ['x', 'y'])).toEqual([8, 2]);
    expect(allocate(0, [5, 5], ['a', 'b'])).toEqual([0, 0]);
    expect(allocate(99999, [33333, 33333, 33334], ['b', 'a', 'c'])).toEqual([33333, 33333, 33333]);
  });

  it('stays exact where amount × weight passes 2⁵³', () => {
    expect(allocate(1_000_000_007, [2 ** 45, 2 ** 44 + 1, 12345], ['a', 'b', 'c'])).toEqual([
      666666671, 333333336, 0,
    ]);
  });
});
