import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, pairDevice } from '../../testing/client.js';
import { openShop, type Shop } from '../sales/test-shop.js';

let shop: Shop;
let till: string;
let terminalId: string;

beforeEach(async () => {
  shop = await openShop();
  const terminal = await pairDevice(shop.store, shop.owner, 'checkout');
  terminalId = terminal.id;
  till = (
    await call(shop.store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: shop.cashier.username, pin: shop.cashier.pin },
    })
  ).body.token;
});
afterEach(() => shop.store.close());

const post = (path: string, body: unknown, token = till) => call(shop.store, 'POST', path, { token, body });

describe('shifts', () => {
  it('opens with a float, reports takings and expected cash, and closes with the variance', async () => {
    const opened = await post('/api/shifts', { openingFloat: 20000 });
    expect(opened.status).toBe(201);
    expect((await post('/api/shifts', { openingFloat: 100 })).status).toBe(409);

    const cash = await post('/api/sales', {
      id: randomUUID(),
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 35000 }],
    });
    expect(cash.body.change).toBe(5000);
    await post('/api/sales', {
      id: randomUUID(),
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'wechat', amount: 10000, reference: 'WX1' }],
    });
    const training = await post('/api/sales', {
      id: randomUUID(),
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
      training: true,
    });
    expect(training.status).toBe(201);
    expect(
      (await post('/api/shifts/current/cash', { kind: 'paid_out', amount: 1500, reason: '快递费' })).status,
    ).toBe(201);
    expect(
      (await post('/api/shifts/current/cash', { kind: 'cash_in', amount: 5000, reason: '换零钱' })).status,
    ).toBe(201);

    const x = await call(shop.store, 'GET', '/api/shifts/current', { token: till });
    expect(x.body.takings.sales).toMatchObject({ count: 2, total: 40000 });
    expect(x.body.takings.payments).toEqual({ cash: 30000, wechat: 10000 });
    // 200 float + 300 cash sales − 15 paid out + 50 cash in, training ignored.
    expect(x.body.cash.expected).toBe(20000 + 30000 - 1500 + 5000);

    const closed = await post('/api/shifts/current/close', { countedCash: 53400, note: '少了一元' });
    expect(closed.body).toMatchObject({
      status: 'closed',
      cash: { expected: 53500, counted: 53400, variance: -100 },
    });
    // The 交班单 waits for this till's printer, with the figures the cashier signs for.
    const slips = (
      await shop.store.ctx.storage.db
        .selectFrom('print_jobs')
        .select(['terminal_id', 'job'])
        .where('job', 'like', '%"kind":"slip"%')
        .orderBy('created_at')
        .execute()
    ).map((row) => ({ terminalId: row.terminal_id, ...JSON.parse(row.job).document }));
    // 取款单 and 存款单 with their reasons, then the 交班单, all for this till.
    expect(slips.map((s) => [s.kind, s.terminalId, s.note])).toEqual([
      ['paid_out', terminalId, '快递费'],
      ['cash_in', terminalId, '换零钱'],
      ['shift_close', terminalId, '少了一元'],
    ]);
    expect(slips[0].figures).toEqual([{ item: 'amount', value: 1500 }]);
    const slip = slips[2];
    expect(slip).toMatchObject({ kind: 'shift_close', ref: closed.body.id, note: '少了一元' });
    expect(slip.figures).toEqual(
      expect.arrayContaining([
        { item: 'salesCount', value: 2 },
        { item: 'expected', value: 53500 },
        { item: 'counted', value: 53400 },
        { item: 'variance', value: -100 },
      ]),
    );
    expect(slip.payments).toEqual(
      expect.arrayContaining([
        { method: 'cash', amount: 30000 },
        { method: 'wechat', amount: 10000 },
      ]),
    );
    expect((await call(shop.store, 'GET', '/api/shifts/current', { token: till })).status).toBe(404);

    const z = await call(shop.store, 'GET', '/api/reports/day', { token: shop.owner });
    expect(z.body.store.sales).toMatchObject({ count: 2, total: 40000 });
    expect(
      z.body.terminals.find((t: { terminalId: string }) => t.terminalId === terminalId).takings.sales.count,
    ).toBe(2);
    expect(z.body.shifts).toEqual([expect.objectContaining({ variance: -100 })]);

    const audit = await call(shop.store, 'GET', '/api/audit?kind=shift.closed', { token: shop.owner });
    expect(audit.body.items[0].detail).toEqual({ expected: 53500, counted: 53400, variance: -100 });
  });

  it('refuses cash entries without an open shift, bad amounts, and a cashier reading the Z report', async () => {
    expect(
      (await post('/api/shifts/current/cash', { kind: 'paid_out', amount: 100, reason: 'x' })).status,
    ).toBe(422);
    expect((await post('/api/shifts', { openingFloat: -1 })).body.error.fields).toHaveProperty(
      'body.openingFloat',
    );
    expect((await call(shop.store, 'GET', '/api/reports/day', { token: till })).status).toBe(403);
    expect(
      (await call(shop.store, 'GET', '/api/reports/day?date=2026-13-40', { token: shop.owner })).status,
    ).toBe(400);
  });

  it('needs a terminal: the owner on the admin page cannot open a shift', async () => {
    const reply = await post('/api/shifts', { openingFloat: 0 }, shop.owner);
    expect(reply.status).toBe(422);
  });
});

describe('voids and shifts', () => {
  it('voids a sale while its shift is open, and refuses once the shift is closed', async () => {
    await post('/api/shifts', { openingFloat: 0 });
    const approval = {
      'Hanger-Approval-User': shop.manager.username,
      'Hanger-Approval-Pin': shop.manager.pin,
    };
    const sale = async () =>
      (
        await post('/api/sales', {
          id: randomUUID(),
          lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
          payments: [{ method: 'cash', amount: 10000 }],
        })
      ).body.id as string;
    const first = await sale();
    const voided = await call(shop.store, 'POST', `/api/sales/${first}/void`, {
      token: till,
      body: { reason: '收错款' },
      headers: approval,
    });
    expect(voided.status).toBe(200);
    const second = await sale();
    await post('/api/shifts/current/close', { countedCash: 10000 });
    const late = await call(shop.store, 'POST', `/api/sales/${second}/void`, {
      token: till,
      body: { reason: '收错款' },
      headers: approval,
    });
    expect(late.status).toBe(422);
    expect(late.body.error.fields).toEqual({ saleId: 'shift closed' });
  });
});

describe('selling needs an open shift', () => {
  const sell = (body: Record<string, unknown> = {}, token = till) =>
    post(
      '/api/sales',
      {
        id: randomUUID(),
        lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
        payments: [{ method: 'cash', amount: 10000 }],
        ...body,
      },
      token,
    );

  it('refuses a sale on a till before 开班 and after 交班, with the field the till names', async () => {
    const before = await sell();
    expect(before.status).toBe(422);
    expect(before.body.error.fields).toEqual({ shift: 'required' });
    // Training needs no drawer count, and the owner's back office is no till.
    expect((await sell({ training: true })).status).toBe(201);
    expect((await sell({}, shop.owner)).status).toBe(201);

    await post('/api/shifts', { openingFloat: 0 });
    const sold = await sell();
    expect(sold.status).toBe(201);
    // 查单 at the till asks for today by the server's clock, not its own.
    const today = await call(shop.store, 'GET', '/api/sales?day=today', { token: till });
    expect(today.body.items.map((s: { id: string }) => s.id)).toContain(sold.body.id);
    await post('/api/shifts/current/close', { countedCash: 10000 });
    const after = await sell();
    expect(after.status).toBe(422);
    expect(after.body.error.fields).toEqual({ shift: 'required' });
  });

  it('is a setting, on by default, that a manager may turn off', async () => {
    const settings = await call(shop.store, 'GET', '/api/sales/settings', { token: till });
    expect(settings.body.requireShift).toBe(true);
    const off = await call(shop.store, 'PUT', '/api/sales/settings', {
      token: shop.manager.token,
      body: { returnDays: 30, cashierDiscountLimitBp: 1000, rounding: 'none', requireShift: false },
    });
    expect(off.body.requireShift).toBe(false);
    // Left out of a later save, it stays as it was.
    const kept = await call(shop.store, 'PUT', '/api/sales/settings', {
      token: shop.manager.token,
      body: { returnDays: 15, cashierDiscountLimitBp: 1000, rounding: 'none' },
    });
    expect(kept.body.requireShift).toBe(false);
    expect((await sell()).status).toBe(201);
  });
});
