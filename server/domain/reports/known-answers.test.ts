import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import { marketingWorker } from '../marketing/marketing-worker.js';
import { openShop, product, receive, type Shop, sell } from '../sales/test-shop.js';

/**
 * Reports over a generated data set (a seeded random shop, told through the API), checked
 * against answers the test works out itself from what it did and what the API answered: the
 * size curve, repurchase rate, lifetime value, RFM scores and the segment of members made to
 * be champions, at risk, new and lost, liabilities against the ledgers, a campaign reaching
 * exactly the consenting members of its segment, and money to the fen.
 *
 * Seven sale days over two months, 24 generated members plus the four made ones; some sales
 * pay part with stored value, some lines come back a sale day later, a training sale and a
 * voided sale count nowhere.
 */
const SALE_DAYS = [0, 5, 12, 20, 30, 45, 60];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];
const TEE_STOCK: Record<string, number> = { XS: 30, S: 40, M: 50, L: 40, XL: 30 };

/** mulberry32: the same data set on every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Line {
  skuId: string;
  size: string;
  qty: number;
}
interface SaleLog {
  id: string;
  day: string;
  member: string | null;
  lines: Line[];
  total: number;
}
interface ReturnLog {
  day: string;
  member: string | null;
  size: string;
  qty: number;
  refund: number;
  /** What went back to stored value: each tender gets its share of a refund. */
  storedBack: number;
}

let shop: Shop;
const sales: SaleLog[] = [];
const returns: ReturnLog[] = [];
const members: { key: string; id: string; number: number; vip: boolean; sms: boolean }[] = [];
const skus: { skuId: string; size: string; price: number }[] = [];
let firstDay = '';
let lastDay = '';

const storeDay = () => {
  const at = new Date(shop.store.clock.now().getTime() + 8 * 3_600_000);
  return at.toISOString().slice(0, 10);
};
const report = async (name: string, query = `from=${firstDay}&to=${lastDay}`) => {
  const reply = await call(shop.store, 'GET', `/api/reports/${name}?${query}`, { token: shop.owner });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body;
};
const idOf = (key: string) => members.find((m) => m.key === key)?.id ?? '';

async function buy(member: string | null, lines: Line[], storedValue = 0) {
  const list = lines.reduce((sum, l) => sum + (skus.find((s) => s.skuId === l.skuId)?.price ?? 0) * l.qty, 0);
  const payments = [
    ...(storedValue > 0 ? [{ method: 'stored_value', amount: storedValue }] : []),
    { method: 'cash', amount: list - storedValue },
  ];
  const reply = await sell(shop, {
    ...(member && { memberId: member }),
    lines: lines.map(({ skuId, qty }) => ({ skuId, qty })),
    payments,
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  sales.push({ id: reply.body.id, day: storeDay(), member, lines, total: reply.body.total });
  return reply.body;
}

beforeAll(async () => {
  shop = await openShop();
  await marketingWorker(shop.store.ctx)?.stop();
  firstDay = storeDay();
  const tee = await call(shop.store, 'POST', '/api/products', {
    token: shop.owner,
    body: {
      styleCode: 'KA-TEE',
      name: '基础T恤',
      category: '女装/T恤',
      price: 8000,
      colors: ['白'],
      sizes: SIZES,
    },
  });
  expect(tee.status, JSON.stringify(tee.body)).toBe(201);
  for (const sku of tee.body.skus as { id: string; size: string }[]) {
    await receive(shop.store, shop.owner, sku.id, TEE_STOCK[sku.size] ?? 0);
    skus.push({ skuId: sku.id, size: sku.size, price: 8000 });
  }
  for (const [i, s] of shop.dress.skus.entries())
    skus.push({ skuId: s.id, size: i === 0 ? 'S' : 'M', price: 30000 });
  for (const [i, s] of shop.shirt.skus.entries())
    skus.push({ skuId: s.id, size: i === 0 ? 'S' : 'M', price: 10000 });
  const extra = await product(shop.store, shop.owner, '针织开衫', 20000, '女装/开衫');
  for (const sku of extra.skus) await receive(shop.store, shop.owner, sku.id, 5);
  for (const [i, s] of extra.skus.entries())
    skus.push({ skuId: s.id, size: i === 0 ? 'S' : 'M', price: 20000 });

  const rnd = random(20261124);
  const keys = [...Array.from({ length: 24 }, (_, i) => `g${i}`), 'champ', 'atrisk', 'newbie', 'lost'];
  for (const [i, key] of keys.entries()) {
    const vip = i % 3 === 0;
    const sms = i % 2 === 0;
    const reply = await call(shop.store, 'POST', '/api/members', {
      token: shop.owner,
      body: {
        phone: `1330000${String(i).padStart(4, '0')}`,
        name: `生成${key}`,
        tags: vip ? ['VIP'] : [],
        consentMarketing: { sms, wechat: i % 5 === 0 },
      },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    members.push({ key, id: reply.body.id, number: reply.body.number, vip, sms });
  }
  // Stored value for two members; they pay part of their sales with it.
  for (const key of ['g1', 'champ']) {
    const top = await call(shop.store, 'POST', `/api/members/${idOf(key)}/top-ups`, {
      token: shop.owner,
      body: { id: randomUUID(), amount: 50000, method: 'cash' },
    });
    expect(top.status, JSON.stringify(top.body)).toBe(201);
  }

  const tees = skus.filter((s) => s.price === 8000);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const teeLine = (): Line => {
    const sku = pick(tees);
    return { skuId: sku.skuId, size: sku.size, qty: 1 + Math.floor(rnd() * 2) };
  };
  let pendingReturn: SaleLog | undefined;
  for (const [d, offset] of SALE_DAYS.entries()) {
    if (d > 0) {
      shop.store.clock.advance((offset - (SALE_DAYS[d - 1] ?? 0)) * 86_400_000);
      shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
      shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
    }
    const last = d === SALE_DAYS.length - 1;
    // A line of yesterday's chosen sale comes back today.
    if (pendingReturn) {
      const line = pendingReturn.lines[0] as Line;
      const back = await call(shop.store, 'POST', `/api/sales/${pendingReturn.id}/returns`, {
        token: shop.cashier.token,
        body: { id: randomUUID(), lines: [{ skuId: line.skuId, qty: 1 }], reason: '尺码不合适' },
      });
      expect(back.status, JSON.stringify(back.body)).toBe(201);
      returns.push({
        day: storeDay(),
        member: pendingReturn.member,
        size: line.size,
        qty: 1,
        refund: back.body.refundTotal,
        storedBack: (back.body.refund as { method: string; amount: number }[])
          .filter((r) => r.method === 'stored_value')
          .reduce((sum, r) => sum + r.amount, 0),
      });
      pendingReturn = undefined;
    }
    for (let i = 0; i < 24; i++) {
      // Generated members buy on the middle days mostly; few on the first and the last.
      const chance = d === 0 || last ? 0.15 : 0.45;
      if (rnd() >= chance) continue;
      const lines = [teeLine()];
      if (rnd() < 0.3) lines.push(teeLine());
      if (lines.length === 2 && lines[0]?.skuId === lines[1]?.skuId) lines.pop();
      const sale = await buy(idOf(`g${i}`), lines, i === 1 ? 2000 : 0);
      if (!pendingReturn && rnd() < 0.5) pendingReturn = sales.find((s) => s.id === sale.id);
    }
    // The made members: a champion buys every day but the first, much and recently; a member at
    // risk bought much on the first two days and never since; a lost one once, little, on day
    // one; a new one once on the last day.
    const dress = skus.find((s) => s.price === 30000) as (typeof skus)[number];
    const cardigan = skus.find((s) => s.price === 20000) as (typeof skus)[number];
    if (d > 0) await buy(idOf('champ'), [{ skuId: dress.skuId, size: dress.size, qty: 1 }, teeLine()], 3000);
    if (d <= 1) {
      await buy(idOf('atrisk'), [{ skuId: cardigan.skuId, size: cardigan.size, qty: 2 }]);
      await buy(idOf('atrisk'), [{ skuId: cardigan.skuId, size: cardigan.size, qty: 1 }]);
    }
    if (d === 0) {
      const cheap = skus.find((s) => s.price === 8000) as (typeof skus)[number];
      await buy(idOf('lost'), [{ skuId: cheap.skuId, size: cheap.size, qty: 1 }]);
    }
    if (last) await buy(idOf('newbie'), [teeLine()]);
    if (d % 2 === 0) await buy(null, [teeLine()]);
    if (d === 3) {
      const training = await sell(shop, {
        training: true,
        lines: [{ skuId: dress.skuId, qty: 1 }],
        payments: [{ method: 'cash', amount: 30000 }],
      });
      expect(training.status).toBe(201);
      const voided = await sell(shop, {
        memberId: idOf('g2'),
        lines: [{ skuId: dress.skuId, qty: 1 }],
        payments: [{ method: 'cash', amount: 30000 }],
      });
      const voiding = await call(shop.store, 'POST', `/api/sales/${voided.body.id}/void`, {
        token: shop.owner,
        body: { reason: '录错' },
      });
      expect(voiding.status, JSON.stringify(voiding.body)).toBe(200);
    }
  }
  lastDay = storeDay();
}, 120_000);
afterAll(() => shop.store.close());

/** What a member spent net of returns, and how often and when they last bought, from the log. */
function ledger() {
  const by = new Map<string, { purchases: number; spend: number; last: string }>();
  for (const sale of sales) {
    if (!sale.member) continue;
    const seen = by.get(sale.member) ?? { purchases: 0, spend: 0, last: '' };
    seen.purchases += 1;
    seen.spend += sale.total;
    if (sale.day > seen.last) seen.last = sale.day;
    by.set(sale.member, seen);
  }
  for (const back of returns) {
    const seen = back.member ? by.get(back.member) : undefined;
    if (seen) seen.spend -= back.refund;
  }
  return by;
}

/** Quintile scores as the README states them: mid-rank percentile p, score ⌊5p⌋ + 1. */
function scores(values: number[]): number[] {
  return values.map((v) => {
    const below = values.filter((x) => x < v).length;
    const equal = values.filter((x) => x === v).length;
    return Math.min(5, Math.floor(((below + equal / 2) / values.length) * 5) + 1);
  });
}

describe('known answers over a generated shop', () => {
  it('the size curve: received, sold, returned, net, share, sell-through and on hand per size', async () => {
    const curve = await report('size-curve');
    const received: Record<string, number> = { ...TEE_STOCK };
    for (const size of ['S', 'M']) received[size] = (received[size] ?? 0) + 10 + 10 + 5;
    const sold: Record<string, number> = {};
    for (const sale of sales)
      for (const line of sale.lines) sold[line.size] = (sold[line.size] ?? 0) + line.qty;
    const back: Record<string, number> = {};
    for (const r of returns) back[r.size] = (back[r.size] ?? 0) + r.qty;
    const totalNet = SIZES.reduce((sum, size) => sum + (sold[size] ?? 0) - (back[size] ?? 0), 0);
    expect(returns.length).toBeGreaterThan(2);
    for (const size of SIZES) {
      const net = (sold[size] ?? 0) - (back[size] ?? 0);
      const got = received[size] ?? 0;
      expect(
        curve.rows.find((row: { size: string }) => row.size === size),
        size,
      ).toEqual({
        group: 'XS–XL',
        size,
        received: got,
        soldQty: sold[size] ?? 0,
        returnedQty: back[size] ?? 0,
        netQty: net,
        share: Math.round((net * 10_000) / totalNet) / 100,
        sellThrough: Math.round((net * 10_000) / got) / 100,
        onHand: got - net,
      });
    }
  });

  it('repurchase rate, member share, baskets and lifetime value (today and as of a past day)', async () => {
    const summary = await report('members');
    const metric = (name: string) => summary.rows.find((row: { metric: string }) => row.metric === name);
    const perMember = new Map<string, number>();
    for (const sale of sales)
      if (sale.member) perMember.set(sale.member, (perMember.get(sale.member) ?? 0) + 1);
    const active = perMember.size;
    const repeat = [...perMember.values()].filter((n) => n >= 2).length;
    expect(metric('active_members')).toMatchObject({ count: active });
    expect(metric('repeat_members')).toMatchObject({
      count: repeat,
      percent: Math.round((repeat * 10_000) / active) / 100,
    });
    const total = sales.reduce((sum, s) => sum + s.total, 0);
    const memberTotal = sales.filter((s) => s.member).reduce((sum, s) => sum + s.total, 0);
    expect(metric('sales')).toMatchObject({ count: sales.length, amount: total });
    expect(metric('member_sales')).toMatchObject({ amount: memberTotal });
    expect(metric('average_basket')).toMatchObject({ amount: Math.round(total / sales.length) });
    const spend = [...ledger().values()];
    const ltv = Math.round(spend.reduce((sum, m) => sum + m.spend, 0) / spend.length);
    expect(metric('lifetime_value')).toMatchObject({ count: spend.length, amount: ltv });

    // As of the third sale day: only what had happened by then.
    const cut =
      sales.filter((s) => s.day <= (sales.find((x) => x.day > firstDay)?.day ?? '')).at(-1)?.day ?? '';
    const early = new Map<string, number>();
    for (const sale of sales)
      if (sale.member && sale.day <= cut) early.set(sale.member, (early.get(sale.member) ?? 0) + sale.total);
    for (const r of returns)
      if (r.member && r.day <= cut) early.set(r.member, (early.get(r.member) ?? 0) - r.refund);
    const past = await report('members', `from=${firstDay}&to=${cut}`);
    expect(past.rows.find((row: { metric: string }) => row.metric === 'lifetime_value')).toMatchObject({
      count: early.size,
      amount: Math.round([...early.values()].reduce((a, b) => a + b, 0) / early.size),
    });
  });

  it('RFM: every score as the rules say, and the made members in their segments', async () => {
    const rfm = await report('rfm');
    const by = ledger();
    const list = [...by.entries()];
    const days = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
    const r = scores(list.map(([, m]) => -days(m.last, lastDay)));
    const f = scores(list.map(([, m]) => m.purchases));
    const mm = scores(list.map(([, m]) => m.spend));
    const expected = list
      .map(([id, m], i) => ({
        number: members.find((x) => x.id === id)?.number,
        recencyDays: days(m.last, lastDay),
        frequency: m.purchases,
        monetary: m.spend,
        r: r[i],
        f: f[i],
        m: mm[i],
      }))
      .sort((a, b) => (a.number ?? 0) - (b.number ?? 0));
    const got = rfm.rows
      .map((row: Record<string, number>) => ({
        number: row.number,
        recencyDays: row.recencyDays,
        frequency: row.frequency,
        monetary: row.monetary,
        r: row.r,
        f: row.f,
        m: row.m,
      }))
      .sort((a: { number: number }, b: { number: number }) => a.number - b.number);
    expect(got).toEqual(expected);
    const segmentOf = (key: string) =>
      rfm.rows.find((row: { number: number }) => row.number === members.find((m) => m.key === key)?.number)
        ?.segment;
    // JSON names the first `limit` rows, best first; the file carries every member.
    const top = await report('rfm', `from=${firstDay}&to=${lastDay}&limit=3`);
    expect(top.meta).toEqual({ members: list.length, shown: 3 });
    expect(top.rows.map((row: { number: number }) => row.number)).toEqual(
      rfm.rows.slice(0, 3).map((row: { number: number }) => row.number),
    );
    const file = await fetch(`${shop.store.url}/api/reports/rfm?from=${firstDay}&to=${lastDay}&format=csv`, {
      headers: { authorization: `Bearer ${shop.owner}` },
    });
    expect((await file.text()).trim().split('\n')).toHaveLength(list.length + 1);
    expect(segmentOf('champ')).toBe('champions');
    expect(segmentOf('atrisk')).toBe('at_risk');
    expect(segmentOf('newbie')).toBe('new');
    expect(segmentOf('lost')).toBe('lost');
  });

  it('liabilities equal the ledgers: points and stored value', async () => {
    const owed = await report('liabilities');
    let points = 0;
    let stored = 0;
    for (const m of members) {
      const reply = await call(shop.store, 'GET', `/api/members/${m.id}`, { token: shop.owner });
      points += reply.body.points;
      stored += reply.body.storedValue;
    }
    const { rows } = await sql<{ points: number; stored: number }>`
      select (select sum(delta) from points_movements) as points,
        (select sum(principal_delta + bonus_delta) from stored_value_entries) as stored`.execute(
      shop.store.ctx.storage.db,
    );
    const ledger = { points: Number(rows[0]?.points), stored: Number(rows[0]?.stored) };
    const row = (kind: string) => owed.rows.find((x: { kind: string }) => x.kind === kind);
    expect(points).toBeGreaterThan(0);
    expect(row('points')).toMatchObject({ points });
    expect(ledger.points).toBe(points);
    // Two top-ups of ¥500 with ¥50 bonus each, less what was paid with stored value, plus its
    // share of the refunds.
    const paid = sales.filter((s) => s.member === idOf('g1')).length * 2000 + (SALE_DAYS.length - 1) * 3000;
    const back = returns.reduce((sum, r) => sum + r.storedBack, 0);
    expect(stored).toBe(2 * 55000 - paid + back);
    expect(row('stored_value')).toMatchObject({ amount: stored });
    expect(ledger.stored).toBe(stored);

    // At the end of an earlier day: the ledger rows up to then, to the point and the fen.
    const day = sales[Math.floor(sales.length / 2)]?.day ?? firstDay;
    const endAt = new Date(Date.parse(`${day}T00:00:00+08:00`) + 86_400_000).toISOString();
    const then = await sql<{ points: number; principal: number; bonus: number }>`
      select (select coalesce(sum(delta), 0) from points_movements where at < ${endAt}) as points,
        (select coalesce(sum(principal_delta), 0) from stored_value_entries where at < ${endAt}) as principal,
        (select coalesce(sum(bonus_delta), 0) from stored_value_entries where at < ${endAt}) as bonus`.execute(
      shop.store.ctx.storage.db,
    );
    const past = await report('liabilities', `from=${firstDay}&to=${day}`);
    const at = (kind: string) => past.rows.find((x: { kind: string }) => x.kind === kind);
    const expected = then.rows[0];
    expect(Number(expected?.points)).toBeLessThan(points);
    expect(at('points')).toMatchObject({ points: Number(expected?.points) });
    expect(at('stored_value_principal')).toMatchObject({ amount: Number(expected?.principal) });
    expect(at('stored_value_bonus')).toMatchObject({ amount: Number(expected?.bonus) });
  });

  it('money reconciles to the fen: by day, category, payment and staff against what the till answered', async () => {
    const net = sales.reduce((sum, s) => sum + s.total, 0) - returns.reduce((sum, r) => sum + r.refund, 0);
    const day = await report('sales-by-day');
    expect(day.totals).toMatchObject({
      sales: sales.length,
      total: sales.reduce((sum, s) => sum + s.total, 0),
      returns: returns.length,
      returned: returns.reduce((sum, r) => sum + r.refund, 0),
      net,
    });
    for (const name of ['sales-by-category', 'sales-by-style', 'sales-by-payment']) {
      expect((await report(name)).totals.net, name).toBe(net);
    }
    const staff = await report('sales-by-staff');
    expect(staff.rows.reduce((sum: number, row: { net: number }) => sum + row.net, 0)).toBe(net);
    const perDay = new Map<string, number>();
    for (const s of sales) perDay.set(s.day, (perDay.get(s.day) ?? 0) + s.total);
    for (const r of returns) perDay.set(r.day, (perDay.get(r.day) ?? 0) - r.refund);
    for (const [d, amount] of perDay) {
      expect(day.rows.find((row: { day: string }) => row.day === d)?.net, d).toBe(amount);
    }
  });

  it('a campaign reaches exactly the consenting members of its segment', async () => {
    const sent = await call(shop.store, 'POST', '/api/campaigns', {
      token: shop.owner,
      body: { name: 'VIP 专享', channel: 'sms', template: '{{name}} 专享', definition: { tags: ['VIP'] } },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const vip = members.filter((m) => m.vip);
    const expected = vip.filter((m) => m.sms).map((m) => m.number);
    expect(sent.body).toMatchObject({
      segmentSize: vip.length,
      withoutConsent: vip.length - expected.length,
      exported: expected.length,
    });
    const log = await call(shop.store, 'GET', `/api/campaigns/${sent.body.id}/messages`, {
      token: shop.owner,
    });
    expect(log.body.rows.map((row: { number: number }) => row.number)).toEqual(
      expected.sort((a, b) => a - b),
    );

    // RFM segments in the definition, over the scores worked out above.
    const champions = await call(shop.store, 'POST', '/api/campaigns', {
      token: shop.owner,
      body: {
        name: '冠军',
        channel: 'sms',
        template: '{{name}}',
        definition: { rfmSegments: ['champions'] },
      },
    });
    const rfm = await report('rfm', `from=${firstDay}&to=${storeDay()}&segment=champions`);
    const consenting = rfm.rows
      .map((row: { number: number }) => row.number)
      .filter((n: number) => members.find((m) => m.number === n)?.sms);
    const reached = await call(shop.store, 'GET', `/api/campaigns/${champions.body.id}/messages`, {
      token: shop.owner,
    });
    expect(reached.body.rows.map((row: { number: number }) => row.number)).toEqual(
      consenting.sort((a: number, b: number) => a - b),
    );
    expect(consenting).toContain(members.find((m) => m.key === 'champ')?.number);
  });

  it('bad input is refused by name: an unknown condition in a campaign, an unknown placeholder, an inverted range', async () => {
    const unknown = await call(shop.store, 'POST', '/api/campaigns', {
      token: shop.owner,
      body: { name: 'x', channel: 'sms', template: 'hi', definition: { colour: ['红'] } },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.error.fields)).toContain('colour');
    const placeholder = await call(shop.store, 'POST', '/api/campaigns', {
      token: shop.owner,
      body: { name: 'x', channel: 'sms', template: '{{coupon}}', definition: {} },
    });
    expect(placeholder.body.error.fields['body.template']).toContain('{{coupon}}');
    const inverted = await call(shop.store, 'GET', `/api/reports/members?from=${lastDay}&to=${firstDay}`, {
      token: shop.owner,
    });
    expect(inverted.status).toBe(400);
    expect(Object.keys(inverted.body.error.fields)).toEqual(['query.from']);
  });
});
