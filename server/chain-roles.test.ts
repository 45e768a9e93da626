import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoStores, type TwoStores } from './testing/chain.js';
import { addStaff, call, type TestStaff } from './testing/client.js';
import type { ServerProcess } from './testing/process.js';
import { testEngine } from './testing/test-database.js';

/** Head office owns the catalogue, list prices and chain promotions; a branch its store prices and own promotions. */
describe.runIf(testEngine === 'postgres')('a chain: head office and the stores', () => {
  let chain: TwoStores;
  let hq: ServerProcess;
  let branch: ServerProcess;
  let hqOwner: string;
  let branchOwner: string;
  let hqManager: TestStaff;
  let branchManager: TestStaff;
  let styleId: string;
  let skuId: string;
  let hqStoreId: string;
  let branchStoreId: string;

  const total = async (server: ServerProcess, token: string) => {
    const quote = await call(server, 'POST', '/api/sales/quote', {
      token,
      body: { lines: [{ skuId, qty: 1 }] },
    });
    expect(quote.status).toBe(200);
    return quote.body.total as number;
  };
  const storeIdOf = async (server: ServerProcess, token: string) =>
    (await call(server, 'GET', '/api/auth/me', { token })).body.principal.storeId as string;

  beforeAll(async () => {
    chain = await startTwoStores('chain-roles');
    ({ hq, branch, hqOwner, branchOwner } = chain);
    hqManager = await addStaff(hq, hqOwner, 'manager');
    branchManager = await addStaff(branch, branchOwner, 'manager');
    hqStoreId = await storeIdOf(hq, hqOwner);
    branchStoreId = await storeIdOf(branch, branchOwner);
    const product = await call(hq, 'POST', '/api/products', {
      token: hqManager.token,
      body: {
        styleCode: 'RL01',
        name: '连锁外套',
        category: '女装/外套',
        price: 20000,
        colors: ['黑'],
        sizes: ['M'],
      },
    });
    expect(product.status).toBe(201);
    styleId = product.body.id;
    skuId = product.body.skus[0].id;
  }, 120_000);

  afterAll(() => chain?.stop());

  it("a branch manager cannot change the chain's catalogue, list prices or tiers", async () => {
    const token = branchManager.token;
    const created = await call(branch, 'POST', '/api/products', {
      token,
      body: {
        styleCode: 'RL02',
        name: '分店自建',
        category: '女装/外套',
        price: 100,
        colors: ['黑'],
        sizes: ['M'],
      },
    });
    expect(created.status).toBe(403);
    expect(created.body.error.fields).toEqual({ permission: 'head office only' });
    const repriced = await call(branch, 'POST', `/api/products/${styleId}/prices`, {
      token,
      body: { price: 100 },
    });
    expect(repriced.status).toBe(403);
    const deactivated = await call(branch, 'PATCH', `/api/products/${styleId}`, {
      token,
      body: { active: false },
    });
    expect(deactivated.status).toBe(403);
    expect(await total(hq, hqOwner)).toBe(20000);
    expect(await total(branch, token)).toBe(20000);
  });

  it('a branch sets its own price, which its tills sell at and head office does not', async () => {
    const token = branchManager.token;
    const set = await call(branch, 'PUT', `/api/products/${styleId}/store-price`, {
      token,
      body: { price: 16000 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ price: 16000, listPrice: 20000, storePrice: { price: 16000 } });
    expect(await total(branch, token)).toBe(16000);
    expect(await total(hq, hqOwner)).toBe(20000);
    const scanned = await call(branch, 'GET', `/api/products/${styleId}`, { token });
    expect(scanned.body.price).toBe(16000);
    // Head office changes the list price: the branch keeps its own until it goes back.
    expect(
      (
        await call(hq, 'POST', `/api/products/${styleId}/prices`, {
          token: hqManager.token,
          body: { price: 18000 },
        })
      ).status,
    ).toBe(201);
    expect(await total(branch, token)).toBe(16000);
    expect(await total(hq, hqOwner)).toBe(18000);
    const back = await call(branch, 'DELETE', `/api/products/${styleId}/store-price`, { token });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ price: 18000, storePrice: null });
    expect(await total(branch, token)).toBe(18000);
    // Head office has no store price: its price is the list price.
    const atHq = await call(hq, 'PUT', `/api/products/${styleId}/store-price`, {
      token: hqOwner,
      body: { price: 1 },
    });
    expect(atHq.status).toBe(422);
    const audit = await call(branch, 'GET', '/api/audit?kind=price.store_set', { token: branchOwner });
    expect(audit.body.items).toMatchObject([
      { staffId: branchManager.id, detail: { styleCode: 'RL01', from: 20000, to: 16000 } },
    ]);
  });

  it("head office's promotion runs at every store it names; a branch's own only at the branch", async () => {
    const chainWide = await call(hq, 'POST', '/api/promotions', {
      token: hqManager.token,
      body: {
        kind: 'percent_off',
        label: '全店八折',
        offBp: 2000,
        conditions: { stores: [hqStoreId, branchStoreId] },
      },
    });
    expect(chainWide.status).toBe(201);
    expect(chainWide.body.scope).toBe('chain');
    expect(await total(hq, hqOwner)).toBe(14400);
    expect(await total(branch, branchManager.token)).toBe(14400);

    // The branch may not change or end it, nor name another store in its own.
    const edit = await call(branch, 'PUT', `/api/promotions/${chainWide.body.id}`, {
      token: branchManager.token,
      body: { kind: 'percent_off', label: '改', offBp: 9000 },
    });
    expect(edit.status).toBe(403);
    expect(
      (await call(branch, 'DELETE', `/api/promotions/${chainWide.body.id}`, { token: branchManager.token }))
        .status,
    ).toBe(403);
    const naming = await call(branch, 'POST', '/api/promotions', {
      token: branchManager.token,
      body: { kind: 'percent_off', label: '越权', offBp: 1000, conditions: { stores: [hqStoreId] } },
    });
    expect(naming.status).toBe(403);
    expect(naming.body.error.fields).toEqual({ 'body.conditions.stores': 'this store only' });

    const own = await call(branch, 'POST', '/api/promotions', {
      token: branchManager.token,
      body: { kind: 'fixed_price', label: '分店特价', price: 10000, priority: 1, exclusiveGroup: 'price' },
    });
    expect(own.status).toBe(201);
    expect(own.body.scope).toBe('store');
    const listed = await call(branch, 'GET', '/api/promotions', { token: branchManager.token });
    expect(listed.body.items.map((p: { label: string }) => p.label).sort()).toEqual(
      ['全店八折', '分店特价'].sort(),
    );
    const atHq = await call(hq, 'GET', '/api/promotions', { token: hqOwner });
    expect(atHq.body.items.map((p: { label: string }) => p.label)).toEqual(['全店八折']);
    expect(await total(hq, hqOwner)).toBe(14400);
    expect(await total(branch, branchManager.token)).toBeLessThanOrEqual(10000);
    expect(
      (await call(branch, 'DELETE', `/api/promotions/${own.body.id}`, { token: branchManager.token })).status,
    ).toBe(204);
  });
  it("a store adjusts a member's points and refunds stored value only up to head office's limits", async () => {
    const member = await call(hq, 'POST', '/api/members', {
      token: hqOwner,
      body: { phone: '13900139011', name: '限额会员' },
    });
    expect(member.status).toBe(201);
    const adjust = (server: ServerProcess, token: string, delta: number) =>
      call(server, 'POST', `/api/members/${member.body.id}/points/adjustments`, {
        token,
        body: { id: randomUUID(), delta, reason: '补录' },
      });
    const beyond = await adjust(branch, branchManager.token, 2001);
    expect(beyond.status).toBe(403);
    expect(beyond.body.error.fields).toEqual({
      'body.delta': "at most 2000 at a store; more is head office's",
    });
    expect((await adjust(branch, branchManager.token, 2000)).status).toBe(201);
    // Head office may, at any store; and it sets the limit (a store may not).
    expect((await adjust(branch, branchOwner, 5000)).status).toBe(201);
    const limits = { pointsAdjust: 10_000, storedValueRefund: 50_000 };
    const byBranch = await call(branch, 'PUT', '/api/loyalty/settings/storeLimits', {
      token: branchManager.token,
      body: limits,
    });
    expect(byBranch.status).toBe(403);
    expect(
      (await call(hq, 'PUT', '/api/loyalty/settings/storeLimits', { token: hqOwner, body: limits })).status,
    ).toBe(200);
    const within = await adjust(branch, branchManager.token, -6000);
    expect(within.body).toMatchObject({ delta: -6000 });
    const refund = await call(branch, 'POST', `/api/members/${member.body.id}/stored-value/refunds`, {
      token: branchManager.token,
      body: { id: randomUUID(), amount: 50_001, method: 'cash', reason: '退卡' },
    });
    expect(refund.status).toBe(403);
    expect(refund.body.error.fields).toEqual({
      'body.amount': "at most 50000 at a store; more is head office's",
    });
    const member2 = await call(branch, 'GET', `/api/members/${member.body.id}`, {
      token: branchManager.token,
    });
    expect(member2.body.points).toBe(1000);
  });
});
