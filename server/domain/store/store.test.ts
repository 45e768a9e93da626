import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { openShop, type Shop, sell } from '../sales/test-shop.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const configFile = () =>
  JSON.parse(readFileSync(join(shop.store.ctx.dataDir, 'config.json'), 'utf8')) as {
    store: { name: string; code: string };
    timeZone: string;
  };

async function sale() {
  const sold = await sell(shop, {
    lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
    payments: [{ method: 'cash', amount: 10000 }],
  });
  return (await call(shop.store, 'GET', `/api/sales/${sold.body.id}/receipt`, { token: shop.owner })).body;
}

describe("the store's name and time zone (GET/PUT /api/store)", () => {
  it('writes config.json, prints the new name and zone on the next receipt without a restart, and audits what it was', async () => {
    const before = (await call(shop.store, 'GET', '/api/store', { token: shop.owner })).body;
    const saved = await call(shop.store, 'PUT', '/api/store', {
      token: shop.owner,
      body: { name: '衣架 静安店', timeZone: 'Asia/Urumqi' },
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ ...before, name: '衣架 静安店', timeZone: 'Asia/Urumqi' });
    expect(configFile()).toMatchObject({
      store: { name: '衣架 静安店', code: before.code },
      timeZone: 'Asia/Urumqi',
    });
    const receipt = await sale();
    expect(receipt).toMatchObject({ store: { name: '衣架 静安店' }, timeZone: 'Asia/Urumqi' });
    const audit = await call(shop.store, 'GET', '/api/audit?kind=store.identity_changed', {
      token: shop.owner,
    });
    expect(audit.body.items[0].detail).toEqual({
      name: '衣架 静安店',
      timeZone: 'Asia/Urumqi',
      was: { name: before.name, timeZone: before.timeZone },
    });
  });

  it('names each wrong field, lets only the owner, and changes nothing then', async () => {
    const before = configFile();
    const bad = await call(shop.store, 'PUT', '/api/store', {
      token: shop.owner,
      body: { name: ' ', timeZone: 'Mars/Olympus' },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['body.name', 'body.timeZone']);
    const manager = await call(shop.store, 'PUT', '/api/store', {
      token: shop.manager.token,
      body: { name: '别的名字', timeZone: 'Asia/Shanghai' },
    });
    expect(manager.status).toBe(403);
    expect(configFile()).toEqual(before);
    expect((await sale()).store.name).toBe(before.store.name);
  });
});

describe('the receipt header and logo', () => {
  it('prints the header under the name; the logo is made 1-bit, and a file that is no image changes nothing', async () => {
    const saved = await call(shop.store, 'PUT', '/api/sales/receipt-settings', {
      token: shop.owner,
      body: { address: '', phone: '', returnsPolicy: [], footer: [], header: ['微信号 hanger-shop'] },
    });
    expect(saved.body.header).toEqual(['微信号 hanger-shop']);
    expect((await sale()).header).toEqual(['微信号 hanger-shop']);

    const notImage = await call(shop.store, 'PUT', '/api/sales/receipt-settings/logo', {
      token: shop.owner,
      rawBody: 'hello',
      headers: { 'content-type': 'image/png' },
    });
    expect(notImage.status).toBe(400);
    expect(notImage.body.error.fields).toEqual({ body: 'not a JPEG, PNG or WebP image' });

    // 800 × 400, black left half: scaled to fit 384 × 160 → 320 × 160, the left 160 dots black.
    const canvas = createCanvas(800, 400);
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, 800, 400);
    g.fillStyle = '#000';
    g.fillRect(0, 0, 400, 400);
    const logo = await fetch(`${shop.store.url}/api/sales/receipt-settings/logo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${shop.owner}`, 'content-type': 'image/png' },
      body: new Uint8Array(canvas.toBuffer('image/png')),
    });
    expect(logo.status).toBe(200);
    const { width, height, bits } = (await logo.json()).logo;
    expect([width, height]).toEqual([320, 160]);
    const row = Buffer.from(bits, 'base64').subarray(40 * 80, 40 * 81);
    expect([...row]).toEqual([...Array(20).fill(0xff), ...Array(20).fill(0)]);

    const cashier = await fetch(`${shop.store.url}/api/sales/receipt-settings/logo`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${shop.cashier.token}` },
    });
    expect(cashier.status).toBe(403);
    const cleared = await call(shop.store, 'DELETE', '/api/sales/receipt-settings/logo', {
      token: shop.owner,
    });
    expect(cleared.body.logo).toBeNull();
    const audit = await call(shop.store, 'GET', '/api/audit?kind=sale.receipt_logo_changed', {
      token: shop.owner,
    });
    expect(audit.body.items.map((item: { detail: unknown }) => item.detail)).toEqual([
      { cleared: true },
      { logo: '320×160' },
    ]);
  });

  it('audits what a checkout or stock setting was before', async () => {
    const sales = await call(shop.store, 'PUT', '/api/sales/settings', {
      token: shop.owner,
      body: { returnDays: 15, cashierDiscountLimitBp: 1000, rounding: 'none' },
    });
    expect(sales.status).toBe(200);
    const stock = await call(shop.store, 'PUT', '/api/stock/settings', {
      token: shop.owner,
      body: { negativeStock: 'refuse' },
    });
    expect(stock.status).toBe(200);
    const audit = await call(shop.store, 'GET', '/api/audit', { token: shop.owner });
    const detail = (kind: string) =>
      audit.body.items.find((item: { kind: string }) => item.kind === kind)?.detail;
    expect(detail('sale.settings_changed').was).toEqual({ returnDays: 30 });
    expect(detail('stock.settings_changed').was).toEqual({ negativeStock: 'allow' });
  });
});
