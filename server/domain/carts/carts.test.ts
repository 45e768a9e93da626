import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, pairDevice, TestSocket } from '../../testing/client.js';
import { member, memberState, onHand, openShop, type Shop } from '../sales/test-shop.js';

let shop: Shop;
let till: TestSocket;
let display: TestSocket;
let terminalId: string;
let cashierToken: string;

async function signIn(who: { username: string; pin: string }, terminalToken: string) {
  const reply = await call(shop.store, 'POST', '/api/auth/pin', {
    token: terminalToken,
    body: { username: who.username, pin: who.pin },
  });
  return reply.body.token as string;
}

beforeEach(async () => {
  shop = await openShop();
  const terminal = await pairDevice(shop.store, shop.owner, 'checkout');
  terminalId = terminal.id;
  const screen = await pairDevice(shop.store, shop.owner, 'display', terminal.id);
  cashierToken = await signIn(shop.cashier, terminal.token);
  till = (await TestSocket.open(shop.store, cashierToken)).socket;
  // The till sells only with a shift open on it.
  expect((await till.request('shift/open', { openingFloat: 0 })).success).toBe(true);
  display = (await TestSocket.open(shop.store, screen.token)).socket;
  expect((await display.request('subscribe', { topic: 'cart.changed' })).success).toBe(true);
  expect((await display.request('subscribe', { topic: 'cart.completed' })).success).toBe(true);
});
afterEach(async () => {
  till.close();
  display.close();
  await shop.store.close();
});

const ok = async (type: string, params: Record<string, unknown> = {}, socket = till) => {
  const reply = await socket.request(type, params);
  if (!reply.success) throw new Error(`${type}: ${JSON.stringify(reply.error)}`);
  return reply.result;
};
const nextCart = () => display.waitFor((m) => m.type === 'event' && m.event.type === 'cart.changed');

describe('the cart of a terminal', () => {
  it('adds by barcode, merges the same SKU, prices, and mirrors every change on the display', async () => {
    const [dressS] = shop.dress.skus;
    const [shirtM] = shop.shirt.skus.slice(1);
    await ok('cart/add', { barcode: dressS?.barcode });
    await nextCart();
    const cart = await ok('cart/add', { barcode: dressS?.barcode });
    expect(cart.lines).toHaveLength(1);
    expect(cart.lines[0].qty).toBe(2);
    const withShirt = await ok('cart/add', { skuId: shirtM?.id, qty: 1 });
    expect(withShirt.quote.total).toBe(70000);
    let shown = await nextCart();
    shown = await nextCart();
    expect(shown.event.data.cart.quote.total).toBe(70000);
    expect(shown.event.data.terminalId).toBe(terminalId);

    const fewer = await ok('cart/set_qty', { lineId: cart.lines[0].lineId, qty: 1 });
    expect(fewer.quote.total).toBe(40000);
    const removed = await ok('cart/remove', { lineId: withShirt.lines[1].lineId });
    expect(removed.quote.total).toBe(30000);
    expect((await ok('cart/get', {}, display)).quote.total).toBe(30000);
  });

  it('says so for an unknown barcode and leaves the cart as it was', async () => {
    await ok('cart/add', { barcode: shop.dress.skus[0]?.barcode });
    const reply = await till.request('cart/add', { barcode: '2000000000000' });
    expect(reply.success).toBe(false);
    expect(Object.keys(reply.error.fields ?? {})[0]).toMatch(/barcode/);
    expect((await ok('cart/get')).lines).toHaveLength(1);
    const zero = await till.request('cart/add', { barcode: shop.dress.skus[0]?.barcode, qty: 0 });
    expect(zero.error.fields).toHaveProperty('qty');
  });

  it('survives a terminal reload: a new connection finds the same cart', async () => {
    await ok('cart/add', { barcode: shop.dress.skus[0]?.barcode });
    const token = (
      await call(shop.store, 'POST', '/api/auth/pin', {
        token: (await pairDevice(shop.store, shop.owner, 'checkout')).token,
        body: { username: shop.manager.username, pin: shop.manager.pin },
      })
    ).body.token;
    // Another terminal has its own, empty cart…
    const other = (await TestSocket.open(shop.store, token)).socket;
    expect((await ok('cart/get', {}, other)).lines).toHaveLength(0);
    other.close();
    // …while this terminal, reconnecting, finds its goods.
    till.close();
    await till.closed;
    till = (await TestSocket.open(shop.store, cashierToken)).socket;
    const found = await ok('cart/get');
    expect(found.lines).toHaveLength(1);
    expect(found.quote.total).toBe(30000);
  });

  it('holds and recalls carts (挂单/取单)', async () => {
    await ok('cart/add', { barcode: shop.dress.skus[0]?.barcode });
    const fresh = await ok('cart/hold', { label: '试衣间 2' });
    expect(fresh.lines).toHaveLength(0);
    await ok('cart/add', { barcode: shop.shirt.skus[0]?.barcode });
    const held = await ok('cart/held');
    expect(held.items.map((c: { label: string }) => c.label)).toEqual(['试衣间 2']);
    const back = await ok('cart/recall', { cartId: held.items[0].id });
    expect(back.quote.total).toBe(30000);
    const nowHeld = await ok('cart/held');
    expect(nowHeld.items).toHaveLength(1);
    expect(nowHeld.items[0].quote.total).toBe(10000);
    expect((await till.request('cart/recall', { cartId: randomUUID() })).error.code).toBe('not_found');
  });

  it("needs a manager's approval for a price override, which then carries to checkout", async () => {
    const cart = await ok('cart/add', { barcode: shop.dress.skus[0]?.barcode });
    const lineId = cart.lines[0].lineId;
    const alone = await till.request('cart/price', { lineId, priceOverride: 20000, discount: null });
    expect(alone.error.code).toBe('forbidden');
    const approved = await ok('cart/price', {
      lineId,
      priceOverride: 20000,
      discount: null,
      approval: { username: shop.manager.username, pin: shop.manager.pin },
    });
    expect(approved.quote.total).toBe(20000);
    const paid = await ok('cart/checkout', {
      saleId: randomUUID(),
      payments: [{ method: 'cash', amount: 20000 }],
    });
    expect(paid.sale.total).toBe(20000);
  });
});

describe('checkout from the cart', () => {
  it('completes the sale once, shows points on the display, and starts an empty cart', async () => {
    const memberId = await member(shop);
    const dress = shop.dress.skus[0];
    await ok('cart/add', { barcode: dress?.barcode });
    await ok('cart/member', { memberId });
    const before = await onHand(shop, dress?.id ?? '');
    const saleId = randomUUID();
    const paid = await ok('cart/checkout', { saleId, payments: [{ method: 'cash', amount: 35000 }] });
    expect(paid.replayed).toBe(false);
    expect(paid.sale).toMatchObject({ total: 30000, change: 5000 });
    expect(paid.cart.lines).toHaveLength(0);
    const done = await display.waitFor((m) => m.type === 'event' && m.event.type === 'cart.completed');
    expect(done.event.data).toMatchObject({ saleId, total: 30000, change: 5000, member: { name: '王芳' } });
    expect(done.event.data.pointsEarned).toBeGreaterThan(0);
    expect(await onHand(shop, dress?.id ?? '')).toBe(before - 1);
    expect((await memberState(shop, memberId)).points).toBe(done.event.data.pointsEarned);

    const again = await ok('cart/checkout', { saleId, payments: [{ method: 'cash', amount: 35000 }] });
    expect(again.replayed).toBe(true);
    expect(again.sale.id).toBe(saleId);
    expect(await onHand(shop, dress?.id ?? '')).toBe(before - 1);
  });

  it("keeps each cart line's id through the quote, the sale's lines and the receipt", async () => {
    const dress = shop.dress.skus[0];
    await ok('cart/add', { barcode: dress?.barcode });
    const first = (await ok('cart/add', { barcode: shop.shirt.skus[0]?.barcode })).lines[0].lineId;
    // A discounted line no longer merges: the same SKU scanned again is a line of its own.
    await ok('cart/price', { lineId: first, discount: { kind: 'percent', offBp: 1000 } });
    const cart = await ok('cart/add', { barcode: dress?.barcode });
    const ids = cart.lines.map((line: { lineId: string }) => line.lineId);
    expect(ids).toHaveLength(3);
    expect(cart.lines[2].skuId).toBe(dress?.id);
    expect(cart.quote.lines.map((line: { lineId: string }) => line.lineId)).toEqual(ids);
    const manual = (line: { discounts: { source: string; amount: number }[] }) =>
      line.discounts.filter((d) => d.source === 'manual').reduce((sum, d) => sum + d.amount, 0);
    expect(manual(cart.quote.lines[0])).toBe(3000);
    expect(manual(cart.quote.lines[2])).toBe(0);

    const saleId = randomUUID();
    const paid = await ok('cart/checkout', {
      saleId,
      payments: [{ method: 'cash', amount: cart.quote.total }],
    });
    expect(paid.sale.lines.map((line: { lineId: string }) => line.lineId)).toEqual(ids);
    const db = shop.store.ctx.storage.db;
    const rows = await db
      .selectFrom('sale_lines')
      .select(['id', 'discount_total'])
      .where('sale_id', '=', saleId)
      .orderBy('line_no')
      .execute();
    expect(rows.map((row) => row.id)).toEqual(ids);
    expect(rows.map((row) => row.discount_total)).toEqual([3000, 0, 0]);
    const discounted = await db
      .selectFrom('sale_line_discounts')
      .select('line_id')
      .where('sale_id', '=', saleId)
      .execute();
    expect(new Set(discounted.map((row) => row.line_id))).toEqual(new Set([ids[0]]));
    const job = await db
      .selectFrom('print_jobs')
      .select('job')
      .where('id', '=', saleId)
      .executeTakeFirstOrThrow();
    const receipt = JSON.parse(job.job).document;
    expect(receipt.lines.map((line: { lineId: string }) => line.lineId)).toEqual(ids);
    const view = await call(shop.store, 'GET', `/api/sales/${saleId}`, { token: shop.cashier.token });
    expect(view.body.lines.map((line: { lineId: string }) => line.lineId)).toEqual(ids);
    expect(view.body.returned.map((line: { lineId: string }) => line.lineId)).toEqual(ids);
  });

  it('refuses payments that do not cover the total and keeps the cart', async () => {
    await ok('cart/add', { barcode: shop.dress.skus[0]?.barcode });
    const reply = await till.request('cart/checkout', {
      saleId: randomUUID(),
      payments: [{ method: 'card', amount: 100 }],
    });
    expect(reply.success).toBe(false);
    expect((await ok('cart/get')).lines).toHaveLength(1);
    expect((await till.request('cart/clear')).result.lines).toHaveLength(0);
    const empty = await till.request('cart/checkout', {
      saleId: randomUUID(),
      payments: [{ method: 'cash', amount: 100 }],
    });
    expect(empty.error.fields).toEqual({ lines: 'empty' });
  });

  it('answers a price changed since the till showed it with 409 and the cart priced now, over WS', async () => {
    await ok('cart/add', { barcode: shop.dress.skus[0]?.barcode });
    const shown = await ok('cart/get');
    expect(shown.quote.total).toBe(30000);
    const changed = await call(shop.store, 'POST', `/api/products/${shop.dress.styleId}/prices`, {
      token: shop.owner,
      body: { price: 25000 },
    });
    expect(changed.status).toBe(201);
    const saleId = randomUUID();
    const stale = await till.request('cart/checkout', {
      saleId,
      payments: [{ method: 'cash', amount: 30000 }],
      expectedTotal: 30000,
    });
    expect(stale.success).toBe(false);
    expect(stale.error).toMatchObject({ code: 'conflict', fields: { expectedTotal: 'now 25000' } });
    expect(stale.error.details.quote.total).toBe(25000);
    expect(stale.error.details.quote.lines).toHaveLength(1);
    // The customer display is told the new total too, not left showing the old one.
    const repriced = await display.waitFor(
      (m) => m.type === 'event' && m.event.type === 'cart.changed' && m.event.data.cart.quote.total === 25000,
    );
    expect(repriced.event.data.terminalId).toBe(terminalId);
    expect((await ok('cart/get')).lines).toHaveLength(1);
    // The same sale id goes through at the total it was told.
    const paid = await ok('cart/checkout', {
      saleId,
      payments: [{ method: 'cash', amount: 25000 }],
      expectedTotal: stale.error.details.quote.total,
    });
    expect(paid.sale).toMatchObject({ id: saleId, total: 25000, change: 0 });
  });

  it('in training mode prices and records the sale as training, moving no stock', async () => {
    await ok('cart/training', { on: true });
    const dress = shop.dress.skus[0];
    await ok('cart/add', { barcode: dress?.barcode });
    const before = await onHand(shop, dress?.id ?? '');
    const paid = await ok('cart/checkout', {
      saleId: randomUUID(),
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(paid.sale.training).toBe(true);
    expect(paid.cart.training).toBe(true);
    expect(await onHand(shop, dress?.id ?? '')).toBe(before);
  });

  it('in training mode makes returns and exchanges without a receipt practice, even when the body forgets it', async () => {
    const shirt = shop.shirt.skus[0];
    const dress = shop.dress.skus[0];
    const approval = {
      'Hanger-Approval-User': shop.manager.username,
      'Hanger-Approval-Pin': shop.manager.pin,
    };
    const xBefore = (await call(shop.store, 'GET', '/api/shifts/current', { token: cashierToken })).body;
    await ok('cart/training', { on: true });
    const back = await call(shop.store, 'POST', '/api/returns', {
      token: cashierToken,
      headers: approval,
      body: { id: randomUUID(), lines: [{ skuId: shirt?.id, qty: 1 }], reason: '练习' },
    });
    expect(back.status).toBe(201);
    expect(back.body.training).toBe(true);
    const swapped = await call(shop.store, 'POST', '/api/exchanges', {
      token: cashierToken,
      headers: approval,
      body: {
        id: randomUUID(),
        saleId: randomUUID(),
        returnLines: [{ skuId: shirt?.id, qty: 1 }],
        lines: [{ skuId: dress?.id, qty: 1 }],
        payments: [{ method: 'cash', amount: 20000 }],
        reason: '练习',
      },
    });
    expect(swapped.status).toBe(201);
    expect([swapped.body.return.training, swapped.body.sale.training]).toEqual([true, true]);
    // No stock moved, and neither the shift's takings nor the day's report counts them.
    expect(await onHand(shop, shirt?.id ?? '')).toBe(10);
    expect(await onHand(shop, dress?.id ?? '')).toBe(10);
    const x = (await call(shop.store, 'GET', '/api/shifts/current', { token: cashierToken })).body;
    expect(x.takings).toEqual(xBefore.takings);
    expect(x.cash.expected).toBe(xBefore.cash.expected);
    const z = (await call(shop.store, 'GET', '/api/reports/day', { token: shop.owner })).body;
    expect([z.store.sales.count, z.store.returns]).toEqual([0, { count: 0, amount: 0, refunds: 0 }]);
  });

  it('a display sees only its own terminal, and cannot change the cart', async () => {
    const reply = await display.request('cart/add', { barcode: shop.dress.skus[0]?.barcode });
    expect(reply.error.code).toBe('forbidden');
  });
});
