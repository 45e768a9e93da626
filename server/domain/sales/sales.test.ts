import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreEvent } from '../../protocol/events.js';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import { checkLedgers } from '../loyalty/check.js';
import {
  counts,
  coupon,
  couponStatus,
  member,
  memberState,
  onHand,
  openShop,
  type Shop,
  sell,
} from './test-shop.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const approval = (shop: Shop) => ({
  'Hanger-Approval-User': shop.manager.username,
  'Hanger-Approval-Pin': shop.manager.pin,
});

describe('POST /api/sales/quote and POST /api/sales (API.md)', () => {
  it('quotes without storing, then completes with exactly the contract fields', async () => {
    const before = await counts(shop);
    const dress = shop.dress.skus[0]?.id as string;
    const quote = await call(shop.store, 'POST', '/api/sales/quote', {
      token: shop.cashier.token,
      body: {
        lines: [
          { skuId: dress, qty: 1 },
          { barcode: shop.shirt.skus[0]?.barcode, qty: 2 },
        ],
      },
    });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({ subtotal: 50000, discountTotal: 0, total: 50000 });
    expect(await counts(shop)).toEqual(before);

    const id = randomUUID();
    const body = {
      id,
      lines: [
        { skuId: dress, qty: 1 },
        { barcode: shop.shirt.skus[0]?.barcode, qty: 2 },
      ],
      payments: [
        { method: 'wechat', amount: 20000, reference: 'WX-1' },
        { method: 'cash', amount: 31000 },
      ],
    };
    const sale = await call(shop.store, 'POST', '/api/sales', { token: shop.cashier.token, body });
    expect(sale.status).toBe(201);
    expect(sale.body).toMatchObject({
      id,
      number: 'S001-20261124-0001',
      subtotal: 50000,
      discountTotal: 0,
      total: 50000,
      change: 1000,
      pointsEarned: 0,
      pointsRedeemed: 0,
      member: null,
      payments: [
        { method: 'wechat', amount: 20000, reference: 'WX-1' },
        { method: 'cash', amount: 31000 },
      ],
    });
    expect(sale.body.at).toBe('2026-11-24T10:00:00.000Z');
    expect(sale.body.lines[0]).toMatchObject({
      skuId: dress,
      qty: 1,
      unitPrice: 30000,
      discounts: [],
      total: 30000,
    });
    expect(await onHand(shop, dress)).toBe(9);
    expect(await onHand(shop, shop.shirt.skus[0]?.id as string)).toBe(8);

    const got = await call(shop.store, 'GET', `/api/sales/${id}`, { token: shop.cashier.token });
    expect(got.body).toMatchObject({ id, number: 'S001-20261124-0001', status: 'completed', total: 50000 });
    const byNumber = await call(shop.store, 'GET', '/api/sales?number=S001-20261124-0001', {
      token: shop.cashier.token,
    });
    expect(byNumber.body.items).toHaveLength(1);
    const receipt = await call(shop.store, 'GET', `/api/sales/${id}/receipt`, { token: shop.cashier.token });
    expect(receipt.body).toMatchObject({
      kind: 'sale',
      saleNumber: 'S001-20261124-0001',
      total: 50000,
      change: 1000,
    });
  });

  it('is idempotent: a resend answers 200 with the first result, another body 409, ten at once make one sale', async () => {
    const body = {
      id: randomUUID(),
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'card', amount: 30000 }],
    };
    const replies = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(shop.store, 'POST', '/api/sales', { token: shop.cashier.token, body }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect((await counts(shop)).sales).toBe(1);
    expect(await onHand(shop, shop.dress.skus[0]?.id as string)).toBe(9);

    const again = await call(shop.store, 'POST', '/api/sales', { token: shop.cashier.token, body });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(replies[0]?.body);

    const other = await call(shop.store, 'POST', '/api/sales', {
      token: shop.cashier.token,
      body: {
        ...body,
        lines: [{ skuId: shop.dress.skus[0]?.id, qty: 2 }],
        payments: [{ method: 'card', amount: 60000 }],
      },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.fields).toEqual({ id: 'already used with another body' });
    expect((await counts(shop)).sales).toBe(1);
  });

  it('numbers receipts per store and day without gaps, in the store time zone', async () => {
    const pay = [{ method: 'cash', amount: 10000 }];
    const line = [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }];
    expect((await sell(shop, { lines: line, payments: pay })).body.number).toBe('S001-20261124-0001');
    // A refused sale does not use a number.
    expect((await sell(shop, { lines: line, payments: [{ method: 'cash', amount: 50 }] })).status).toBe(422);
    expect((await sell(shop, { lines: line, payments: pay })).body.number).toBe('S001-20261124-0002');
    // 16:30 UTC is 00:30 the next day in Shanghai.
    shop.store.clock.advance(6.5 * 3_600_000);
    shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
    expect((await sell(shop, { lines: line, payments: pay })).body.number).toBe('S001-20261125-0001');
  });

  it('one transaction: stock, points redeemed and earned, stored value, coupon, tier, audit, then sale.completed', async () => {
    const memberId = await member(shop, 100000);
    // Give the member 1,000 points to redeem (100 points = ¥1).
    await call(shop.store, 'POST', `/api/members/${memberId}/points/adjustments`, {
      token: shop.owner,
      body: { id: randomUUID(), delta: 1000, reason: 'welcome' },
    });
    const code = await coupon(shop, memberId, 2000, 20000);
    const events: StoreEvent[] = [];
    const stop = shop.store.ctx.bus.listen((event) => events.push(event));
    const before = await memberState(shop, memberId);
    const sale = await sell(shop, {
      memberId,
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      couponCodes: [code],
      redeemPoints: 1000,
      payments: [
        { method: 'stored_value', amount: 20000 },
        { method: 'cash', amount: 7000 },
      ],
    });
    stop();
    expect(sale.status).toBe(201);
    // 30000 − 20 元 coupon − 10 元 points = 27000.
    expect(sale.body).toMatchObject({ total: 27000, pointsRedeemed: 1000, coupons: [code] });
    expect(sale.body.lines[0].discounts.map((d: { source: string }) => d.source)).toEqual([
      'coupon',
      'points',
    ]);
    // Points on what was paid with cash and stored-value principal: 270.
    expect(sale.body.pointsEarned).toBe(270);
    const after = await memberState(shop, memberId);
    expect(after.points).toBe(before.points - 1000 + 270);
    expect(after.storedValue).toBe(before.storedValue - 20000);
    expect(sale.body.member).toMatchObject({
      id: memberId,
      points: after.points,
      storedValue: after.storedValue,
    });
    expect(await couponStatus(shop, code)).toBe('redeemed');
    expect(await onHand(shop, shop.dress.skus[0]?.id as string)).toBe(9);
    const completed = events.filter((e) => e.type === 'sale.completed');
    expect(completed).toHaveLength(1);
    // Each change to the member is told, every one with the balances the sale left them with
    // (a till never shows the points between the redemption and the earning).
    const changed = events.filter((e) => e.type === 'member.changed');
    expect(changed.map((e) => e.data)).toEqual(
      ['stored_value_spent', 'points_redeemed', 'coupon_redeemed', 'points_earned'].map((reason) => ({
        memberId,
        reason,
        points: after.points,
        storedValue: after.storedValue,
        tierCode: after.tier,
      })),
    );
    const audit = await call(shop.store, 'GET', '/api/audit?kind=sale.completed', { token: shop.owner });
    expect(audit.body.items[0]).toMatchObject({
      staffId: shop.cashier.id,
      subject: { type: 'sale', id: sale.body.id },
    });
  });

  it('training sales are priced and stored as training and change no stock, points, balance or coupon', async () => {
    const memberId = await member(shop, 50000);
    const code = await coupon(shop, memberId, 1000);
    const before = {
      ...(await memberState(shop, memberId)),
      stock: await onHand(shop, shop.dress.skus[0]?.id as string),
    };
    const sale = await sell(shop, {
      memberId,
      training: true,
      couponCodes: [code],
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'stored_value', amount: 29000 }],
    });
    expect(sale.status).toBe(201);
    expect(sale.body).toMatchObject({
      training: true,
      number: 'S001-20261124-T0001',
      total: 29000,
      pointsEarned: 0,
    });
    expect({
      ...(await memberState(shop, memberId)),
      stock: await onHand(shop, shop.dress.skus[0]?.id as string),
    }).toEqual(before);
    expect(await couponStatus(shop, code)).toBe('issued');
    const receipt = await call(shop.store, 'GET', `/api/sales/${sale.body.id}/receipt`, {
      token: shop.owner,
    });
    // Marked as training, in the printer's own words (the bridge prints 练习单，不是销售).
    expect(receipt.body.training).toBe(true);
    // A real sale still starts at 0001.
    const real = await sell(shop, {
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    expect(real.body.number).toBe('S001-20261124-0001');
  });
});

describe('line ids (one id from the request to the receipt)', () => {
  const ids = (lines: { lineId: string }[]) => lines.map((line) => line.lineId);
  const saleLines = (saleId: string) =>
    shop.store.ctx.storage.db
      .selectFrom('sale_lines')
      .select(['id', 'discount_total'])
      .where('sale_id', '=', saleId)
      .orderBy('line_no')
      .execute();

  it("keeps the lines' own ids: two lines of one SKU keep their ids and their own discounts", async () => {
    const dress = shop.dress.skus[0]?.id;
    const [plain, off] = [randomUUID(), randomUUID()];
    const body = {
      id: randomUUID(),
      lines: [
        { lineId: plain, skuId: dress, qty: 1 },
        { lineId: off, skuId: dress, qty: 1, discount: { kind: 'percent', offBp: 1000 } },
      ],
      payments: [{ method: 'cash', amount: 60000 }],
    };
    const quote = await call(shop.store, 'POST', '/api/sales/quote', { token: shop.cashier.token, body });
    expect(ids(quote.body.lines)).toEqual([plain, off]);
    const sold = await call(shop.store, 'POST', '/api/sales', { token: shop.cashier.token, body });
    expect(sold.status).toBe(201);
    expect(ids(sold.body.lines)).toEqual([plain, off]);
    expect(sold.body.lines.map((line: { total: number }) => line.total)).toEqual([30000, 27000]);
    expect(await saleLines(body.id)).toEqual([
      { id: plain, discount_total: 0 },
      { id: off, discount_total: 3000 },
    ]);
    const receipt = await call(shop.store, 'GET', `/api/sales/${body.id}/receipt`, {
      token: shop.cashier.token,
    });
    expect(ids(receipt.body.lines)).toEqual([plain, off]);

    // The same body replays; ids name lines, so the body without them is the same sale too.
    const again = await call(shop.store, 'POST', '/api/sales', { token: shop.cashier.token, body });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(sold.body);
    const bare = body.lines.map(({ lineId: _lineId, ...line }) => line);
    const without = await call(shop.store, 'POST', '/api/sales', {
      token: shop.cashier.token,
      body: { ...body, lines: bare },
    });
    expect(without.status).toBe(200);
    expect(ids(without.body.lines)).toEqual([plain, off]);

    // A line id is a sale line's for good: another sale may not take it.
    const before = await counts(shop);
    const reused = await sell(shop, {
      lines: [{ lineId: off, skuId: dress, qty: 1 }],
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(reused.status).toBe(409);
    expect(reused.body.error.fields).toEqual({ 'lines.0.lineId': 'already sold' });
    expect(await counts(shop)).toEqual(before);
  });

  it('makes an id once for a line sent without one, kept on the lines, the receipt and through a replay', async () => {
    const dress = shop.dress.skus[0]?.id;
    const body = {
      id: randomUUID(),
      lines: [
        { skuId: dress, qty: 1 },
        { skuId: dress, qty: 1, discount: { kind: 'amount', amount: 500 } },
      ],
      payments: [{ method: 'cash', amount: 60000 }],
    };
    const sold = await call(shop.store, 'POST', '/api/sales', { token: shop.cashier.token, body });
    expect(sold.status).toBe(201);
    const made = ids(sold.body.lines);
    expect(made).toHaveLength(2);
    for (const id of made) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect((await saleLines(body.id)).map((row) => row.id)).toEqual(made);
    const view = await call(shop.store, 'GET', `/api/sales/${body.id}`, { token: shop.cashier.token });
    expect(ids(view.body.lines)).toEqual(made);
    expect(ids(view.body.returned)).toEqual(made);
    const again = await call(shop.store, 'POST', '/api/sales', { token: shop.cashier.token, body });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(sold.body);
  });

  it('names the lines of a sale kept before line ids (positions in its answer) by their stored ids', async () => {
    const dress = shop.dress.skus[0]?.id;
    const sold = await sell(shop, {
      lines: [
        { skuId: dress, qty: 1 },
        { skuId: shop.shirt.skus[0]?.id, qty: 1 },
      ],
      payments: [{ method: 'cash', amount: 40000 }],
    });
    const saleId = sold.body.id as string;
    const db = shop.store.ctx.storage.db;
    const old = {
      ...sold.body,
      lines: sold.body.lines.map((line: object, i: number) => ({
        ...line,
        lineId: String(i).padStart(4, '0'),
      })),
    };
    await db
      .updateTable('sales')
      .set({ result: JSON.stringify(old) })
      .where('id', '=', saleId)
      .execute();
    const stored = (await saleLines(saleId)).map((row) => row.id);
    const view = await call(shop.store, 'GET', `/api/sales/${saleId}`, { token: shop.cashier.token });
    expect(ids(view.body.lines)).toEqual(stored);
    expect(ids(view.body.returned)).toEqual(stored);
    const back = await call(shop.store, 'POST', `/api/sales/${saleId}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: [{ skuId: dress, qty: 1 }] },
    });
    expect(back.status).toBe(201);
    const after = await call(shop.store, 'GET', `/api/sales/${saleId}`, { token: shop.cashier.token });
    expect(after.body.returned.map((line: { returnedQty: number }) => line.returnedQty)).toEqual([1, 0]);
  });

  it('refuses a line id that is not a UUID or is given to two lines, naming the field', async () => {
    const line = { skuId: shop.dress.skus[0]?.id, qty: 1 };
    const lineId = randomUUID();
    const before = await counts(shop);
    const notUuid = await sell(shop, {
      lines: [{ ...line, lineId: '0000' }],
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(notUuid.status).toBe(400);
    expect(Object.keys(notUuid.body.error.fields)).toEqual(['body.lines.0.lineId']);
    const twice = await sell(shop, {
      lines: [
        { ...line, lineId },
        { ...line, lineId },
      ],
      payments: [{ method: 'cash', amount: 60000 }],
    });
    expect(twice.status).toBe(400);
    expect(twice.body.error.fields).toEqual({ 'body.lines.1.lineId': 'given to another line of this sale' });
    expect(await counts(shop)).toEqual(before);
  });
});

describe('bad input gets a clear error naming the field and changes nothing', () => {
  it('unknown barcode, qty 0 or 10^9, payments short, stored value beyond the balance, expired coupon', async () => {
    const memberId = await member(shop, 10000);
    const expired = await coupon(shop, memberId, 1000, 0, 'amount', 1);
    const before = await counts(shop);
    const line = { skuId: shop.dress.skus[0]?.id, qty: 1 };
    const cases: [Record<string, unknown>, number, string][] = [
      [
        { lines: [{ barcode: '2000000000000', qty: 1 }], payments: [{ method: 'cash', amount: 100 }] },
        404,
        'lines.0.barcode',
      ],
      [{ lines: [{ ...line, qty: 0 }], payments: [] }, 400, 'body.lines.0.qty'],
      [{ lines: [{ ...line, qty: 1e9 }], payments: [] }, 400, 'body.lines.0.qty'],
      [{ lines: [line], payments: [{ method: 'cash', amount: 29999 }] }, 422, 'payments'],
      [{ lines: [line], payments: [{ method: 'card', amount: 30001 }] }, 422, 'payments'],
      [
        {
          memberId,
          lines: [line],
          payments: [
            { method: 'stored_value', amount: 20000 },
            { method: 'cash', amount: 10000 },
          ],
        },
        409,
        'payments.0.amount',
      ],
      [{ lines: [line], payments: [{ method: 'bitcoin', amount: 30000 }] }, 400, 'body.payments.0.method'],
    ];
    for (const [body, status, field] of cases) {
      const reply = await sell(shop, body);
      expect({ status: reply.status, field: Object.keys(reply.body.error.fields ?? {}) }).toEqual({
        status,
        field: [field],
      });
    }
    shop.store.clock.advance(2 * 86_400_000);
    shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
    shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
    shop.manager.token = await login(shop.store, shop.manager.username, shop.manager.password);
    const late = await sell(shop, {
      memberId,
      couponCodes: [expired],
      lines: [line],
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(late.status).toBe(422);
    expect(late.body.error.fields).toEqual({ 'couponCodes.0': 'expired' });
    expect(await counts(shop)).toEqual(before);
    // The stored-value failure is in the exception log, readable by the owner only.
    const log = await call(shop.store, 'GET', '/api/exceptions?kind=payment_failed', { token: shop.owner });
    expect(log.body.items).toHaveLength(1);
    expect((await call(shop.store, 'GET', '/api/exceptions', { token: shop.manager.token })).status).toBe(
      403,
    );
  });
});

describe('overrides, price changes and exceptions', () => {
  it('a price override needs price.override: a cashier alone 403, with a manager PIN 201 and audited', async () => {
    const body = {
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1, priceOverride: 20000 }],
      payments: [{ method: 'cash', amount: 20000 }],
    };
    const alone = await sell(shop, body);
    expect(alone.status).toBe(403);
    expect(alone.body.error.fields).toEqual({ approval: 'required for price.override' });
    const approved = await sell(shop, body, shop.cashier.token, approval(shop));
    expect(approved.status).toBe(201);
    expect(approved.body.total).toBe(20000);
    const audit = await call(shop.store, 'GET', '/api/audit?kind=sale.price_overridden', {
      token: shop.owner,
    });
    expect(audit.body.items[0]).toMatchObject({ staffId: shop.cashier.id, approverId: shop.manager.id });
    // Within the cashier limit (10%) a discount needs nobody; beyond it, discount.beyond_limit.
    const small = await sell(shop, {
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1, discount: { kind: 'percent', offBp: 1000 } }],
      payments: [{ method: 'cash', amount: 27000 }],
    });
    expect(small.status).toBe(201);
    const big = await sell(shop, {
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1, discount: { kind: 'amount', amount: 5000 } }],
      payments: [{ method: 'cash', amount: 25000 }],
    });
    expect(big.status).toBe(403);
  });

  it('a price changed between quote and sale: the sale uses the new price; expectedTotal out of date → 409 with the new quote, logged', async () => {
    const skuId = shop.dress.skus[0]?.id as string;
    const quote = await call(shop.store, 'POST', '/api/sales/quote', {
      token: shop.cashier.token,
      body: { lines: [{ skuId, qty: 1 }] },
    });
    expect(quote.body.total).toBe(30000);
    const change = await call(shop.store, 'POST', `/api/products/${shop.dress.styleId}/prices`, {
      token: shop.owner,
      body: { price: 25000 },
    });
    expect(change.status).toBe(201);
    const refused = await sell(shop, {
      lines: [{ skuId, qty: 1 }],
      expectedTotal: 30000,
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.quote.total).toBe(25000);
    expect(refused.body.error.fields).toEqual({ expectedTotal: 'now 25000' });
    const log = await call(shop.store, 'GET', '/api/exceptions?kind=price_changed', { token: shop.owner });
    expect(log.body.items).toHaveLength(1);
    const sold = await sell(shop, {
      lines: [{ skuId, qty: 1 }],
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(sold.body).toMatchObject({ total: 25000, change: 5000 });
  });

  it('selling beyond stock: allowed with a warning and an exception row; refused under the refuse policy', async () => {
    const skuId = shop.dress.skus[1]?.id as string;
    const sale = await sell(shop, {
      lines: [{ skuId, qty: 12 }],
      payments: [{ method: 'cash', amount: 360000 }],
    });
    expect(sale.status).toBe(201);
    expect(sale.body.warnings).toEqual([{ line: 0, skuId, code: 'negative_stock', onHand: -2 }]);
    const log = await call(shop.store, 'GET', '/api/exceptions?kind=negative_stock', { token: shop.owner });
    expect(log.body.items[0].ref).toEqual({ type: 'sale', id: sale.body.id });
    await call(shop.store, 'PUT', '/api/stock/settings', {
      token: shop.owner,
      body: { negativeStock: 'refuse' },
    });
    const before = await counts(shop);
    const refused = await sell(shop, {
      lines: [{ skuId, qty: 1 }],
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.fields).toEqual({ 'lines.0.qty': 'only -2 on hand' });
    expect(await counts(shop)).toEqual(before);
  });

  it('finds a member’s sales (history), newest first', async () => {
    const memberId = await member(shop);
    for (let i = 0; i < 2; i++) {
      await sell(shop, {
        memberId,
        lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
        payments: [{ method: 'cash', amount: 10000 }],
      });
      shop.store.clock.advance(1000);
    }
    const history = await call(shop.store, 'GET', `/api/sales?memberId=${memberId}`, {
      token: shop.cashier.token,
    });
    expect(history.body.items.map((s: { number: string }) => s.number)).toEqual([
      'S001-20261124-0002',
      'S001-20261124-0001',
    ]);
  });
});

describe('change is bounded (issue 16)', () => {
  it('refuses cash that would still cover the total without a ¥100 note, training sales too', async () => {
    const shirt = shop.shirt.skus[0]?.id;
    const before = await counts(shop);
    for (const training of [false, true]) {
      const over = await sell(shop, {
        training,
        lines: [{ skuId: shirt, qty: 1 }],
        payments: [{ method: 'cash', amount: 20000 }],
      });
      expect(over.status).toBe(422);
      expect(over.body.error.fields).toEqual({ payments: 'over-tendered: 10000 of change at most 9999' });
    }
    const huge = await sell(shop, {
      training: true,
      lines: [{ skuId: shirt, qty: 1 }],
      payments: [{ method: 'cash', amount: 1_000_000_000 }],
    });
    expect(huge.status).toBe(422);
    expect(await counts(shop)).toEqual(before);
    const most = await sell(shop, {
      lines: [{ skuId: shirt, qty: 1 }],
      payments: [{ method: 'cash', amount: 19999 }],
    });
    expect(most.status).toBe(201);
    expect(most.body.change).toBe(9999);
  });
});

describe('member.changed after a sale that moves the member after its purchase', () => {
  const changesOf = async (body: Record<string, unknown>, memberId: string) => {
    const events: StoreEvent[] = [];
    const stop = shop.store.ctx.bus.listen((event) => events.push(event));
    const sale = await sell(shop, body);
    stop();
    expect(sale.status, JSON.stringify(sale.body)).toBe(201);
    return events
      .filter((e) => e.type === 'member.changed')
      .map((e) => e.data as { memberId: string; reason: string; points: number; tierCode: string })
      .filter((data) => data.memberId === memberId);
  };

  it('tells the tier the sale raised the member to', async () => {
    const memberId = await member(shop);
    // ¥2,100 in twelve months makes 银卡 (silver) at ¥2,000.
    const changes = await changesOf(
      {
        memberId,
        lines: [{ skuId: shop.dress.skus[0]?.id, qty: 7 }],
        payments: [{ method: 'cash', amount: 210_000 }],
      },
      memberId,
    );
    const after = await memberState(shop, memberId);
    expect(after.tier).toBe('silver');
    expect(changes.length).toBeGreaterThan(0);
    for (const change of changes) expect(change).toMatchObject({ points: after.points, tierCode: 'silver' });
  });

  it("tells the newcomer's points with the reward their first purchase brought", async () => {
    const saved = await call(shop.store, 'PUT', '/api/loyalty/settings/referral', {
      token: shop.owner,
      body: {
        enabled: true,
        referrer: { kind: 'points', points: 500 },
        newcomer: { kind: 'points', points: 300 },
        onReceipt: false,
        joinAddress: 'https://192.168.1.10:8123',
      },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const referrer = await member(shop);
    const code = (await call(shop.store, 'GET', `/api/members/${referrer}`, { token: shop.owner })).body
      .inviteCode;
    const joined = await call(shop.store, 'POST', '/api/join', {
      body: { inviteCode: code, phone: '13700008801', name: '李新', acceptTerms: true },
    });
    expect(joined.status).toBe(201);
    const newcomer = (await call(shop.store, 'GET', '/api/members?phone=13700008801', { token: shop.owner }))
      .body.items[0].id as string;
    const changes = await changesOf(
      {
        memberId: newcomer,
        lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
        payments: [{ method: 'cash', amount: 30_000 }],
      },
      newcomer,
    );
    const after = await memberState(shop, newcomer);
    expect(after.points).toBe(300 + 300); // ¥300 earns 300, and the newcomer's 300
    expect(changes.length).toBeGreaterThan(1);
    for (const change of changes)
      expect(change).toMatchObject({ points: after.points, tierCode: after.tier });
  });
});

describe('stored value over two tenders of one sale', () => {
  it('pays each from what the one before left, and needs the PIN for what they come to together', async () => {
    const memberId = await member(shop, 50_000); // 50,000 paid in + 5,000 bonus
    const first = await sell(shop, {
      memberId,
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      payments: [
        { method: 'stored_value', amount: 10_000 },
        { method: 'stored_value', amount: 20_000 },
      ],
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await memberState(shop, memberId)).storedValue).toBe(25_000);
    const payments = await shop.store.ctx.storage.db
      .selectFrom('sale_payments')
      .select(['amount', 'principal', 'bonus'])
      .where('sale_id', '=', first.body.id)
      .orderBy('seq')
      .execute();
    expect(payments).toEqual([
      { amount: 10_000, principal: 10_000, bonus: 0 },
      { amount: 20_000, principal: 20_000, bonus: 0 },
    ]);
    const problems = await checkLedgers(shop.store.ctx.storage.db, shop.store.clock.now());
    expect(problems.problems).toEqual([]);

    // A member with a PIN: ¥500 (the default limit) needs it, whether paid as one tender or two.
    const created = await call(shop.store, 'POST', '/api/members', {
      token: shop.owner,
      body: { phone: '13912345670', name: '李娜', pin: '2468' },
    });
    expect(created.status).toBe(201);
    const withPin = created.body.id as string;
    const topUp = await call(shop.store, 'POST', `/api/members/${withPin}/top-ups`, {
      token: shop.owner,
      body: { id: randomUUID(), amount: 100_000, method: 'cash' },
    });
    expect(topUp.status).toBe(201);
    const held = (await memberState(shop, withPin)).storedValue;
    const split = await sell(shop, {
      memberId: withPin,
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 2 }],
      payments: [
        { method: 'stored_value', amount: 30_000 },
        { method: 'stored_value', amount: 30_000 },
      ],
    });
    expect(split.status).toBe(422);
    expect(split.body.error.fields).toEqual({ memberPin: 'required' });
    const withTheirPin = await sell(shop, {
      memberId: withPin,
      memberPin: '2468',
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 2 }],
      payments: [
        { method: 'stored_value', amount: 30_000 },
        { method: 'stored_value', amount: 30_000 },
      ],
    });
    expect(withTheirPin.status, JSON.stringify(withTheirPin.body)).toBe(201);
    expect((await memberState(shop, withPin)).storedValue).toBe(held - 60_000);
  });
});
