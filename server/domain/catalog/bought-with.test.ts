import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, pairDevice } from '../../testing/client.js';
import { openShop, product, receive, type Shop, sell } from '../sales/test-shop.js';

let shop: Shop;
let belt: Awaited<ReturnType<typeof product>>;
let scarf: Awaited<ReturnType<typeof product>>;
let kiosk: string;

const line = (style: { skus: { id: string }[] }) => ({ skuId: style.skus[0]?.id, qty: 1 });

beforeAll(async () => {
  shop = await openShop();
  belt = await product(shop.store, shop.owner, '真皮腰带', 5000, '配饰/腰带');
  scarf = await product(shop.store, shop.owner, '羊绒围巾', 8000, '配饰/围巾');
  for (const sku of [...belt.skus, ...scarf.skus]) await receive(shop.store, shop.owner, sku.id, 10);
  kiosk = (await pairDevice(shop.store, shop.owner, 'lookup')).token;
});
afterAll(() => shop.store.close());

async function sale(
  lines: { skuId: string | undefined; qty: number }[],
  extra: Record<string, unknown> = {},
) {
  const quote = await call(shop.store, 'POST', '/api/sales/quote', {
    token: shop.cashier.token,
    body: { lines },
  });
  const total = (quote.body?.total as number | undefined) ?? 0;
  const reply = await sell(shop, { lines, payments: [{ method: 'cash', amount: total }], ...extra });
  expect(reply.status, JSON.stringify(reply.body)).toBe(201);
  return reply.body.id as string;
}

const boughtWith = (styleId: string, token = kiosk, query = '') =>
  call(shop.store, 'GET', `/api/products/${styleId}/bought-with${query}`, { token });

describe('GET /api/products/:id/bought-with', () => {
  it('is empty before anything sold together', async () => {
    const reply = await boughtWith(shop.dress.styleId);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: [] });
  });

  it('ranks the styles sold in the same real sales, skipping training and voided ones', async () => {
    await sale([line(shop.dress), line(belt)]);
    await sale([line(shop.dress), line(belt), line(shop.shirt)]);
    await sale([line(shop.dress), line(scarf)], { training: true });
    const voided = await sale([line(shop.dress), line(scarf)]);
    await sale([line(shop.dress), line(scarf)]);
    await sale([line(shop.shirt), line(scarf)]);
    expect(
      (
        await call(shop.store, 'POST', `/api/sales/${voided}/void`, {
          token: shop.owner,
          body: { reason: '收错' },
        })
      ).status,
    ).toBe(200);

    const reply = await boughtWith(shop.dress.styleId);
    expect(reply.status).toBe(200);
    expect(reply.body.items).toEqual([
      expect.objectContaining({ id: belt.styleId, name: '真皮腰带', price: 5000, sales: 2 }),
      expect.objectContaining({ id: shop.shirt.styleId, name: '纯色衬衫', price: 10000, sales: 1 }),
      expect.objectContaining({ id: scarf.styleId, name: '羊绒围巾', price: 8000, sales: 1 }),
    ]);
    expect(reply.body.items[0].styleCode).toMatch(/^SL-/);
    expect(reply.body.items[0]).not.toHaveProperty('cost');

    const limited = await boughtWith(shop.dress.styleId, kiosk, '?limit=1');
    expect(limited.body.items.map((i: { id: string }) => i.id)).toEqual([belt.styleId]);
  });

  it('shows the price in force now', async () => {
    const changed = await call(shop.store, 'POST', `/api/products/${belt.styleId}/prices`, {
      token: shop.owner,
      body: { price: 4500 },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(201);
    const reply = await boughtWith(shop.dress.styleId);
    expect(reply.body.items[0]).toMatchObject({ id: belt.styleId, price: 4500 });
  });

  it('forgets sales older than 90 days', async () => {
    shop.store.clock.advance(91 * 86_400_000);
    expect((await boughtWith(shop.dress.styleId)).body.items).toEqual([]);
  });

  it('refuses a bad limit and an unknown style', async () => {
    expect((await boughtWith(shop.dress.styleId, kiosk, '?limit=0')).status).toBe(400);
    expect((await boughtWith('00000000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});
