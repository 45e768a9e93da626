import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import { openShop, type Shop, sell } from '../sales/test-shop.js';

/**
 * The admin's member list (issue 21). Four members, told through the API:
 *   王一  tag VIP, born 1990-05-12, buys the dress (¥300) on Tue 24 Nov 2026
 *   李二  born 05-20, tops up ¥500 (stored value owed), buys nothing
 *   张三  buys the shirt (¥100) on Wed 25 Nov
 *   赵四  nothing
 */
let shop: Shop;
const ids: Record<'wang' | 'li' | 'zhang' | 'zhao', string> = { wang: '', li: '', zhang: '', zhao: '' };

async function join(name: string, phone: string, extra: Record<string, unknown> = {}) {
  const reply = await call(shop.store, 'POST', '/api/members', {
    token: shop.owner,
    body: { phone, name, ...extra },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.id as string;
}

type Listed = { id: string; name: string; phone: string; spend: number; lastVisitAt: string | null };

async function list(query: string, token = shop.owner) {
  const reply = await call(shop.store, 'GET', `/api/members/list?${query}`, { token });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body as { items: Listed[]; next: string | null; total: number };
}
const names = async (query: string) => (await list(query)).items.map((item) => item.name);

beforeAll(async () => {
  shop = await openShop();
  ids.wang = await join('王一', '13900000001', { tags: ['VIP'], birthday: '1990-05-12' });
  ids.li = await join('李二', '13900000002', { birthday: '05-20' });
  ids.zhang = await join('张三', '13900000003');
  ids.zhao = await join('赵四', '13900000004');
  const top = await call(shop.store, 'POST', `/api/members/${ids.li}/top-ups`, {
    token: shop.owner,
    body: { id: randomUUID(), amount: 50000, method: 'cash' },
  });
  expect(top.status, JSON.stringify(top.body)).toBe(201);
  const dress = await sell(shop, {
    memberId: ids.wang,
    lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
    payments: [{ method: 'cash', amount: 30000 }],
  });
  expect(dress.status, JSON.stringify(dress.body)).toBe(201);
  shop.store.clock.advance(26 * 3_600_000); // Wed 25 Nov
  shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
  shop.manager.token = await login(shop.store, shop.manager.username, shop.manager.password);
  shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
  const shirt = await sell(shop, {
    memberId: ids.zhang,
    lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
    payments: [{ method: 'cash', amount: 10000 }],
  });
  expect(shirt.status, JSON.stringify(shirt.body)).toBe(201);
}, 120_000);
afterAll(() => shop.store.close());

describe('the member list (GET /api/members/list)', () => {
  it('lists everyone for an empty search, newest first, page by page', async () => {
    const first = await list('q=&limit=3');
    expect(first.total).toBe(4);
    expect(first.items.map((item) => item.name)).toEqual(['赵四', '张三', '李二']);
    expect(first.next).not.toBeNull();
    const second = await list(`limit=3&after=${first.next}`);
    expect(second.items.map((item) => item.name)).toEqual(['王一']);
    expect(second.next).toBeNull();
  });

  it('sorts by spend, last visit, stored value and points, ties by member number, across pages', async () => {
    const seen: string[] = [];
    let after = '';
    for (let page = 0; page < 3; page += 1) {
      const got = await list(`sort=spend&limit=2${after ? `&after=${after}` : ''}`);
      seen.push(...got.items.map((item) => item.name));
      if (!got.next) break;
      after = got.next;
    }
    expect(seen).toEqual(['王一', '张三', '赵四', '李二']);
    expect(await names('sort=spend&dir=asc')).toEqual(['李二', '赵四', '张三', '王一']);
    expect(await names('sort=lastVisit')).toEqual(['张三', '王一', '赵四', '李二']);
    expect(await names('sort=storedValue&limit=1')).toEqual(['李二']);
    const byPoints = await list('sort=points');
    expect(byPoints.items.map((item) => item.name).slice(0, 2)).toEqual(['王一', '张三']);
    const wang = byPoints.items[0] as Listed;
    expect(wang.spend).toBe(30000);
    expect(wang.lastVisitAt).toBe('2026-11-24T10:00:00.000Z');
    expect(byPoints.items.at(-1)?.lastVisitAt).toBeNull();
  });

  it('filters by tag, tier, birthday month, last visit, spend, stored value owed and expiring points', async () => {
    expect(await names('tag=VIP')).toEqual(['王一']);
    expect(await names('tier=normal')).toHaveLength(4);
    expect(await names('tier=gold')).toEqual([]);
    expect(await names('birthdayMonth=5')).toEqual(['李二', '王一']);
    expect(await names('lastVisitFrom=2026-11-25')).toEqual(['张三']);
    expect(await names('lastVisitTo=2026-11-24')).toEqual(['王一']);
    expect(await names('lastVisitFrom=2026-11-24&lastVisitTo=2026-11-25')).toEqual(['张三', '王一']);
    expect(await names('spendMin=20000')).toEqual(['王一']);
    expect(await names('spendMax=15000')).toEqual(['赵四', '张三', '李二']);
    expect(await names('owesStoredValue=true')).toEqual(['李二']);
    expect(await names('pointsExpiringDays=3650')).toEqual(['张三', '王一']);
    expect(await names('pointsExpiringDays=1')).toEqual([]);
    expect(await names('q=张')).toEqual(['张三']);
    expect(await names('q=0002')).toEqual(['李二']);
    expect((await list('tag=VIP&birthdayMonth=5&spendMin=1')).total).toBe(1);
  });

  it('masks phones for a cashier and refuses a bad filter, sort or page', async () => {
    const cashier = await list('sort=joined', shop.cashier.token);
    expect(cashier.items[0]?.phone).toBe('139****0004');
    expect((await list('sort=joined')).items[0]?.phone).toBe('13900000004');
    for (const query of [
      'sort=age',
      'spendMin=5&spendMax=1',
      'birthdayMonth=13',
      'after=nonsense',
      'colour=red',
    ]) {
      const reply = await call(shop.store, 'GET', `/api/members/list?${query}`, { token: shop.owner });
      expect([400, 422], `${query}: ${JSON.stringify(reply.body)}`).toContain(reply.status);
    }
  });
});

describe('bulk tag and export of the filtered list', () => {
  it('tags every member a filter picks, then untags the ones ticked, in one audited transaction each', async () => {
    const added = await call(shop.store, 'POST', '/api/members/tags', {
      token: shop.manager.token,
      body: { action: 'add', tag: '常客', filter: { spendMin: 1 } },
    });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body).toEqual({ changed: 2, unchanged: 0, full: 0 });
    expect(await names('tag=常客')).toEqual(['张三', '王一']);
    const again = await call(shop.store, 'POST', '/api/members/tags', {
      token: shop.manager.token,
      body: { action: 'add', tag: '常客', filter: {} },
    });
    expect(again.body).toEqual({ changed: 2, unchanged: 2, full: 0 });
    const removed = await call(shop.store, 'POST', '/api/members/tags', {
      token: shop.manager.token,
      body: { action: 'remove', tag: '常客', ids: [ids.wang, ids.li] },
    });
    expect(removed.body).toEqual({ changed: 2, unchanged: 0, full: 0 });
    expect(await names('tag=常客')).toEqual(['赵四', '张三']);
    const wang = await call(shop.store, 'GET', `/api/members/${ids.wang}`, { token: shop.owner });
    expect(wang.body.tags).toEqual(['VIP']);
    const history = await call(shop.store, 'GET', `/api/members/${ids.wang}/history`, { token: shop.owner });
    expect(history.body.items).toHaveLength(3);
    const audit = await shop.store.ctx.storage.db
      .selectFrom('audit_log')
      .select(['detail', 'staff_id'])
      .where('kind', '=', 'member.tags_changed')
      .execute();
    expect(audit).toHaveLength(3);
    expect(JSON.parse(audit[0]?.detail ?? '{}')).toMatchObject({ action: 'add', tag: '常客', changed: 2 });

    const cashier = await call(shop.store, 'POST', '/api/members/tags', {
      token: shop.cashier.token,
      body: { action: 'add', tag: 'x', filter: {} },
    });
    expect(cashier.status).toBe(403);
    const both = await call(shop.store, 'POST', '/api/members/tags', {
      token: shop.owner,
      body: { action: 'add', tag: 'x', filter: {}, ids: [ids.wang] },
    });
    expect(both.status).toBe(400);
  });

  it('exports the filtered list as CSV (and everyone without a filter)', async () => {
    const filtered = await call(
      shop.store,
      'GET',
      '/api/members/export?filtered=true&birthdayMonth=5&format=csv',
      {
        token: shop.owner,
      },
    );
    expect(filtered.status).toBe(200);
    const rows = parse(String(filtered.body).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((row) => row.name).sort()).toEqual(['李二', '王一']);
    expect(rows.find((row) => row.name === '李二')?.phone).toBe('13900000002');
    const all = await call(shop.store, 'GET', '/api/members/export?format=csv', { token: shop.owner });
    expect(parse(String(all.body).replace(/^\uFEFF/, ''), { columns: true })).toHaveLength(4);
    const cashier = await call(shop.store, 'GET', '/api/members/export?filtered=true', {
      token: shop.cashier.token,
    });
    expect(cashier.status).toBe(403);
  });
});
