import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import { call } from '../../testing/client.js';
import { openShop, type Shop, sell } from './test-shop.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const settings = {
  address: '上海市静安区南京西路1号',
  phone: '021-5555 0101',
  returnsPolicy: ['吊牌完好7天内可退换', '', '内衣袜子不退换'],
  footer: ['营业时间 10:00-22:00'],
};

describe('the receipt text the owner sets (GET/PUT /api/sales/receipt-settings)', () => {
  it('prints the address, phone, 退换须知 and footer on every receipt, and audits the change', async () => {
    const saved = await call(shop.store, 'PUT', '/api/sales/receipt-settings', {
      token: shop.owner,
      body: settings,
    });
    expect(saved.status).toBe(200);
    expect(saved.body.returnsPolicy).toEqual(['吊牌完好7天内可退换', '内衣袜子不退换']);
    const read = await call(shop.store, 'GET', '/api/sales/receipt-settings', { token: shop.cashier.token });
    expect(read.body).toEqual(saved.body);

    const sale = await sell(shop, {
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    const receipt = await call(shop.store, 'GET', `/api/sales/${sale.body.id}/receipt`, {
      token: shop.owner,
    });
    expect(receipt.body).toMatchObject({
      store: { address: settings.address, phone: settings.phone },
      returnsPolicy: ['吊牌完好7天内可退换', '内衣袜子不退换'],
      footer: ['营业时间 10:00-22:00'],
    });
    const audit = await call(shop.store, 'GET', '/api/audit?kind=sale.receipt_settings_changed', {
      token: shop.owner,
    });
    expect(audit.body.items).toHaveLength(1);
  });

  it('names the field that is wrong and lets only a manager or the owner change it', async () => {
    const bad = await call(shop.store, 'PUT', '/api/sales/receipt-settings', {
      token: shop.owner,
      body: { ...settings, phone: '电话' },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['body.phone']);
    const cashier = await call(shop.store, 'PUT', '/api/sales/receipt-settings', {
      token: shop.cashier.token,
      body: settings,
    });
    expect(cashier.status).toBe(403);
  });

  it('gives a return slip the original sale number instead of a footer note', async () => {
    const sale = await sell(shop, {
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    const back = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }] },
    });
    expect(back.status).toBe(201);
    const row = await shop.store.ctx.storage.db
      .selectFrom('returns')
      .select('receipt')
      .where('id', '=', back.body.id)
      .executeTakeFirstOrThrow();
    const receipt = JSON.parse(row.receipt) as ReceiptDocument;
    expect(receipt.originalSaleNumber).toBe(sale.body.number);
    expect(receipt.footer ?? []).toEqual([]);
  });
});
