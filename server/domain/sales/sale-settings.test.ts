import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Promotion } from '../../protocol/promotions.js';
import { call } from '../../testing/client.js';
import { openTestDatabase } from '../../testing/test-database.js';
import { recordTransactions } from '../../testing/transactions.js';
import { saleSettings } from './sale-settings.js';
import { openShop, type Shop } from './test-shop.js';

const transactions = recordTransactions();

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

/** A cash sale of one shirt (¥100 list); its total, and how its transaction read the settings. */
async function sellShirt(): Promise<{ total: number; settingsRead: 'whole' | 'stamp only' }> {
  const body = { lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }] };
  const quote = await call(shop.store, 'POST', '/api/sales/quote', { token: shop.cashier.token, body });
  expect(quote.status).toBe(200);
  const total = quote.body.total as number;
  transactions.length = 0;
  const sale = await call(shop.store, 'POST', '/api/sales', {
    token: shop.cashier.token,
    body: { ...body, id: randomUUID(), payments: [{ method: 'cash', amount: total }] },
  });
  expect(sale.status, JSON.stringify(sale.body)).toBe(201);
  expect(sale.body.total).toBe(total);
  const written = transactions.find((statements) => statements.some((s) => /insert into "sales"/.test(s)));
  const statements = written ?? [];
  const whole = statements.some((s) => /from "categories"/.test(s));
  const stamp = statements.some((s) => /from "settings_stamp"/.test(s));
  expect(whole || stamp, statements.join('\n')).toBe(true);
  return { total, settingsRead: whole ? 'whole' : 'stamp only' };
}

/** Writes to the store's database as another program would: past this server, by plain SQL. */
async function elsewhere(
  write: (db: Awaited<ReturnType<typeof openTestDatabase>>['db']) => Promise<unknown>,
) {
  const other = await openTestDatabase(shop.store.dataDir);
  try {
    await write(other.db);
  } finally {
    await other.close();
  }
}

describe("a sale's settings", () => {
  it('are read once and kept while unchanged, and read again when anyone changes them', async () => {
    expect(await sellShirt()).toEqual({ total: 10_000, settingsRead: 'whole' });
    expect(await sellShirt()).toEqual({ total: 10_000, settingsRead: 'stamp only' });

    // Changed through this server: a paused 20% off.
    const created = await call(shop.store, 'POST', '/api/promotions', {
      token: shop.manager.token,
      body: { kind: 'percent_off', label: '八折', offBp: 2000, active: false },
    });
    expect(created.status).toBe(201);
    const promotionId = created.body.id as string;
    expect(await sellShirt()).toEqual({ total: 10_000, settingsRead: 'whole' });
    expect(await sellShirt()).toEqual({ total: 10_000, settingsRead: 'stamp only' });

    // Changed past this server (another store's server in a chain, a tool): started, then ended.
    await elsewhere((db) =>
      db.updateTable('promotions').set({ active: 1 }).where('id', '=', promotionId).execute(),
    );
    expect(await sellShirt()).toEqual({ total: 8_000, settingsRead: 'whole' });
    expect(await sellShirt()).toEqual({ total: 8_000, settingsRead: 'stamp only' });
    await elsewhere((db) =>
      db
        .updateTable('promotions')
        .set({ archived_at: shop.store.clock.now().toISOString() })
        .where('id', '=', promotionId)
        .execute(),
    );
    expect(await sellShirt()).toEqual({ total: 10_000, settingsRead: 'whole' });

    // The shop's receipt text, removed row and all: the next receipt goes without it.
    const footer = await call(shop.store, 'PUT', '/api/sales/receipt-settings', {
      token: shop.owner,
      body: { address: '', phone: '', returnsPolicy: [], footer: ['多谢惠顾'] },
    });
    expect(footer.status, JSON.stringify(footer.body)).toBe(200);
    const printed = async () => {
      const sale = await call(shop.store, 'POST', '/api/sales', {
        token: shop.cashier.token,
        body: {
          id: randomUUID(),
          lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
          payments: [{ method: 'cash', amount: 10_000 }],
        },
      });
      expect(sale.status).toBe(201);
      const receipt = await call(shop.store, 'GET', `/api/sales/${sale.body.id}/receipt`, {
        token: shop.owner,
      });
      return (receipt.body.footer ?? []) as string[];
    };
    expect(await printed()).toEqual(['多谢惠顾']);
    await elsewhere((db) => db.deleteFrom('receipt_settings').execute());
    expect(await printed()).toEqual([]);
  });

  it('are frozen where kept: no step can change them for the sales after it', async () => {
    await sellShirt();
    const settings = await saleSettings(shop.store.ctx.storage.db, shop.store.ctx);
    expect(() => (settings.promotions as Promotion[]).push(settings.promotions[0] as Promotion)).toThrow(
      TypeError,
    );
    expect(() => {
      (settings.sales as { returnDays: number }).returnDays = 365;
    }).toThrow(TypeError);
  });
});
