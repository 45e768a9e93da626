import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import { counts, coupon, member, openShop, type Shop, sell } from '../sales/test-shop.js';
import { quintiles, segmentOf } from './members.js';

/**
 * A small shop story told through the API, with every figure worked out by hand:
 *
 * Tue 24 Nov 2026, 18:00 Shanghai (costs: dress ¥120, shirt ¥40; shirts 10% off by promotion)
 *   A  member m2, cashier: dress S + 2 shirts S = 30000 + 2×9000 = 48000, cash 50000 (change 2000)
 *   B  member m1, manager: dress M with a ¥10 coupon = 29000, card
 * Wed 25 Nov, 20:00
 *   C  member m1, manager: shirt M = 9000, wechat
 *   E  guest, cashier: shirt S = 9000, cash
 *   return of one shirt S from A: 9000 back in cash (cashier)
 *   a training sale and a voided sale, which count nowhere
 */
let shop: Shop;
let m1: string;
let m2: string;
let promotionId: string;
let couponCode: string;
const range = 'from=2026-11-24&to=2026-11-25';

const get = async (name: string, extra = '') => {
  const reply = await call(shop.store, 'GET', `/api/reports/${name}?${range}${extra}`, { token: shop.owner });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
};
const byKey = (rows: Record<string, unknown>[], key: string, value: unknown) =>
  rows.find((row) => row[key] === value);

beforeAll(async () => {
  shop = await openShop();
  const token = shop.owner;
  for (const [id, cost] of [
    [shop.dress.styleId, 12000],
    [shop.shirt.styleId, 4000],
  ] as const) {
    const reply = await call(shop.store, 'PATCH', `/api/products/${id}`, { token, body: { cost } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  }
  const categories = await call(shop.store, 'GET', '/api/categories', { token });
  const mens = categories.body.items.find((c: { path: string }) => c.path === '男装').id as string;
  const promo = await call(shop.store, 'POST', '/api/promotions', {
    token,
    body: { kind: 'percent_off', label: '=衬衫9折', offBp: 1000, conditions: { includeCategories: [mens] } },
  });
  expect(promo.status, JSON.stringify(promo.body)).toBe(201);
  promotionId = promo.body.id;
  m1 = await member(shop);
  m2 = await member(shop);
  couponCode = await coupon(shop, m1, 1000);
  // The test clock starts at 10:00Z: 18:00 in Shanghai.

  const [dressS, dressM] = shop.dress.skus.map((s) => s.id);
  const [shirtS, shirtM] = shop.shirt.skus.map((s) => s.id);
  const a = await sell(shop, {
    memberId: m2,
    lines: [
      { skuId: dressS, qty: 1 },
      { skuId: shirtS, qty: 2 },
    ],
    payments: [{ method: 'cash', amount: 50000 }],
  });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  expect(a.body.total).toBe(48000);
  const b = await sell(
    shop,
    {
      memberId: m1,
      couponCodes: [couponCode],
      lines: [{ skuId: dressM, qty: 1 }],
      payments: [{ method: 'card', amount: 29000 }],
    },
    shop.manager.token,
  );
  expect(b.status, JSON.stringify(b.body)).toBe(201);

  shop.store.clock.advance(26 * 3_600_000); // Wed 20:00
  shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
  shop.manager.token = await login(shop.store, shop.manager.username, shop.manager.password);
  shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
  const c = await sell(
    shop,
    { memberId: m1, lines: [{ skuId: shirtM, qty: 1 }], payments: [{ method: 'wechat', amount: 9000 }] },
    shop.manager.token,
  );
  expect(c.body.total).toBe(9000);
  const e = await sell(shop, {
    lines: [{ skuId: shirtS, qty: 1 }],
    payments: [{ method: 'cash', amount: 9000 }],
  });
  expect(e.body.total).toBe(9000);
  const back = await call(shop.store, 'POST', `/api/sales/${a.body.id}/returns`, {
    token: shop.cashier.token,
    body: { id: randomUUID(), lines: [{ skuId: shirtS, qty: 1 }], reason: '@SUM(1)' },
  });
  expect(back.status, JSON.stringify(back.body)).toBe(201);
  expect(back.body.refundTotal).toBe(9000);
  const training = await sell(shop, {
    training: true,
    lines: [{ skuId: dressS, qty: 1 }],
    payments: [{ method: 'cash', amount: 30000 }],
  });
  expect(training.status).toBe(201);
  const voided = await sell(shop, {
    lines: [{ skuId: dressM, qty: 1 }],
    payments: [{ method: 'card', amount: 30000 }],
  });
  const voiding = await call(shop.store, 'POST', `/api/sales/${voided.body.id}/void`, {
    token: shop.manager.token,
    body: { reason: 'wrong item' },
  });
  expect(voiding.status, JSON.stringify(voiding.body)).toBe(200);
});
afterAll(() => shop.store.close());

describe('sales reports (GET /api/reports/<name>?from&to)', () => {
  it('sales by day, hour and weekday: training and voided sales excluded, returns netted on their day', async () => {
    const day = await get('sales-by-day');
    expect(day.rows).toEqual([
      {
        day: '2026-11-24',
        weekday: 2,
        sales: 2,
        items: 4,
        gross: 80000,
        discounts: 3000,
        total: 77000,
        returns: 0,
        returned: 0,
        net: 77000,
        basket: 38500,
      },
      {
        day: '2026-11-25',
        weekday: 3,
        sales: 2,
        items: 2,
        gross: 20000,
        discounts: 2000,
        total: 18000,
        returns: 1,
        returned: 9000,
        net: 9000,
        basket: 9000,
      },
    ]);
    expect(day.totals).toMatchObject({
      sales: 4,
      total: 95000,
      discounts: 5000,
      returned: 9000,
      net: 86000,
      basket: 23750,
    });
    const hour = await get('sales-by-hour');
    expect(hour.rows.filter((row: { sales: number }) => row.sales > 0)).toEqual([
      { hour: 18, sales: 2, total: 77000 },
      { hour: 20, sales: 2, total: 18000 },
    ]);
    expect(hour.rows).toHaveLength(24);
    const weekday = await get('sales-by-weekday');
    expect(byKey(weekday.rows, 'weekday', 2)).toMatchObject({ days: 1, sales: 2, total: 77000, net: 77000 });
    expect(byKey(weekday.rows, 'weekday', 3)).toMatchObject({ days: 1, sales: 2, total: 18000, net: 9000 });
  });

  it('by category and style with gross margin from style cost; colour; best and slow sellers', async () => {
    const category = await get('sales-by-category');
    const dresses = category.rows.find((row: { category: string }) => row.category.includes('连衣裙'));
    const shirts = category.rows.find((row: { category: string }) => row.category.includes('衬衫'));
    expect(dresses).toMatchObject({
      soldQty: 2,
      sold: 59000,
      returnedQty: 0,
      netQty: 2,
      net: 59000,
      cost: 24000,
      margin: 35000,
      marginPct: 59.32,
    });
    expect(shirts).toMatchObject({
      soldQty: 4,
      sold: 36000,
      returnedQty: 1,
      returned: 9000,
      netQty: 3,
      net: 27000,
      cost: 12000,
      margin: 15000,
      marginPct: 55.56,
    });
    expect(category.totals).toMatchObject({ net: 86000, cost: 36000, margin: 50000, marginPct: 58.14 });
    const margin = await get('gross-margin');
    expect(margin.totals).toEqual({ net: 86000, cost: 36000, margin: 50000, marginPct: 58.14 });
    expect(margin.meta).toEqual({ unitsWithoutCost: 0 });
    const style = await get('sales-by-style');
    expect(style.rows.map((row: { name: string; netQty: number }) => [row.name, row.netQty])).toEqual([
      ['纯色衬衫', 3],
      ['法式连衣裙', 2],
    ]);
    const colour = await get('sales-by-colour');
    expect(colour.rows).toEqual([expect.objectContaining({ colour: '黑', netQty: 5, net: 86000 })]);
    const best = await get('best-sellers');
    expect(best.rows[0]).toMatchObject({
      name: '纯色衬衫',
      netQty: 3,
      net: 27000,
      onHand: 17,
      sellThrough: 15,
    });
    const slow = await get('slow-sellers');
    expect(slow.rows[0]).toMatchObject({ name: '法式连衣裙', netQty: 2, onHand: 18, sellThrough: 10 });
  });

  it('the size curve: received, sold net of returns, share and sell-through per size', async () => {
    const curve = await get('size-curve');
    expect(curve.rows).toEqual([
      {
        group: 'S–M',
        size: 'S',
        received: 20,
        soldQty: 4,
        returnedQty: 1,
        netQty: 3,
        share: 60,
        sellThrough: 15,
        onHand: 17,
      },
      {
        group: 'S–M',
        size: 'M',
        received: 20,
        soldQty: 2,
        returnedQty: 0,
        netQty: 2,
        share: 40,
        sellThrough: 10,
        onHand: 18,
      },
    ]);
  });

  it('by staff and by payment method (cash net of change, refunds per tender)', async () => {
    const staff = await get('sales-by-staff');
    expect(byKey(staff.rows, 'username', shop.cashier.username)).toMatchObject({
      sales: 2,
      total: 57000,
      basket: 28500,
      returns: 1,
      returned: 9000,
      net: 48000,
    });
    expect(byKey(staff.rows, 'username', shop.manager.username)).toMatchObject({
      sales: 2,
      total: 38000,
      basket: 19000,
      returns: 0,
      net: 38000,
    });
    const payment = await get('sales-by-payment');
    expect(payment.rows).toEqual([
      { method: 'card', payments: 1, taken: 29000, refunds: 0, refunded: 0, net: 29000, share: 30.53 },
      { method: 'cash', payments: 2, taken: 57000, refunds: 1, refunded: 9000, net: 48000, share: 60 },
      { method: 'wechat', payments: 1, taken: 9000, refunds: 0, refunded: 0, net: 9000, share: 9.47 },
    ]);
    expect(payment.totals).toMatchObject({ taken: 95000, refunded: 9000, net: 86000 });
  });

  it('discounts by promotion and coupon, promotion results, coupon redemption rate, returns, stock value', async () => {
    const found = await get('discounts');
    expect(byKey(found.rows, 'source', 'promotion')).toEqual({
      source: 'promotion',
      ref: promotionId,
      label: '=衬衫9折',
      sales: 3,
      lines: 3,
      revenue: 36000,
      amount: 4000,
    });
    expect(byKey(found.rows, 'source', 'coupon')).toMatchObject({
      ref: couponCode,
      sales: 1,
      lines: 1,
      revenue: 29000,
      amount: 1000,
    });
    const promotions = await get('promotions');
    expect(promotions.rows).toEqual([
      {
        promotion: '=衬衫9折',
        kind: 'percent_off',
        active: 1,
        sales: 3,
        revenue: 36000,
        discount: 4000,
        costShare: 10,
      },
    ]);
    const coupons = await get('coupons');
    expect(coupons.rows).toEqual([
      expect.objectContaining({
        issued: 1,
        redeemed: 1,
        rate: 100,
        salesWithCoupon: 1,
        revenue: 29000,
        discount: 1000,
      }),
    ]);
    const returns = await get('returns');
    expect(returns.rows).toEqual([
      expect.objectContaining({
        day: '2026-11-25',
        kind: expect.any(String),
        items: 1,
        amount: 9000,
        refund: 9000,
        reason: '@SUM(1)',
      }),
    ]);
    const stock = await get('stock-value');
    expect(stock.totals).toEqual({
      styles: 2,
      units: 35,
      cost: 18 * 12000 + 17 * 4000,
      retail: 18 * 30000 + 17 * 10000,
      unitsWithoutCost: 0,
    });
  });

  it("a style's cost changed after its sales leaves their margin as it was; stock is valued at today's cost", async () => {
    const setCost = async (cost: number) => {
      const reply = await call(shop.store, 'PATCH', `/api/products/${shop.dress.styleId}`, {
        token: shop.owner,
        body: { cost },
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    };
    await setCost(15000);
    try {
      const margin = await get('gross-margin');
      expect(margin.totals).toEqual({ net: 86000, cost: 36000, margin: 50000, marginPct: 58.14 });
      const stock = await get('stock-value');
      expect(stock.totals.cost).toBe(18 * 15000 + 17 * 4000);
    } finally {
      await setCost(12000);
    }
  });

  it('money reconciles: sales-by-day net = category net = payment net = sales less returns, to the fen', async () => {
    const day = await get('sales-by-day');
    const category = await get('sales-by-category');
    const payment = await get('sales-by-payment');
    const { rows } = await sql<{ net: number }>`
      select (select sum(total) from sales where training = 0 and status <> 'voided')
        - (select sum(amount) from returns where training = 0) as net`.execute(shop.store.ctx.storage.db);
    const ledger = { net: Number(rows[0]?.net) };
    expect(day.totals.net).toBe(ledger.net);
    expect(category.totals.net).toBe(ledger.net);
    expect(payment.totals.net).toBe(ledger.net);
  });

  it("the dashboard's day (the Z report of a store day) nets returns as sales-by-day does, day by day", async () => {
    const byDay = await get('sales-by-day');
    for (const day of ['2026-11-24', '2026-11-25']) {
      const z = await call(shop.store, 'GET', `/api/reports/day?date=${day}`, { token: shop.owner });
      expect(z.status, JSON.stringify(z.body)).toBe(200);
      const row = byKey(byDay.rows, 'day', day);
      expect(z.body.store.sales.net, day).toBe(row?.net);
      expect(z.body.store.returns.amount, day).toBe(row?.returned);
    }
    // Wednesday: two shirts sold (¥180), one returned (¥90); the training and voided sales count nowhere.
    const wednesday = await call(shop.store, 'GET', '/api/reports/day?date=2026-11-25', {
      token: shop.owner,
    });
    expect(wednesday.body.store.sales).toMatchObject({ count: 2, total: 18000, net: 9000 });
  });
});

describe('member analytics', () => {
  it('share of sales, new, active and repeat members, baskets, lifetime value', async () => {
    const summary = await get('members');
    const metric = (name: string) => byKey(summary.rows, 'metric', name);
    expect(metric('sales')).toMatchObject({ count: 4, amount: 95000 });
    expect(metric('member_sales')).toMatchObject({ count: 3, amount: 86000, percent: 90.53 });
    expect(metric('new_members')).toMatchObject({ count: 2 });
    expect(metric('active_members')).toMatchObject({ count: 2 });
    expect(metric('repeat_members')).toMatchObject({ count: 1, percent: 50 });
    expect(metric('average_basket')).toMatchObject({ amount: 23750 });
    expect(metric('member_average_basket')).toMatchObject({ amount: 28667 });
    expect(metric('guest_average_basket')).toMatchObject({ count: 1, amount: 9000 });
    expect(metric('lifetime_value')).toMatchObject({ count: 2, amount: 38500 });
  });

  it('liabilities equal the ledgers and the loyalty liability route', async () => {
    const owed = await get('liabilities');
    const ledger = await counts(shop);
    const stored = await call(shop.store, 'GET', '/api/loyalty/stored-value/liability', {
      token: shop.owner,
    });
    expect(byKey(owed.rows, 'kind', 'points')).toMatchObject({ points: ledger.points });
    expect(ledger.points).toBeGreaterThan(0);
    expect(byKey(owed.rows, 'kind', 'stored_value')).toMatchObject({ amount: stored.body.total });
    const before = await call(shop.store, 'GET', '/api/reports/liabilities?from=2026-11-20&to=2026-11-23', {
      token: shop.owner,
    });
    expect(byKey(before.body.rows, 'kind', 'points')).toMatchObject({ points: 0, amount: 0 });
  });

  it('RFM scores by quintile, segments and dormant members', async () => {
    const rfm = await get('rfm');
    const one = rfm.rows.find((row: { frequency: number }) => row.frequency === 2);
    const two = rfm.rows.find((row: { frequency: number }) => row.frequency === 1);
    // m1: last 25th (0 days), 2 purchases, 38000; m2: last 24th (1 day), 1 purchase, 48000 − 9000.
    expect(one).toMatchObject({
      lastDay: '2026-11-25',
      recencyDays: 0,
      monetary: 38000,
      r: 4,
      f: 4,
      m: 2,
      segment: 'loyal',
    });
    expect(two).toMatchObject({
      lastDay: '2026-11-24',
      recencyDays: 1,
      monetary: 39000,
      r: 2,
      f: 2,
      m: 4,
      segment: 'at_risk',
    });
    const segments = await get('rfm-segments');
    expect(byKey(segments.rows, 'segment', 'at_risk')).toMatchObject({
      members: 1,
      share: 50,
      monetary: 39000,
    });
    const dormant = await get('dormant', '&days=1');
    expect(dormant.rows.map((row: { lastDay: string }) => row.lastDay)).toEqual(['2026-11-24']);
    expect(quintiles([10, 20, 30, 40, 50, 50, 70, 80, 90, 100])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(segmentOf(5, 5, 4, 9)).toBe('champions');
    expect(segmentOf(5, 1, 2, 1)).toBe('new');
    expect(segmentOf(2, 4, 5, 6)).toBe('at_risk');
    expect(segmentOf(2, 1, 1, 2)).toBe('hibernating');
    expect(segmentOf(3, 3, 4, 3)).toBe('loyal');
    expect(segmentOf(3, 1, 2, 4)).toBe('need_attention');
    expect(segmentOf(1, 1, 1, 1)).toBe('lost');
    expect(segmentOf(5, 5, 5, 1)).toBe('new');
    expect(quintiles([7])).toEqual([3]);
    expect(quintiles([1, 1, 1, 1, 1, 1, 1, 2, 3, 9])).toEqual([2, 2, 2, 2, 2, 2, 2, 4, 5, 5]);
  });

  it('tier distribution', async () => {
    const tiers = await get('tiers');
    expect(tiers.totals.members).toBeGreaterThanOrEqual(2);
    expect(tiers.rows.reduce((sum: number, row: { members: number }) => sum + row.members, 0)).toBe(
      tiers.totals.members,
    );
  });
});

describe('exports and bad input', () => {
  it('CSV parses back with money in yuan and formula cells neutralised', async () => {
    const reply = await fetch(`${shop.store.url}/api/reports/discounts?${range}&format=csv`, {
      headers: { authorization: `Bearer ${shop.owner}` },
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/csv');
    expect(reply.headers.get('content-disposition')).toContain('hanger-discounts-2026-11-24-2026-11-25.csv');
    const rows = parse((await reply.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    const promo = rows.find((row) => row.Source === 'promotion');
    expect(promo).toMatchObject({ Label: "'=衬衫9折", 'Discount (yuan)': '40', Sales: '3' });
    expect(rows.at(-1)).toMatchObject({ Source: 'Total', 'Discount (yuan)': '50' });
    const returns = await fetch(`${shop.store.url}/api/reports/returns?${range}&format=csv`, {
      headers: { authorization: `Bearer ${shop.owner}` },
    });
    expect(await returns.text()).toContain("'@SUM(1)");
  });

  it('XLSX opens with the same rows, numbers as numbers and formula text neutralised', async () => {
    const reply = await fetch(`${shop.store.url}/api/reports/promotions?${range}&format=xlsx`, {
      headers: { authorization: `Bearer ${shop.owner}` },
    });
    expect(reply.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await reply.arrayBuffer());
    const sheet = book.worksheets[0];
    expect(sheet?.getRow(1).values).toContain('Discount cost (yuan)');
    const row = sheet?.getRow(2);
    expect(row?.getCell(1).value).toBe("'=衬衫9折");
    expect(row?.getCell(4).value).toBe(3);
    expect(row?.getCell(6).value).toBe(40);
    expect(sheet?.getRow(2).getCell(1).formula).toBeUndefined();
  });

  it('an inverted range, a bad date or an unknown format gets a clear 400; a cashier gets 403', async () => {
    const inverted = await call(
      shop.store,
      'GET',
      '/api/reports/sales-by-day?from=2026-11-25&to=2026-11-24',
      { token: shop.owner },
    );
    expect(inverted.status).toBe(400);
    expect(inverted.body.error.fields).toEqual({ 'query.from': 'must be on or before 2026-11-24' });
    const bad = await call(shop.store, 'GET', '/api/reports/sales-by-day?from=24.11.2026', {
      token: shop.owner,
    });
    expect(bad.status).toBe(400);
    const format = await call(shop.store, 'GET', '/api/reports/sales-by-day?format=pdf', {
      token: shop.owner,
    });
    expect(format.status).toBe(400);
    const tooLong = await call(shop.store, 'GET', '/api/reports/sales-by-day?from=2020-01-01&to=2026-01-01', {
      token: shop.owner,
    });
    expect(tooLong.status).toBe(400);
    const segment = await call(shop.store, 'GET', '/api/reports/rfm?segment=whales', { token: shop.owner });
    expect(segment.status).toBe(400);
    const cashier = await call(shop.store, 'GET', '/api/reports/sales-by-day', { token: shop.cashier.token });
    expect(cashier.status).toBe(403);
    const manager = await call(shop.store, 'GET', '/api/reports/sales-by-day', { token: shop.manager.token });
    expect(manager.status).toBe(200);
    expect(manager.body.rows).toHaveLength(30);
  });
});
