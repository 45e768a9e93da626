import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
