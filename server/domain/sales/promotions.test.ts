import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { member, openShop, type Shop, sell } from './test-shop.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

async function promote(body: Record<string, unknown>): Promise<string> {
  const reply = await call(shop.store, 'POST', '/api/promotions', { token: shop.manager.token, body });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body.id as string;
}

const end = (id: string) =>
  call(shop.store, 'DELETE', `/api/promotions/${id}`, { token: shop.manager.token });

describe('promotions stored through the API apply to real sales', () => {
  it('every kind: percent_off, member_day, fixed_price, nth_item, bundle, spend_save', async () => {
    const memberId = await member(shop);
    const categories = await call(shop.store, 'GET', '/api/categories', { token: shop.owner });
    const womens = categories.body.items.find((c: { path: string }) => c.path === '女装').id as string;
    const dress = shop.dress.skus[0]?.id;
    const shirt = shop.shirt.skus[0]?.id;
    const stories: [Record<string, unknown>, Record<string, unknown>, number][] = [
      // 女装 8折 on the parent category covers 女装 › 连衣裙.
      [
        { kind: 'percent_off', label: '女装8折', offBp: 2000, conditions: { includeCategories: [womens] } },
        { lines: [{ skuId: dress, qty: 1 }] },
        24000,
      ],
      // Tuesday 24 Nov 2026 is a member day: 9折 for members.
      [
        {
          kind: 'member_day',
          label: '会员日9折',
          offBp: 1000,
          conditions: { weekdays: [2], membersOnly: true },
        },
        { memberId, lines: [{ skuId: shirt, qty: 1 }] },
        9000,
      ],
      [
        {
          kind: 'fixed_price',
          label: '衬衫一口价80',
          price: 8000,
          conditions: { includeStyles: [shop.shirt.styleId] },
        },
        { lines: [{ skuId: shirt, qty: 1 }] },
        8000,
      ],
      [
        { kind: 'nth_item', label: '第二件半价', n: 2, offBp: 5000 },
        { lines: [{ skuId: shirt, qty: 2 }] },
        15000,
      ],
      [
        {
          kind: 'bundle',
          label: '任选3件250',
          qty: 3,
          price: 25000,
          conditions: { includeStyles: [shop.shirt.styleId] },
        },
        { lines: [{ skuId: shirt, qty: 3 }] },
        25000,
      ],
      [
        { kind: 'spend_save', label: '满300减50', steps: [{ threshold: 30000, off: 5000 }] },
        { lines: [{ skuId: dress, qty: 1 }] },
        25000,
      ],
    ];
    for (const [promotion, cart, total] of stories) {
      const id = await promote(promotion);
      const sale = await sell(shop, { ...cart, payments: [{ method: 'cash', amount: total }] });
      expect({ kind: promotion.kind, status: sale.status, total: sale.body.total }).toEqual({
        kind: promotion.kind,
        status: 201,
        total,
      });
      const refs = sale.body.lines.flatMap((line: { discounts: { ref?: string; label: string }[] }) =>
        line.discounts.map((d) => d.ref),
      );
      expect(refs).toContain(id);
      expect((await end(id)).status).toBe(204);
    }
  });

  it('two promotions stack in stage order; an exclusive group gives the better one; a paused one does not apply', async () => {
    await promote({ kind: 'percent_off', label: '全场9折', offBp: 1000, priority: 10 });
    await promote({
      kind: 'spend_save',
      label: '满300减30',
      steps: [{ threshold: 30000, off: 3000 }],
      priority: 20,
    });
    const quote = await call(shop.store, 'POST', '/api/sales/quote', {
      token: shop.cashier.token,
      body: {
        lines: [
          { skuId: shop.dress.skus[0]?.id, qty: 1 },
          { skuId: shop.shirt.skus[0]?.id, qty: 1 },
        ],
      },
    });
    // 40000 × 0.9 = 36000, then 满300减30 → 33000.
    expect(quote.body.total).toBe(33000);
    expect(quote.body.discounts.map((d: { label: string }) => d.label)).toEqual(['全场9折', '满300减30']);

    const list = await call(shop.store, 'GET', '/api/promotions', { token: shop.cashier.token });
    for (const p of list.body.items) await end(p.id);
    await promote({ kind: 'percent_off', label: 'A 9折', offBp: 1000, exclusiveGroup: 'g' });
    await promote({ kind: 'percent_off', label: 'B 8折', offBp: 2000, exclusiveGroup: 'g' });
    const paused = await promote({ kind: 'percent_off', label: 'paused', offBp: 5000, active: false });
    const best = await call(shop.store, 'POST', '/api/sales/quote', {
      token: shop.cashier.token,
      body: { lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }] },
    });
    expect(best.body.total).toBe(24000);
    expect(best.body.appliedPromotions).not.toContain(paused);
  });

  it('validates promotions with zod and keeps them to owner and manager', async () => {
    const bad = await call(shop.store, 'POST', '/api/promotions', {
      token: shop.manager.token,
      body: { kind: 'spend_save', label: 'x', steps: [{ threshold: 100, off: 200 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('body.steps');
    const cashier = await call(shop.store, 'POST', '/api/promotions', {
      token: shop.cashier.token,
      body: { kind: 'percent_off', label: 'x', offBp: 100 },
    });
    expect(cashier.status).toBe(403);
  });
});
