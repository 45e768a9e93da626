import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import { openShop, type Shop, sell } from '../sales/test-shop.js';

/**
 * Three members, known answers:
 *   a  VIP, top size M, born in March: bought a dress (¥300) on 24 Nov
 *   b  学生, born in July: bought shirts S (¥100) on 24 Nov and M (¥100) on 4 Dec
 *   c  top size L, born in March: never bought
 * Today is 4 Dec. RFM over a and b: a scores R2 F2 M4 (at_risk), b R4 F4 M2 (loyal).
 */
let shop: Shop;
const ids: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
let womens = '';

async function join(phone: string, body: Record<string, unknown>): Promise<string> {
  const reply = await call(shop.store, 'POST', '/api/members', {
    token: shop.owner,
    body: { phone, ...body },
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body.id;
}

const preview = (definition: Record<string, unknown>, token = shop.owner) =>
  call(shop.store, 'POST', '/api/segments/preview', { token, body: { definition } });

async function who(definition: Record<string, unknown>): Promise<string[]> {
  const reply = await preview(definition);
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  expect(reply.body.count).toBe(reply.body.members.length);
  return (reply.body.members as { memberId: string }[])
    .map((m) => Object.entries(ids).find(([, id]) => id === m.memberId)?.[0] ?? '?')
    .sort();
}

beforeAll(async () => {
  shop = await openShop();
  ids.a = await join('13800000001', { name: '甲', tags: ['VIP'], sizes: { top: 'M' }, birthday: '03-15' });
  ids.b = await join('13800000002', { name: '乙', tags: ['学生'], birthday: '07-01' });
  ids.c = await join('13800000003', { name: '丙', sizes: { top: 'L' }, birthday: '03-20' });
  const categories = await call(shop.store, 'GET', '/api/categories', { token: shop.owner });
  womens = categories.body.items.find((c: { path: string }) => c.path === '女装').id;
  const [dressS] = shop.dress.skus.map((s) => s.id);
  const [shirtS, shirtM] = shop.shirt.skus.map((s) => s.id);
  const pay = (amount: number) => [{ method: 'cash', amount }];
  expect(
    (await sell(shop, { memberId: ids.a, lines: [{ skuId: dressS, qty: 1 }], payments: pay(30000) })).status,
  ).toBe(201);
  expect(
    (await sell(shop, { memberId: ids.b, lines: [{ skuId: shirtS, qty: 1 }], payments: pay(10000) })).status,
  ).toBe(201);
  shop.store.clock.advance(10 * 86_400_000);
  shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
  shop.manager.token = await login(shop.store, shop.manager.username, shop.manager.password);
  shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
  expect(
    (await sell(shop, { memberId: ids.b, lines: [{ skuId: shirtM, qty: 1 }], payments: pay(10000) })).status,
  ).toBe(201);
});
afterAll(() => shop.store.close());

describe('segments (POST /api/segments/preview, saved segments)', () => {
  it('counts live over tags, birthday month, sizes, categories bought, RFM segment, recency and spend', async () => {
    expect(await who({})).toEqual(['a', 'b', 'c']);
    expect(await who({ tags: ['VIP'] })).toEqual(['a']);
    expect(await who({ birthdayMonths: [3] })).toEqual(['a', 'c']);
    expect(await who({ sizes: ['M'] })).toEqual(['a', 'b']); // a by profile, b by what they bought
    expect(await who({ sizes: ['L'] })).toEqual(['c']);
    expect(await who({ categories: [womens] })).toEqual(['a']); // 女装 covers 女装 › 连衣裙
    expect(await who({ rfmSegments: ['loyal'] })).toEqual(['b']);
    expect(await who({ rfmSegments: ['at_risk'] })).toEqual(['a']);
    expect(await who({ daysSinceLastVisit: { min: 7 } })).toEqual(['a']);
    expect(await who({ spend: { min: 25000 } })).toEqual(['a']);
    expect(await who({ spend: { max: 0 } })).toEqual(['c']);
    expect(await who({ birthdayMonths: [3], daysSinceLastVisit: { max: 30 } })).toEqual(['a']);
    expect(await who({ tiers: ['no-such-tier'] })).toEqual([]);
    const tier = (await call(shop.store, 'GET', `/api/members/${ids.c}`, { token: shop.owner })).body.tier
      .code;
    expect((await who({ tiers: [tier] })).length).toBeGreaterThanOrEqual(1);
  });

  it('refuses an unknown condition or an inverted range by name; a cashier may not look', async () => {
    const unknown = await preview({ colour: 'red' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.error.fields)).toContain('colour');
    const inverted = await preview({ spend: { min: 5, max: 1 } });
    expect(inverted.status).toBe(400);
    const segment = await preview({ rfmSegments: ['whales'] });
    expect(segment.status).toBe(400);
    expect((await preview({}, shop.cashier.token)).status).toBe(403);
  });

  it('saves, lists with a live count, exports the members and deletes', async () => {
    const saved = await call(shop.store, 'POST', '/api/segments', {
      token: shop.manager.token,
      body: { name: '三月生日', definition: { birthdayMonths: [3] } },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const again = await call(shop.store, 'POST', '/api/segments', {
      token: shop.owner,
      body: { name: '三月生日', definition: {} },
    });
    expect(again.status).toBe(409);
    const list = await call(shop.store, 'GET', '/api/segments', { token: shop.owner });
    expect(list.body.items).toEqual([expect.objectContaining({ name: '三月生日', count: 2 })]);
    const file = await fetch(`${shop.store.url}/api/segments/${saved.body.id}/members?format=csv`, {
      headers: { authorization: `Bearer ${shop.owner}` },
    });
    const rows = parse((await file.text()).replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((row) => row.Name)).toEqual(['甲', '丙']);
    expect(rows[0]).toMatchObject({ 'Net spend (yuan)': '300', 'Days since': '10', Segment: 'at_risk' });
    expect(Object.keys(rows[0] ?? {}).some((key) => /phone/i.test(key))).toBe(false);
    const gone = await call(shop.store, 'DELETE', `/api/segments/${saved.body.id}`, { token: shop.owner });
    expect(gone.status).toBe(204);
    expect((await call(shop.store, 'GET', '/api/segments', { token: shop.owner })).body.items).toEqual([]);
    expect(
      (await call(shop.store, 'DELETE', `/api/segments/${randomUUID()}`, { token: shop.owner })).status,
    ).toBe(404);
  });
});
