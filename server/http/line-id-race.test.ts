import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { counts, openShop, type Shop, sell } from '../domain/sales/test-shop.js';
import { testEngine } from '../testing/test-database.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

/**
 * Has the database put a line with id `lineId` on the earlier sale `onSale` the moment sale
 * `saleId` is inserted: after that sale checked its line ids and before it inserts its lines,
 * as another store's sale committed at that instant does under READ COMMITTED.
 */
async function lineSoldMeanwhile(saleId: string, lineId: string, onSale: string): Promise<void> {
  const db = shop.store.ctx.storage.db;
  const copy = sql`insert into sale_lines (id, store_id, sale_id, line_no, sku_id, style_id, category_id,
      barcode, name, color, size, qty, list_price, unit_price, price_override, discount_total, total, unit_cost)
    select ${sql.lit(lineId)}, store_id, sale_id, 99, sku_id, style_id, category_id, barcode, name, color,
      size, qty, list_price, unit_price, price_override, discount_total, total, unit_cost
    from sale_lines where sale_id = ${sql.lit(onSale)} and line_no = 0`;
  if (testEngine === 'sqlite') {
    await sql`create trigger line_sold_meanwhile after insert on sales
      when new.id = ${sql.lit(saleId)} begin ${copy}; end`.execute(db);
    return;
  }
  await sql`create function line_sold_meanwhile() returns trigger language plpgsql as $$
    begin ${copy}; return new; end $$`.execute(db);
  await sql`create trigger line_sold_meanwhile after insert on sales for each row
    when (new.id = ${sql.lit(saleId)}) execute function line_sold_meanwhile()`.execute(db);
}

describe('a line id sold elsewhere between the check and the insert', () => {
  it('is the 409 the check gives, not a 500, and nothing is kept', async () => {
    const dress = shop.dress.skus[0]?.id;
    const shirt = shop.shirt.skus[0]?.id;
    const first = await sell(shop, {
      lines: [{ lineId: randomUUID(), skuId: dress, qty: 1 }],
      payments: [{ method: 'cash', amount: 30000 }],
    });
    expect(first.status).toBe(201);
    const saleId = randomUUID();
    const raced = randomUUID();
    await lineSoldMeanwhile(saleId, raced, first.body.id);
    const before = await counts(shop);

    const refused = await sell(shop, {
      id: saleId,
      lines: [
        { lineId: randomUUID(), skuId: shirt, qty: 1 },
        { lineId: raced, skuId: dress, qty: 1 },
      ],
      payments: [{ method: 'cash', amount: 40000 }],
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    // PostgreSQL names the key, so the line is named as the check names it; SQLite does not
    // (and there the check cannot be raced: its writes take turns).
    expect(refused.body.error.fields).toEqual(
      testEngine === 'postgres' ? { 'lines.1.lineId': 'already sold' } : { lines: 'already sold' },
    );
    expect(await counts(shop)).toEqual(before);
    expect(shop.store.logLines.filter((line) => line.msg === 'request failed')).toEqual([]);
  });
});
