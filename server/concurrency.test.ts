import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { member, memberState, onHand, openShop, type Shop, sell } from './domain/sales/test-shop.js';
import { call, ownerToken } from './testing/client.js';
import { startTestStore, type TestStore } from './testing/harness.js';
import { seedShop } from './testing/proofs.js';

let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterAll(() => store.close());

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((all, s) => Object.assign(all, { [s]: (all[s] ?? 0) + 1 }), {});

describe('many terminals at once', () => {
  it('100 simultaneous stored-value payments on a balance that covers 40: exactly 40 succeed, balance 0', async () => {
    const { memberId } = await seedShop(store, owner); // 100 yuan stored
    await call(store, 'POST', `/api/members/${memberId}/top-ups`, {
      token: owner,
      body: { id: 'more', amount: 45000, method: 'cash' },
    });
    const balance = (await call(store, 'GET', `/api/members/${memberId}`, { token: owner })).body.storedValue;
    expect(balance % 40).toBe(0);
    const amount = balance / 40;
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        call(store, 'POST', `/api/members/${memberId}/stored-value/payments`, {
          token: owner,
          body: { id: `pay-${i}`, amount },
        }),
      ),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 201: 40, 409: 60 });
    const member = (await call(store, 'GET', `/api/members/${memberId}`, { token: owner })).body;
    expect(member.storedValue).toBe(0);
    const check = await call(store, 'GET', '/api/loyalty/ledger-check', { token: owner });
    expect(check.body.ok).toBe(true);
  });

  it('20 simultaneous resends of one payment: one payment, the same answer twenty times', async () => {
    const { memberId } = await seedShop(store, owner);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(store, 'POST', `/api/members/${memberId}/stored-value/payments`, {
          token: owner,
          body: { id: 'resent-payment', amount: 1234 },
        }),
      ),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 200: 19, 201: 1 });
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    const ledger = await call(store, 'GET', `/api/members/${memberId}/ledger?kind=stored_value`, {
      token: owner,
    });
    expect(ledger.body.items.filter((e: { delta: number }) => e.delta === -1234)).toHaveLength(1);
  });

  it('100 simultaneous take-outs of the last 10 units when stock may not go negative: exactly 10', async () => {
    const { skuIds } = await seedShop(store, owner); // 10 units each
    const skuId = skuIds[0];
    const replies = await Promise.all(
      Array.from({ length: 100 }, () =>
        call(store, 'POST', '/api/stock/adjustments', {
          token: owner,
          body: { reason: 'damaged', lines: [{ skuId, delta: -1 }] },
        }),
      ),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 201: 10, 409: 90 });
    expect((await call(store, 'GET', `/api/skus/${skuId}/stock`, { token: owner })).body.onHand).toBe(0);
    expect((await call(store, 'GET', '/api/stock/check', { token: owner })).body.mismatches).toEqual([]);
  });
});

describe('many terminals selling at once (POST /api/sales)', () => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop();
  });
  afterAll(() => shop.store.close());

  it('the last 10 units sold by 100 simultaneous sales when stock may not go negative: exactly 10', async () => {
    const settings = await call(shop.store, 'PUT', '/api/stock/settings', {
      token: shop.owner,
      body: { negativeStock: 'refuse' },
    });
    expect(settings.status).toBe(200);
    const skuId = shop.shirt.skus[0]?.id as string;
    expect(await onHand(shop, skuId)).toBe(10);
    const replies = await Promise.all(
      Array.from({ length: 100 }, () =>
        sell(shop, { lines: [{ skuId, qty: 1 }], payments: [{ method: 'cash', amount: 10000 }] }),
      ),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 201: 10, 409: 90 });
    expect(await onHand(shop, skuId)).toBe(0);
    const check = await call(shop.store, 'GET', '/api/stock/check', { token: shop.owner });
    expect(check.body.mismatches).toEqual([]);
    await call(shop.store, 'PUT', '/api/stock/settings', {
      token: shop.owner,
      body: { negativeStock: 'allow' },
    });
  });

  it('20 simultaneous resends of one sale (same id, same body): one sale, the same answer each time', async () => {
    const skuId = shop.dress.skus[0]?.id as string;
    const stock = await onHand(shop, skuId);
    const body = {
      id: randomUUID(),
      lines: [{ skuId, qty: 1 }],
      payments: [{ method: 'cash', amount: 30000 }],
    };
    const replies = await Promise.all(Array.from({ length: 20 }, () => sell(shop, body)));
    expect(tally(replies.map((r) => r.status))).toEqual({ 200: 19, 201: 1 });
    expect(new Set(replies.map((r) => r.body.id))).toEqual(new Set([body.id]));
    expect(new Set(replies.map((r) => r.body.number)).size).toBe(1);
    expect(await onHand(shop, skuId)).toBe(stock - 1);
    const db = shop.store.ctx.storage.db;
    const sales = await db
      .selectFrom('sales')
      .select(db.fn.countAll().as('n'))
      .where('id', '=', body.id)
      .execute();
    expect(Number(sales[0]?.n)).toBe(1);
    const lines = await db
      .selectFrom('sale_lines')
      .select(db.fn.countAll().as('n'))
      .where('sale_id', '=', body.id)
      .execute();
    expect(Number(lines[0]?.n)).toBe(1);
  });

  it('100 simultaneous sales paid with stored value on a balance that covers 40: exactly 40, balance 0', async () => {
    const memberId = await member(shop, 400000);
    const balance = (await memberState(shop, memberId)).storedValue;
    expect(balance % 40).toBe(0);
    const share = balance / 40;
    const skuId = shop.dress.skus[1]?.id as string;
    // The member's price of the dress, so each sale pays `share` from stored value and the rest in cash.
    const quote = await call(shop.store, 'POST', '/api/sales/quote', {
      token: shop.cashier.token,
      body: { memberId, lines: [{ skuId, qty: 1 }] },
    });
    expect(quote.status).toBe(200);
    const total = quote.body.total as number;
    expect(total).toBeGreaterThanOrEqual(share);
    const payments =
      total === share
        ? [{ method: 'stored_value', amount: share }]
        : [
            { method: 'stored_value', amount: share },
            { method: 'cash', amount: total - share },
          ];
    const replies = await Promise.all(
      Array.from({ length: 100 }, () => sell(shop, { memberId, lines: [{ skuId, qty: 1 }], payments })),
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ 201: 40, 409: 60 });
    expect((await memberState(shop, memberId)).storedValue).toBe(0);
    const ledger = await call(shop.store, 'GET', '/api/loyalty/ledger-check', { token: shop.owner });
    expect(ledger.body.ok).toBe(true);
    const stock = await call(shop.store, 'GET', '/api/stock/check', { token: shop.owner });
    expect(stock.body.mismatches).toEqual([]);
  });
});
