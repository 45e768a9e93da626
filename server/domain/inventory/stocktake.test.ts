import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../events/outbox.js';
import { addStaff, call, ownerToken, TestSocket } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { moveStock } from './ledger.js';

let store: TestStore;
let owner: string;
beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterEach(() => store.close());

async function style(code: string, category: string, sizes: string[], cost = 10000) {
  const reply = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: code, name: '针织开衫', category, price: 25900, cost, colors: ['米白'], sizes },
  });
  return reply.body.skus as { id: string; barcode: string; size: string }[];
}

async function receive(skuId: string, qty: number) {
  await call(store, 'POST', '/api/stock/receipts', { token: owner, body: { lines: [{ skuId, qty }] } });
}

async function sell(skuId: string, qty: number) {
  const outbox = new Outbox();
  await store.ctx.storage.write((trx) =>
    moveStock(
      trx,
      store.ctx,
      { skuId, delta: -qty, kind: 'sale', ref: { type: 'sale', id: 'sale-1' }, staffId: null },
      outbox,
    ),
  );
}

const stockOf = async (skuId: string) =>
  (await call(store, 'GET', `/api/skus/${skuId}/stock`, { token: owner })).body.onHand;

describe('stocktake', () => {
  it('adds up scans, takes corrections, accounts for sales during the count and commits as adjustments', async () => {
    const [a, b, c] = await style('KS-1', '女装/针织', ['S', 'M', 'L']);
    if (!a || !b || !c) throw new Error('no skus');
    await receive(a.id, 5);
    await receive(b.id, 3);
    await receive(c.id, 2);

    const opened = await call(store, 'POST', '/api/stocktakes', {
      token: owner,
      body: { note: '十一月盘点' },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.id as string;
    expect((await call(store, 'POST', '/api/stocktakes', { token: owner, body: {} })).status).toBe(409);

    // A sells 1 before anyone counts it: the count will see 4 and expect 4.
    await sell(a.id, 1);
    const cashier = await addStaff(store, owner, 'cashier');
    for (let i = 0; i < 4; i++) {
      const scan = await call(store, 'POST', `/api/stocktakes/${id}/scans`, {
        token: cashier.token,
        body: { barcode: a.barcode },
      });
      expect(scan.status).toBe(200);
    }
    // B: 3 on the books, the counter finds 2 (scan with a quantity), then one sells after the count.
    await call(store, 'POST', `/api/stocktakes/${id}/scans`, {
      token: cashier.token,
      body: { barcode: b.barcode, qty: 2 },
    });
    await sell(b.id, 1);
    // C: miscounted as 5, corrected to 1.
    await call(store, 'POST', `/api/stocktakes/${id}/scans`, {
      token: cashier.token,
      body: { barcode: c.barcode, qty: 5 },
    });
    const corrected = await call(store, 'PUT', `/api/stocktakes/${id}/counts/${c.id}`, {
      token: cashier.token,
      body: { counted: 1 },
    });
    expect(corrected.body).toMatchObject({ skuId: c.id, counted: 1 });

    const unknown = await call(store, 'POST', `/api/stocktakes/${id}/scans`, {
      token: cashier.token,
      body: { barcode: '2099999999999' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.fields).toEqual({ barcode: 'unknown barcode' });
    const negative = await call(store, 'PUT', `/api/stocktakes/${id}/counts/${c.id}`, {
      token: cashier.token,
      body: { counted: -1 },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.fields).toHaveProperty(['body.counted']);

    const variance = await call(store, 'GET', `/api/stocktakes/${id}/variance`, { token: owner });
    const byId = Object.fromEntries(variance.body.lines.map((line: { skuId: string }) => [line.skuId, line]));
    expect(byId[a.id]).toMatchObject({ expected: 4, counted: 4, variance: 0, value: 0 });
    expect(byId[b.id]).toMatchObject({ expected: 3, counted: 2, variance: -1, value: -10000 });
    expect(byId[c.id]).toMatchObject({ expected: 2, counted: 1, variance: -1, value: -10000 });
    expect(variance.body.totals).toEqual({ variance: -2, value: -20000 });

    expect(
      (await call(store, 'POST', `/api/stocktakes/${id}/commit`, { token: cashier.token, body: {} })).status,
    ).toBe(403);
    const committed = await call(store, 'POST', `/api/stocktakes/${id}/commit`, { token: owner, body: {} });
    expect(committed.status).toBe(200);
    expect(committed.body.stocktake.status).toBe('committed');
    // B: 3 − 1 sold after the count − 1 missing = 1, which is what is on the shelf.
    expect(await stockOf(a.id)).toBe(4);
    expect(await stockOf(b.id)).toBe(1);
    expect(await stockOf(c.id)).toBe(1);
    const ledger = await call(store, 'GET', '/api/stock/movements?kind=stocktake', { token: owner });
    expect(ledger.body.items).toHaveLength(2);
    const after = await call(store, 'POST', `/api/stocktakes/${id}/scans`, {
      token: owner,
      body: { barcode: a.barcode },
    });
    expect(after.status).toBe(422);
    expect((await call(store, 'GET', '/api/stock/check', { token: owner })).body.mismatches).toEqual([]);
  });

  it('covers only its categories, lists SKUs nobody counted, and can zero them', async () => {
    const [dress] = await style('LYQ-9', '女装/连衣裙', ['M']);
    const [coat] = await style('DY-9', '女装/外套/大衣', ['M']);
    const [jeans] = await style('NZK-9', '男装/裤装', ['M']);
    if (!dress || !coat || !jeans) throw new Error('no skus');
    for (const sku of [dress, coat, jeans]) await receive(sku.id, 2);
    const categories = (await call(store, 'GET', '/api/categories', { token: owner })).body.items as {
      id: string;
      path: string;
    }[];
    const women = categories.find((c) => c.path === '女装');
    const opened = await call(store, 'POST', '/api/stocktakes', {
      token: owner,
      body: { categoryIds: [women?.id] },
    });
    const id = opened.body.id;
    const outside = await call(store, 'POST', `/api/stocktakes/${id}/scans`, {
      token: owner,
      body: { barcode: jeans.barcode },
    });
    expect(outside.status).toBe(422);
    await call(store, 'POST', `/api/stocktakes/${id}/scans`, {
      token: owner,
      body: { barcode: dress.barcode, qty: 2 },
    });
    const variance = await call(store, 'GET', `/api/stocktakes/${id}/variance`, { token: owner });
    expect(variance.body.notCounted.map((sku: { skuId: string }) => sku.skuId)).toEqual([coat.id]);
    const committed = await call(store, 'POST', `/api/stocktakes/${id}/commit`, {
      token: owner,
      body: { zeroUncounted: true },
    });
    expect(committed.status).toBe(200);
    expect(await stockOf(coat.id)).toBe(0);
    expect(await stockOf(jeans.id)).toBe(2);
    expect(await stockOf(dress.id)).toBe(2);
  });

  it('counts from a scanner over WebSocket into the open stocktake; a cancelled one books nothing', async () => {
    const [sku] = await style('KS-2', '女装/针织', ['M']);
    if (!sku) throw new Error('no sku');
    await receive(sku.id, 1);
    const cashier = await addStaff(store, owner, 'cashier');
    const { socket } = await TestSocket.open(store, cashier.token);
    expect((await socket.request('stocktake/scan', { barcode: sku.barcode })).error.code).toBe(
      'business_rule',
    );
    const opened = await call(store, 'POST', '/api/stocktakes', { token: owner, body: {} });
    await socket.request('stocktake/scan', { barcode: sku.barcode });
    const second = await socket.request('stocktake/scan', { barcode: sku.barcode });
    expect(second).toMatchObject({ success: true, result: { skuId: sku.id, counted: 2 } });
    socket.close();
    const cancelled = await call(store, 'POST', `/api/stocktakes/${opened.body.id}/cancel`, { token: owner });
    expect(cancelled.body.status).toBe('cancelled');
    expect(await stockOf(sku.id)).toBe(1);
    expect(
      (await call(store, 'POST', `/api/stocktakes/${opened.body.id}/commit`, { token: owner, body: {} }))
        .status,
    ).toBe(422);
  });
});
