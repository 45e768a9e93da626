import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { openShop, receive, type Shop, sell } from '../sales/test-shop.js';
import { sizeRun } from './sales.js';

/**
 * The size curve per run of sizes and per category (issue 21): jeans in waists 25–34 and
 * children's tees in heights 100–130 beside the shop's S/M dress and shirt.
 */
let shop: Shop;
let jeansCategory: string;
const range = 'from=2026-11-24&to=2026-11-24';

async function style(name: string, category: string, sizes: string[]) {
  const reply = await call(shop.store, 'POST', '/api/products', {
    token: shop.owner,
    body: { styleCode: randomUUID().slice(0, 8), name, category, price: 10000, colors: ['蓝'], sizes },
  });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body as { category: { id: string }; skus: { id: string; size: string }[] };
}

const sku = (made: Awaited<ReturnType<typeof style>>, size: string) =>
  made.skus.find((s) => s.size === size)?.id as string;

beforeAll(async () => {
  shop = await openShop();
  const jeans = await style('直筒牛仔裤', '男装/裤装', ['25', '26', '28', '30', '34']);
  const tee = await style('儿童T恤', '童装/T恤', ['100', '110', '120', '130']);
  jeansCategory = jeans.category.id;
  for (const made of [jeans, tee]) for (const s of made.skus) await receive(shop.store, shop.owner, s.id, 5);
  const lines = [
    { skuId: sku(jeans, '28'), qty: 3 },
    { skuId: sku(jeans, '30'), qty: 1 },
    { skuId: sku(tee, '110'), qty: 2 },
    { skuId: shop.dress.skus[0]?.id, qty: 1 },
  ];
  const sale = await sell(shop, {
    lines,
    payments: [{ method: 'cash', amount: 3 * 10000 + 10000 + 2 * 10000 + 30000 }],
  });
  expect(sale.status, JSON.stringify(sale.body)).toBe(201);
}, 120_000);
afterAll(() => shop.store.close());

describe('the size curve per run of sizes and per category', () => {
  it('names each run by its first and last size and shares units within the run', async () => {
    const reply = await call(shop.store, 'GET', `/api/reports/size-curve?${range}`, { token: shop.owner });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const rows = reply.body.rows as { group: string; size: string; netQty: number; share: number | null }[];
    expect(rows.map((row) => `${row.group} ${row.size}`)).toEqual([
      'S–M S',
      'S–M M',
      '25–34 25',
      '25–34 26',
      '25–34 28',
      '25–34 30',
      '25–34 34',
      '100–130 100',
      '100–130 110',
      '100–130 120',
      '100–130 130',
    ]);
    const row = (size: string) => rows.find((r) => r.size === size);
    expect(row('S')?.share).toBe(100);
    expect(row('28')?.share).toBe(75);
    expect(row('30')?.share).toBe(25);
    expect(row('110')?.share).toBe(100);
  });

  it('takes only one category (and those below it) when asked', async () => {
    const reply = await call(
      shop.store,
      'GET',
      `/api/reports/size-curve?${range}&category=${jeansCategory}`,
      {
        token: shop.owner,
      },
    );
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body.rows.map((r: { size: string }) => r.size)).toEqual(['25', '26', '28', '30', '34']);
    expect(reply.body.totals).toMatchObject({ received: 25, netQty: 4, onHand: 21 });
    const unknown = await call(shop.store, 'GET', `/api/reports/size-curve?${range}&category=nope`, {
      token: shop.owner,
    });
    expect(unknown.status).toBe(404);
  });

  it('sorts sizes into runs', () => {
    expect(['XS', 's', 'XXL', '25', '34.5', '100', '165', 'F', '均码'].map(sizeRun)).toEqual([
      'letters',
      'letters',
      'letters',
      'small-numbers',
      'small-numbers',
      'large-numbers',
      'large-numbers',
      'other',
      'other',
    ]);
  });
});
