import { type CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../storage/schema.js';
import { call } from '../../testing/client.js';
import { testEngine } from '../../testing/test-database.js';
import { openShop, product, receive, type Shop, sell } from '../sales/test-shop.js';
import { resolveRange } from './range.js';
import { bestSellers, slowSellers } from './sales.js';

/**
 * Best and slow sellers among more styles than the list holds, most of them tied: the list
 * keeps its length, ties are broken by style code, and on hand and sell-through are right for
 * the styles that made it. Besides the shop's dress and shirt (10 of each SKU, none sold),
 * 25 styles of ¥100 receive 10 units each; one sells 3, the other 24 sell one each.
 */
let shop: Shop;
const made: { styleId: string; code: string }[] = [];

const report = async (name: string) => {
  const reply = await call(shop.store, 'GET', `/api/reports/${name}`, { token: shop.owner });
  expect(reply.status, JSON.stringify(reply.body)).toBe(200);
  return reply.body.rows as { styleCode: string; netQty: number; onHand: number; sellThrough: number }[];
};
const byCode = (a: string, b: string) => a.localeCompare(b);

beforeAll(async () => {
  shop = await openShop();
  const lines: { skuId: string; qty: number }[] = [];
  for (let i = 0; i < 25; i++) {
    const style = await product(shop.store, shop.owner, `基础T恤 ${i}`, 10000, '男装/T恤');
    const detail = await call(shop.store, 'GET', `/api/products/${style.styleId}`, { token: shop.owner });
    made.push({ styleId: style.styleId, code: detail.body.styleCode });
    const sku = style.skus[0]?.id as string;
    await receive(shop.store, shop.owner, sku, 10);
    lines.push({ skuId: sku, qty: i === 0 ? 3 : 1 });
  }
  const sale = await sell(shop, { lines, payments: [{ method: 'cash', amount: 27 * 10000 }] });
  expect(sale.status, JSON.stringify(sale.body)).toBe(201);
});

afterAll(async () => {
  await shop.store.close();
});

describe('best and slow sellers with ties at the end of the list', () => {
  it('best sellers: the style that sold 3, then the first 19 of the 24 tied styles by style code', async () => {
    const rows = await report('best-sellers');
    const tied = made
      .slice(1)
      .map((style) => style.code)
      .sort(byCode);
    expect(rows.map((row) => row.styleCode)).toEqual([made[0]?.code, ...tied.slice(0, 19)]);
    expect(rows[0]).toMatchObject({ netQty: 3, onHand: 7, sellThrough: 30 });
    for (const row of rows.slice(1)) expect(row).toMatchObject({ netQty: 1, onHand: 9, sellThrough: 10 });
  });

  it('slow sellers: unsold styles first (most on hand first), then the tied styles by style code', async () => {
    const rows = await report('slow-sellers');
    expect(rows).toHaveLength(20);
    const unsold = rows.slice(0, 2);
    expect(unsold.map((row) => row.onHand)).toEqual([20, 20]);
    expect(unsold.every((row) => row.netQty === 0 && row.sellThrough === 0)).toBe(true);
    const tied = made
      .slice(1)
      .map((style) => style.code)
      .sort(byCode);
    expect(rows.slice(2).map((row) => row.styleCode)).toEqual(tied.slice(0, 18));
    expect(rows.map((row) => row.styleCode)).not.toContain(made[0]?.code);
  });
});

describe('at chain size (15,000,000 lines)', () => {
  // The plans SQLite makes for the queries both reports run, on this shop's schema: the
  // range's sales and their lines read from the indexes alone (a sale's row, with its receipt,
  // is never visited) and the returns found by store day, not by reading every return.
  it.skipIf(testEngine !== 'sqlite')('reads sales and lines from indexes alone, returns by day', async () => {
    const sqlite = shop.store.ctx.storage.sqlite;
    if (!sqlite) throw new Error('SQLite expected');
    const asked: CompiledQuery[] = [];
    // The shop's own connection, with every query the reports run written down.
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: sqlite }),
      log: (event) => {
        asked.push(event.query);
      },
    });
    const range = resolveRange(shop.store.ctx, {});
    await bestSellers(db, shop.store.ctx, range);
    await slowSellers(db, shop.store.ctx, range);
    const plans = asked.map((query) =>
      (sqlite.prepare(`explain query plan ${query.sql}`).all(...query.parameters) as { detail: string }[])
        .map((step) => step.detail)
        .join('\n'),
    );
    const lines = plans.filter((plan) => plan.includes('sale_lines_sale'));
    const returns = plans.filter((plan) => / r USING/.test(plan));
    expect(lines).toHaveLength(2);
    expect(returns).toHaveLength(2);
    for (const plan of lines) {
      expect(plan).toContain(
        'SEARCH s USING COVERING INDEX sales_day (store_id=? AND business_day>? AND business_day<?)',
      );
      expect(plan).toContain('SEARCH l USING COVERING INDEX sale_lines_sale (sale_id=?)');
    }
    for (const plan of returns) {
      expect(plan).toContain(
        'SEARCH r USING INDEX returns_day (store_id=? AND business_day>? AND business_day<?)',
      );
    }
  });
});
