import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { member, openShop, type Shop } from './test-shop.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const spendSave = { kind: 'spend_save', label: '满300减50', steps: [{ threshold: 30000, off: 5000 }] };

describe('POST /api/promotions/preview', () => {
  it('prices a cart before and after an unsaved promotion, storing nothing', async () => {
    const memberId = await member(shop);
    const reply = await call(shop.store, 'POST', '/api/promotions/preview', {
      token: shop.manager.token,
      body: {
        promotion: spendSave,
        memberId,
        lines: [
          { barcode: shop.dress.skus[0]?.barcode, qty: 1 },
          { skuId: shop.shirt.skus[0]?.id, qty: 1 },
        ],
      },
    });
    expect(reply.status).toBe(200);
    expect(reply.body.before.total).toBe(40000);
    expect(reply.body.after.total).toBe(35000);
    expect(reply.body.after.member.id).toBe(memberId);
    expect(reply.body.after.appliedPromotions).toEqual(['draft']);
    const labels = reply.body.after.lines.flatMap((l: { discounts: { label: string }[] }) =>
      l.discounts.map((d) => d.label),
    );
    expect(labels).toContain('满300减50');
    const list = await call(shop.store, 'GET', '/api/promotions?all=true', { token: shop.manager.token });
    expect(list.body.items).toEqual([]);
  });

  it('puts a paused draft in force in place of the saved version of the promotion edited', async () => {
    const saved = await call(shop.store, 'POST', '/api/promotions', {
      token: shop.manager.token,
      body: { kind: 'percent_off', label: '全场9折', offBp: 1000 },
    });
    const id = saved.body.id as string;
    const reply = await call(shop.store, 'POST', '/api/promotions/preview', {
      token: shop.owner,
      body: {
        id,
        promotion: { kind: 'percent_off', label: '全场8折', offBp: 2000, active: false },
        lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      },
    });
    expect(reply.status).toBe(200);
    // Before: the cart without the promotion edited; after: with the draft in its place.
    expect(reply.body.before.total).toBe(30000);
    expect(reply.body.after.total).toBe(24000);
    expect(reply.body.after.discounts.map((d: { label: string }) => d.label)).toEqual(['全场8折']);
    const after = await call(shop.store, 'GET', `/api/promotions/${id}`, { token: shop.owner });
    expect(after.body.label).toBe('全场9折');
  });

  it('keeps the other promotions in force on both sides, and lists ended ones apart', async () => {
    const other = await call(shop.store, 'POST', '/api/promotions', {
      token: shop.manager.token,
      body: { kind: 'percent_off', label: '全场9折', offBp: 1000 },
    });
    const reply = await call(shop.store, 'POST', '/api/promotions/preview', {
      token: shop.owner,
      body: { promotion: spendSave, lines: [{ skuId: shop.dress.skus[0]?.id, qty: 2 }] },
    });
    // 60000 × 0.9 = 54000, then 满300减50 → 49000.
    expect([reply.body.before.total, reply.body.after.total]).toEqual([54000, 49000]);
    expect(reply.body.after.discounts.map((d: { label: string }) => d.label)).toEqual([
      '全场9折',
      '满300减50',
    ]);
    await call(shop.store, 'DELETE', `/api/promotions/${other.body.id}`, { token: shop.owner });
    const ended = await call(shop.store, 'GET', '/api/promotions?archived=true', { token: shop.owner });
    expect(ended.body.items).toMatchObject([{ id: other.body.id, label: '全场9折', active: false }]);
    expect(ended.body.items[0].archivedAt).toBe('2026-11-24T10:00:00.000Z');
    const open = await call(shop.store, 'GET', '/api/promotions?all=true', { token: shop.owner });
    expect(open.body.items).toEqual([]);
  });

  it('checks the draft like a saved promotion and keeps the preview from cashiers', async () => {
    const bad = await call(shop.store, 'POST', '/api/promotions/preview', {
      token: shop.manager.token,
      body: {
        promotion: { ...spendSave, steps: [{ threshold: 100, off: 200 }] },
        lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty(['body.promotion.steps']);
    const unknown = await call(shop.store, 'POST', '/api/promotions/preview', {
      token: shop.manager.token,
      body: { promotion: spendSave, lines: [{ barcode: 'nope', qty: 1 }] },
    });
    expect(unknown.status).toBe(404);
    const cashier = await call(shop.store, 'POST', '/api/promotions/preview', {
      token: shop.cashier.token,
      body: { promotion: spendSave, lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }] },
    });
    expect(cashier.status).toBe(403);
  });
});
