import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Outbox } from '../../events/outbox.js';
import { addStaff, call, ownerToken, TestSocket } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { checkStockLedger } from './check.js';
import { type MoveResult, moveStock, type StockKind } from './ledger.js';

let store: TestStore;
let owner: string;
beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
});
afterAll(() => store.close());

let counter = 0;
async function newSkus(
  count = 2,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; barcode: string }[]> {
  const sizes = ['S', 'M', 'L', 'XL'].slice(0, count);
  const reply = await call(store, 'POST', '/api/products', {
    token: owner,
    body: {
      styleCode: `INV-${++counter}`,
      name: '羊毛大衣',
      price: 89900,
      cost: 40000,
      colors: ['驼'],
      sizes,
      ...extra,
    },
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body.skus;
}

const stockOf = async (skuId: string) =>
  (await call(store, 'GET', `/api/skus/${skuId}/stock`, { token: owner })).body.onHand as number;

async function receive(skuId: string, qty: number) {
  const reply = await call(store, 'POST', '/api/stock/receipts', {
    token: owner,
    body: { lines: [{ skuId, qty }] },
  });
  expect(reply.status).toBe(201);
  return reply.body;
}

/** What the sales domain does inside its own transaction. */
async function sell(skuId: string, qty: number, kind: StockKind = 'sale'): Promise<MoveResult> {
  const outbox = new Outbox();
  const result = await store.ctx.storage.write((trx) =>
    moveStock(
      trx,
      store.ctx,
      {
        skuId,
        delta: kind === 'return' ? qty : -qty,
        kind,
        ref: { type: 'sale', id: `sale-${++counter}` },
        staffId: null,
      },
      outbox,
    ),
  );
  outbox.publish(store.ctx.bus, store.ctx.store.id);
  return result;
}

async function ledgerCounts() {
  const n = async (table: 'stock_movements' | 'stock_levels' | 'stock_documents') =>
    Number(
      (
        await store.ctx.storage.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    movements: await n('stock_movements'),
    levels: await n('stock_levels'),
    documents: await n('stock_documents'),
  };
}

describe('API.md stock paths', () => {
  it('receives stock and reports it on the SKU and the scan', async () => {
    const [sku] = await newSkus(1);
    if (!sku) throw new Error('no sku');
    expect(await stockOf(sku.id)).toBe(0);
    const receipt = await call(store, 'POST', '/api/stock/receipts', {
      token: owner,
      body: { lines: [{ skuId: sku.id, qty: 5, unitCost: 40000 }], supplier: '杭州织造', note: '秋冬第一批' },
    });
    expect(receipt.status).toBe(201);
    expect(receipt.body).toMatchObject({
      kind: 'receipt',
      supplier: '杭州织造',
      lines: [{ skuId: sku.id, delta: 5, unitCost: 40000, onHandAfter: 5 }],
    });
    expect(await call(store, 'GET', `/api/skus/${sku.id}/stock`, { token: owner })).toMatchObject({
      status: 200,
      body: { skuId: sku.id, onHand: 5 },
    });
    expect(
      (await call(store, 'GET', `/api/skus/by-barcode/${sku.barcode}`, { token: owner })).body.stock,
    ).toBe(5);
    expect((await call(store, 'GET', '/api/skus/nope/stock', { token: owner })).status).toBe(404);
  });

  it.each([
    ['a negative quantity', (skuId: string) => ({ lines: [{ skuId, qty: -2 }] }), 400, 'body.lines.0.qty'],
    ['a zero quantity', (skuId: string) => ({ lines: [{ skuId, qty: 0 }] }), 400, 'body.lines.0.qty'],
    ['a fractional quantity', (skuId: string) => ({ lines: [{ skuId, qty: 1.5 }] }), 400, 'body.lines.0.qty'],
    ['no lines', () => ({ lines: [] }), 400, 'body.lines'],
    [
      'an over-long note',
      (skuId: string) => ({ lines: [{ skuId, qty: 1 }], note: 'x'.repeat(201) }),
      400,
      'body.note',
    ],
    [
      'an unknown SKU after a good line',
      (skuId: string) => ({
        lines: [
          { skuId, qty: 1 },
          { skuId: 'nope', qty: 1 },
        ],
      }),
      404,
      'body.lines.1.skuId',
    ],
  ])('refuses %s, naming the field, and books nothing', async (_case, body, status, field) => {
    const [sku] = await newSkus(1);
    if (!sku) throw new Error('no sku');
    const before = await ledgerCounts();
    const reply = await call(store, 'POST', '/api/stock/receipts', { token: owner, body: body(sku.id) });
    expect(reply.status).toBe(status);
    expect(Object.keys(reply.body.error.fields)).toContain(field);
    expect(await ledgerCounts()).toEqual(before);
    expect(await stockOf(sku.id)).toBe(0);
  });

  it('lets a manager receive but not a cashier', async () => {
    const [sku] = await newSkus(1);
    const cashier = await addStaff(store, owner, 'cashier');
    const manager = await addStaff(store, owner, 'manager');
    const body = { lines: [{ skuId: sku?.id, qty: 1 }] };
    expect((await call(store, 'POST', '/api/stock/receipts', { token: cashier.token, body })).status).toBe(
      403,
    );
    expect((await call(store, 'POST', '/api/stock/receipts', { token: manager.token, body })).status).toBe(
      201,
    );
  });
});

describe('every movement kind', () => {
  it('books receipt, sale, return, adjustments, transfers out and in on one ledger', async () => {
    const [sku] = await newSkus(1);
    if (!sku) throw new Error('no sku');
    await receive(sku.id, 10);
    expect(await sell(sku.id, 3)).toMatchObject({ onHand: 7, warning: null });
    expect(await sell(sku.id, 1, 'return')).toMatchObject({ onHand: 8 });
    const damaged = await call(store, 'POST', '/api/stock/adjustments', {
      token: owner,
      body: { reason: 'damaged', lines: [{ skuId: sku.id, delta: -2 }], note: '污渍' },
    });
    expect(damaged.status).toBe(201);
    const found = await call(store, 'POST', '/api/stock/adjustments', {
      token: owner,
      body: { reason: 'found', lines: [{ skuId: sku.id, delta: 1 }] },
    });
    expect(found.status).toBe(201);
    const out = await call(store, 'POST', '/api/stock/transfers', {
      token: owner,
      body: { direction: 'out', store: 'S002', lines: [{ skuId: sku.id, qty: 4 }] },
    });
    expect(out.status).toBe(201);
    expect(out.body).toMatchObject({
      kind: 'transfer_out',
      store: 'S002',
      lines: [{ delta: -4, onHandAfter: 3 }],
    });
    const inbound = {
      direction: 'in',
      store: 'S003',
      transferId: 'T-S003-0001',
      lines: [{ skuId: sku.id, qty: 2 }],
    };
    expect((await call(store, 'POST', '/api/stock/transfers', { token: owner, body: inbound })).status).toBe(
      201,
    );
    const again = await call(store, 'POST', '/api/stock/transfers', { token: owner, body: inbound });
    expect(again.status).toBe(409);
    expect(await stockOf(sku.id)).toBe(5);

    const ledger = await call(store, 'GET', `/api/stock/movements?skuId=${sku.id}`, { token: owner });
    expect(
      ledger.body.items
        .map((m: { kind: string; delta: number; onHandAfter: number }) => [m.kind, m.delta, m.onHandAfter])
        .reverse(),
    ).toEqual([
      ['receipt', 10, 10],
      ['sale', -3, 7],
      ['return', 1, 8],
      ['adjustment', -2, 6],
      ['adjustment', 1, 7],
      ['transfer_out', -4, 3],
      ['transfer_in', 2, 5],
    ]);
    const audit = await call(store, 'GET', '/api/audit?kind=stock.adjusted', { token: owner });
    expect(audit.body.items[0].detail).toMatchObject({ reason: 'found', units: 1 });
  });

  it('refuses an adjustment the wrong way or below zero, and a transfer of stock not there', async () => {
    const [sku] = await newSkus(1);
    if (!sku) throw new Error('no sku');
    await receive(sku.id, 1);
    const before = await ledgerCounts();
    const lost = await call(store, 'POST', '/api/stock/adjustments', {
      token: owner,
      body: { reason: 'lost', lines: [{ skuId: sku.id, delta: 2 }] },
    });
    expect(lost.status).toBe(400);
    expect(lost.body.error.fields).toHaveProperty(['body.lines.0.delta']);
    const tooMany = await call(store, 'POST', '/api/stock/adjustments', {
      token: owner,
      body: { reason: 'lost', lines: [{ skuId: sku.id, delta: -2 }] },
    });
    expect(tooMany.status).toBe(409);
    const transfer = await call(store, 'POST', '/api/stock/transfers', {
      token: owner,
      body: { direction: 'out', store: 'S002', lines: [{ skuId: sku.id, qty: 2 }] },
    });
    expect(transfer.status).toBe(409);
    expect(transfer.body.error.fields).toHaveProperty(['body.lines.0.skuId']);
    expect(await ledgerCounts()).toEqual(before);
    expect(await stockOf(sku.id)).toBe(1);
  });
});

describe('negative-stock policy', () => {
  it('allows a sale below zero with a warning by default, and refuses it once the store says so', async () => {
    const [sku] = await newSkus(1);
    if (!sku) throw new Error('no sku');
    expect((await call(store, 'GET', '/api/stock/settings', { token: owner })).body).toEqual({
      negativeStock: 'allow',
    });
    expect(await sell(sku.id, 1)).toMatchObject({ onHand: -1, warning: 'negative_stock' });

    const set = await call(store, 'PUT', '/api/stock/settings', {
      token: owner,
      body: { negativeStock: 'refuse' },
    });
    expect(set.status).toBe(200);
    const before = await ledgerCounts();
    await expect(sell(sku.id, 1)).rejects.toMatchObject({ code: 'conflict' });
    expect(await ledgerCounts()).toEqual(before);
    expect(await stockOf(sku.id)).toBe(-1);
    await receive(sku.id, 3);
    expect(await sell(sku.id, 2)).toMatchObject({ onHand: 0, warning: null });
    await call(store, 'PUT', '/api/stock/settings', { token: owner, body: { negativeStock: 'allow' } });
    const bad = await call(store, 'PUT', '/api/stock/settings', {
      token: owner,
      body: { negativeStock: 'sometimes' },
    });
    expect(bad.status).toBe(400);
  });
});

describe('events', () => {
  it('publishes stock.changed after commit and stock.low when a SKU falls to its threshold', async () => {
    const [sku] = await newSkus(1, { lowStockThreshold: 2 });
    if (!sku) throw new Error('no sku');
    const { socket } = await TestSocket.open(store, owner);
    expect((await socket.request('subscribe', { topic: 'stock.changed' })).success).toBe(true);
    expect((await socket.request('subscribe', { topic: 'stock.low' })).success).toBe(true);
    await receive(sku.id, 4);
    expect(await socket.waitFor((m) => m.event?.type === 'stock.changed')).toMatchObject({
      event: { data: { skuId: sku.id, delta: 4, onHand: 4, kind: 'receipt' } },
    });
    await sell(sku.id, 2);
    expect(await socket.waitFor((m) => m.event?.type === 'stock.low')).toMatchObject({
      event: { data: { skuId: sku.id, onHand: 2, threshold: 2, barcode: sku.barcode } },
    });
    socket.close();

    const cashier = await addStaff(store, owner, 'cashier');
    const till = (await TestSocket.open(store, cashier.token)).socket;
    expect((await till.request('subscribe', { topic: 'stock.low' })).error.code).toBe('forbidden');
    expect((await till.request('subscribe', { topic: 'stock.changed' })).success).toBe(true);
    till.close();
  });

  it('lists low stock with a reorder suggestion from the last 28 days of sales', async () => {
    const [a, b] = await newSkus(2, { lowStockThreshold: 3 });
    if (!a || !b) throw new Error('no sku');
    await call(store, 'PATCH', `/api/skus/${b.id}`, { token: owner, body: { lowStockThreshold: 0 } });
    await receive(a.id, 10);
    await receive(b.id, 1);
    await sell(a.id, 8);
    await sell(a.id, 1, 'return');
    const low = await call(store, 'GET', '/api/stock/low', { token: owner });
    const mine = low.body.items.filter(
      (item: { skuId: string }) => item.skuId === a.id || item.skuId === b.id,
    );
    // a: 3 on hand ≤ 3; sold 8 − 1 returned = 7; suggestion 7 + 3 − 3 = 7. b: 1 > its own 0.
    expect(mine).toEqual([
      expect.objectContaining({ skuId: a.id, onHand: 3, threshold: 3, soldRecently: 7, suggestedOrder: 7 }),
    ]);
  });
});

describe('cache and ledger', () => {
  it('a check finds every cached on-hand equal to its ledger sum, and catches one broken on purpose', async () => {
    const [sku] = await newSkus(1);
    if (!sku) throw new Error('no sku');
    await receive(sku.id, 6);
    const clean = await call(store, 'GET', '/api/stock/check', { token: owner });
    expect(clean.body.mismatches).toEqual([]);
    expect(clean.body.checked).toBeGreaterThan(5);

    await store.ctx.storage.write((trx) =>
      trx.updateTable('stock_levels').set({ on_hand: 99 }).where('sku_id', '=', sku.id).execute(),
    );
    const broken = await checkStockLedger(store.ctx.storage.db);
    expect(broken.mismatches).toEqual([
      { storeId: store.ctx.store.id, skuId: sku.id, cached: 99, ledger: 6 },
    ]);
    await store.ctx.storage.write((trx) =>
      trx.updateTable('stock_levels').set({ on_hand: 6 }).where('sku_id', '=', sku.id).execute(),
    );
  });

  it('keeps the ledger append-only in the database itself', async () => {
    await expect(
      store.ctx.storage.write((trx) => trx.deleteFrom('stock_movements').execute()),
    ).rejects.toThrow(/append-only/);
    await expect(
      store.ctx.storage.write((trx) => trx.updateTable('stock_movements').set({ delta: 1 }).execute()),
    ).rejects.toThrow(/append-only/);
  });
});
