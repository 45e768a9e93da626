import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStockLedger } from './domain/inventory/check.js';
import { openPostgres } from './storage/database.js';
import { startTwoStores, type TwoStores } from './testing/chain.js';
import { call } from './testing/client.js';
import type { ServerProcess } from './testing/process.js';
import { testEngine } from './testing/test-database.js';

/** Two store servers of one chain taking each other's returns and receiving each other's transfers. */
describe.runIf(testEngine === 'postgres')('a chain: returns and transfers across stores', () => {
  let chain: TwoStores;
  let url: string;
  let hq: ServerProcess;
  let branch: ServerProcess;
  let hqOwner: string;
  let branchOwner: string;
  let styleId: string;
  let skuIds: string[] = [];
  let memberId: string;

  const onHand = async (server: ServerProcess, token: string, skuId: string): Promise<number> => {
    const style = await call(server, 'GET', `/api/products/${styleId}`, { token });
    return (
      (style.body.skus as { id: string; onHand: number }[]).find((sku) => sku.id === skuId)?.onHand ?? NaN
    );
  };
  const sell = async (qty: number) => {
    const quote = await call(hq, 'POST', '/api/sales/quote', {
      token: hqOwner,
      body: { memberId, lines: [{ skuId: skuIds[0], qty }] },
    });
    const sale = await call(hq, 'POST', '/api/sales', {
      token: hqOwner,
      body: {
        id: randomUUID(),
        memberId,
        lines: [{ skuId: skuIds[0], qty }],
        payments: [{ method: 'cash', amount: quote.body.total }],
      },
    });
    expect(sale.status).toBe(201);
    return sale.body as { id: string; number: string; total: number };
  };

  beforeAll(async () => {
    chain = await startTwoStores('chain-stores');
    ({ url, hq, branch, hqOwner, branchOwner } = chain);
    const product = await call(hq, 'POST', '/api/products', {
      token: hqOwner,
      body: {
        styleCode: 'CR01',
        name: '连锁衬衫',
        category: '女装/衬衫',
        price: 9900,
        colors: ['白'],
        sizes: ['S', 'M'],
      },
    });
    expect(product.status).toBe(201);
    styleId = product.body.id;
    skuIds = (product.body.skus as { id: string }[]).map((sku) => sku.id);
    for (const [server, token] of [
      [hq, hqOwner],
      [branch, branchOwner],
    ] as const) {
      const received = await call(server, 'POST', '/api/stock/receipts', {
        token,
        body: { lines: skuIds.map((skuId) => ({ skuId, qty: 50 })) },
      });
      expect(received.status).toBe(201);
    }
    const member = await call(hq, 'POST', '/api/members', {
      token: hqOwner,
      body: { phone: '13900139000', name: '连锁会员' },
    });
    expect(member.status).toBe(201);
    memberId = member.body.id;
  }, 120_000);

  afterAll(() => chain?.stop());

  it("a store reads another store's sale by id, receipt number and member, and takes its return", async () => {
    const sale = await sell(2);
    const read = await call(branch, 'GET', `/api/sales/${sale.id}`, { token: branchOwner });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: sale.id, number: sale.number, status: 'completed' });
    const byNumber = await call(branch, 'GET', `/api/sales?number=${sale.number}`, { token: branchOwner });
    expect(byNumber.body.items).toMatchObject([{ id: sale.id }]);
    const history = await call(branch, 'GET', `/api/sales?memberId=${memberId}`, { token: branchOwner });
    expect(history.body.items.map((item: { id: string }) => item.id)).toContain(sale.id);
    expect((await call(branch, 'GET', `/api/sales/${sale.id}/receipt`, { token: branchOwner })).status).toBe(
      200,
    );

    const hqBefore = await onHand(hq, hqOwner, skuIds[0] as string);
    const branchBefore = await onHand(branch, branchOwner, skuIds[0] as string);
    const back = await call(branch, 'POST', `/api/sales/${sale.id}/returns`, {
      token: branchOwner,
      body: { id: randomUUID(), lines: [{ skuId: skuIds[0], qty: 1 }] },
    });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({ saleId: sale.id, amount: sale.total / 2, refundTotal: sale.total / 2 });
    expect(back.body.number).toMatch(/^BR02-\d{8}-R0001$/);
    // The goods are back on the returning store's shelf, not the selling store's.
    expect(await onHand(branch, branchOwner, skuIds[0] as string)).toBe(branchBefore + 1);
    expect(await onHand(hq, hqOwner, skuIds[0] as string)).toBe(hqBefore);
    // The selling store sees the line half back.
    const atHq = await call(hq, 'GET', `/api/sales/${sale.id}`, { token: hqOwner });
    expect(atHq.body.returned).toMatchObject([{ qty: 2, returnedQty: 1 }]);
    expect(atHq.body.returns).toMatchObject([{ id: back.body.id, number: back.body.number }]);

    const storage = await openPostgres(url);
    try {
      // The refund left the returning store's till: the return is the branch's.
      const row = await storage.db
        .selectFrom('returns as r')
        .innerJoin('stores as st', 'st.id', 'r.store_id')
        .select(['st.code', 'r.refund_total'])
        .where('r.id', '=', back.body.id)
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ code: 'BR02', refund_total: sale.total / 2 });
    } finally {
      await storage.close();
    }
  });

  it("a sale's or a return's id another store already used is refused 409 naming id, and nothing is written", async () => {
    const sale = await sell(1);
    const again = await call(branch, 'POST', '/api/sales', {
      token: branchOwner,
      body: {
        id: sale.id,
        lines: [{ skuId: skuIds[1], qty: 1 }],
        payments: [{ method: 'cash', amount: 9900 }],
      },
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', fields: { id: expect.any(String) } });
    const first = await call(hq, 'POST', `/api/sales/${sale.id}/returns`, {
      token: hqOwner,
      body: { id: randomUUID(), lines: [{ skuId: skuIds[0], qty: 1 }] },
    });
    expect(first.status).toBe(201);
    const other = await sell(1);
    const branchBefore = await onHand(branch, branchOwner, skuIds[0] as string);
    const reused = await call(branch, 'POST', `/api/sales/${other.id}/returns`, {
      token: branchOwner,
      body: { id: first.body.id, lines: [{ skuId: skuIds[0], qty: 1 }] },
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.fields).toHaveProperty('id');
    expect(await onHand(branch, branchOwner, skuIds[0] as string)).toBe(branchBefore);
    const storage = await openPostgres(url);
    try {
      const sales = await storage.db
        .selectFrom('sales')
        .select('store_id')
        .where('id', '=', sale.id)
        .execute();
      expect(sales).toHaveLength(1);
      const otherNow = await call(hq, 'GET', `/api/sales/${other.id}`, { token: hqOwner });
      expect(otherNow.body.returns).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it('two stores returning the same line at the same moment: one wins, the line comes back once', async () => {
    for (let round = 0; round < 4; round++) {
      const sale = await sell(1);
      const replies = await Promise.all(
        [
          [hq, hqOwner],
          [branch, branchOwner],
        ].map(([server, token]) =>
          call(server as ServerProcess, 'POST', `/api/sales/${sale.id}/returns`, {
            token: token as string,
            body: { id: randomUUID(), lines: [{ skuId: skuIds[0], qty: 1 }] },
          }),
        ),
      );
      expect(replies.map((r) => r.status).sort()).toEqual([201, 422]);
      const refused = replies.find((r) => r.status === 422);
      expect(refused?.body.error.fields).toHaveProperty(['lines.0.qty']);
      const after = await call(hq, 'GET', `/api/sales/${sale.id}`, { token: hqOwner });
      expect(after.body.returned).toMatchObject([{ qty: 1, returnedQty: 1 }]);
      expect(after.body.returns).toHaveLength(1);
    }
    const storage = await openPostgres(url);
    try {
      expect((await checkStockLedger(storage.db)).mismatches).toEqual([]);
    } finally {
      await storage.close();
    }
  }, 60_000);

  it('a transfer is received against what was sent: never more, in parts, closed short with the difference shown', async () => {
    const [shirtS, shirtM] = skuIds as [string, string];
    const sent = await call(hq, 'POST', '/api/stock/transfers', {
      token: hqOwner,
      body: {
        direction: 'out',
        store: 'BR02',
        lines: [
          { skuId: shirtM, qty: 5 },
          { skuId: shirtS, qty: 2 },
        ],
      },
    });
    expect(sent.status).toBe(201);
    const transferId = sent.body.id as string;
    expect(sent.body.transfer).toMatchObject({ from: 'HQ01', to: 'BR02', status: 'in_transit' });
    const receive = (lines: { skuId: string; qty: number }[], close?: boolean) =>
      call(branch, 'POST', '/api/stock/transfers', {
        token: branchOwner,
        body: { direction: 'in', store: 'HQ01', transferId, lines, ...(close !== undefined && { close }) },
      });
    const before = await onHand(branch, branchOwner, shirtM);

    // Five sent, seven booked in: refused, nothing booked.
    const tooMany = await receive([{ skuId: shirtM, qty: 7 }]);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.fields).toEqual({ 'body.lines.0.qty': 'only 5 still to come' });
    expect(await onHand(branch, branchOwner, shirtM)).toBe(before);
    const notSent = await receive([{ skuId: randomUUID(), qty: 1 }]);
    expect(notSent.status).toBe(422);
    expect(notSent.body.error.fields).toHaveProperty(['body.lines.0.skuId']);

    // A partial receipt leaves the rest in transit.
    const first = await receive([{ skuId: shirtM, qty: 3 }]);
    expect(first.status).toBe(201);
    expect(first.body.transfer).toMatchObject({
      status: 'in_transit',
      lines: [
        { skuId: shirtM, sent: 5, received: 3, missing: 2 },
        { skuId: shirtS, sent: 2, received: 0, missing: 2 },
      ],
    });
    const transit = await call(branch, 'GET', '/api/stock/transfers/in-transit', { token: branchOwner });
    expect(transit.body.items).toMatchObject([
      {
        transferId,
        received: [
          { skuId: shirtM, missing: 2 },
          { skuId: shirtS, missing: 2 },
        ],
      },
    ]);
    expect((await receive([{ skuId: shirtM, qty: 3 }])).status).toBe(422);

    // The receiver closes it with one unit short: the difference is on the document at both stores.
    const last = await receive(
      [
        { skuId: shirtM, qty: 1 },
        { skuId: shirtS, qty: 2 },
      ],
      true,
    );
    expect(last.status).toBe(201);
    const missing = [
      { skuId: shirtM, sent: 5, received: 4, missing: 1 },
      { skuId: shirtS, sent: 2, received: 2, missing: 0 },
    ];
    expect(last.body.transfer).toMatchObject({ status: 'closed_short', lines: missing });
    expect(last.body.transfer.receipts).toEqual([first.body.id, last.body.id]);
    const atSender = await call(hq, 'GET', `/api/stock/documents/${transferId}`, { token: hqOwner });
    expect(atSender.body.transfer).toMatchObject({ status: 'closed_short', lines: missing });
    expect(await onHand(branch, branchOwner, shirtM)).toBe(before + 4);
    expect((await receive([{ skuId: shirtM, qty: 1 }])).status).toBe(409);
    const after = await call(branch, 'GET', '/api/stock/transfers/in-transit', { token: branchOwner });
    expect(after.body.items).toEqual([]);

    // Everything came in one receipt: received, and done.
    const whole = await call(hq, 'POST', '/api/stock/transfers', {
      token: hqOwner,
      body: { direction: 'out', store: 'BR02', lines: [{ skuId: shirtS, qty: 2 }] },
    });
    const booked = await call(branch, 'POST', '/api/stock/transfers', {
      token: branchOwner,
      body: { direction: 'in', store: 'HQ01', transferId: whole.body.id, lines: [{ skuId: shirtS, qty: 2 }] },
    });
    expect(booked.body.transfer).toMatchObject({
      status: 'received',
      lines: [{ sent: 2, received: 2, missing: 0 }],
    });
    expect(
      (await call(branch, 'GET', '/api/stock/transfers/in-transit', { token: branchOwner })).body.items,
    ).toEqual([]);
    const storage = await openPostgres(url);
    try {
      expect((await checkStockLedger(storage.db)).mismatches).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
