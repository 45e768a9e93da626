import { randomUUID } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { addStaff, call, ownerToken, type TestStaff } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';

/** A shop with an owner, a manager, a cashier, a few garments in stock and a member. */
export interface Shop {
  store: TestStore;
  owner: string;
  manager: TestStaff;
  cashier: TestStaff;
  /** Two styles: a dress (¥300, 女装/连衣裙) and a shirt (¥100, 男装/衬衫), S/M each. */
  dress: { styleId: string; categoryId: string; skus: { id: string; barcode: string }[] };
  shirt: { styleId: string; categoryId: string; skus: { id: string; barcode: string }[] };
}

let styleCounter = 0;

export async function product(
  store: TestStore,
  owner: string,
  name: string,
  price: number,
  category: string,
) {
  const reply = await call(store, 'POST', '/api/products', {
    token: owner,
    body: { styleCode: `SL-${++styleCounter}`, name, category, price, colors: ['黑'], sizes: ['S', 'M'] },
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  const skus = (reply.body.skus as { id: string; barcode: string }[]).map((s) => ({
    id: s.id,
    barcode: s.barcode,
  }));
  return { styleId: reply.body.id as string, categoryId: reply.body.category.id as string, skus };
}

export async function receive(store: TestStore, owner: string, skuId: string, qty: number) {
  const reply = await call(store, 'POST', '/api/stock/receipts', {
    token: owner,
    body: { lines: [{ skuId, qty }] },
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
}

export async function openShop(options: Parameters<typeof startTestStore>[0] = {}): Promise<Shop> {
  const store = await startTestStore(options);
  const owner = await ownerToken(store);
  const manager = await addStaff(store, owner, 'manager');
  const cashier = await addStaff(store, owner, 'cashier');
  const dress = await product(store, owner, '法式连衣裙', 30000, '女装/连衣裙');
  const shirt = await product(store, owner, '纯色衬衫', 10000, '男装/衬衫');
  for (const sku of [...dress.skus, ...shirt.skus]) await receive(store, owner, sku.id, 10);
  return { store, owner, manager, cashier, dress, shirt };
}

let phoneCounter = 0;

export async function member(shop: Shop, topUp = 0) {
  const phone = `139${String(++phoneCounter).padStart(8, '0')}`;
  const reply = await call(shop.store, 'POST', '/api/members', {
    token: shop.owner,
    body: { phone, name: '王芳' },
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  const id = reply.body.id as string;
  if (topUp > 0) {
    const top = await call(shop.store, 'POST', `/api/members/${id}/top-ups`, {
      token: shop.owner,
      body: { id: randomUUID(), amount: topUp, method: 'cash' },
    });
    if (top.status !== 201) throw new Error(JSON.stringify(top.body));
  }
  return id;
}

export async function memberState(shop: Shop, id: string) {
  const reply = await call(shop.store, 'GET', `/api/members/${id}`, { token: shop.owner });
  return {
    points: reply.body.points as number,
    storedValue: reply.body.storedValue as number,
    tier: reply.body.tier.code as string,
  };
}

export async function onHand(shop: Shop, skuId: string): Promise<number> {
  return (await call(shop.store, 'GET', `/api/skus/${skuId}/stock`, { token: shop.owner })).body.onHand;
}

/** A coupon for the member: `value` fen off (or percent) from `minSpend`, valid `days` days. */
export async function coupon(
  shop: Shop,
  memberId: string,
  value: number,
  minSpend = 0,
  kind: 'amount' | 'percent' = 'amount',
  days = 30,
) {
  const template = await call(shop.store, 'POST', '/api/coupon-templates', {
    token: shop.owner,
    body: {
      name: kind === 'amount' ? `满${minSpend / 100}减${value / 100}` : `${value}%券`,
      kind,
      value,
      minSpend,
      validDays: days,
    },
  });
  if (template.status !== 201) throw new Error(JSON.stringify(template.body));
  const issued = await call(shop.store, 'POST', '/api/coupons/issue', {
    token: shop.owner,
    body: { templateId: template.body.id, memberIds: [memberId] },
  });
  if (issued.status !== 201) throw new Error(JSON.stringify(issued.body));
  return issued.body.issued[0].code as string;
}

export async function couponStatus(shop: Shop, code: string): Promise<string> {
  return (await call(shop.store, 'GET', `/api/coupons/${code}`, { token: shop.owner })).body.status;
}

export function sell(
  shop: Shop,
  body: Record<string, unknown>,
  token = shop.cashier.token,
  headers?: Record<string, string>,
) {
  return call(shop.store, 'POST', '/api/sales', {
    token,
    body: { id: randomUUID(), ...body },
    ...(headers && { headers }),
  });
}

/** Row counts of every table a sale or return writes, to prove a refusal changed nothing. */
export async function counts(shop: Shop): Promise<Record<string, number>> {
  const db = shop.store.ctx.storage.db;
  const tables = [
    'sales',
    'sale_lines',
    'sale_payments',
    'returns',
    'refunds',
    'stock_movements',
    'points_movements',
    'points_lots',
    'stored_value_entries',
    'member_activity',
    'receipt_counters',
  ];
  const one = async (query: RawBuilder<{ n: number }>) => Number((await query.execute(db)).rows[0]?.n);
  const result: Record<string, number> = {};
  for (const table of tables) result[table] = await one(sql`select count(*) as n from ${sql.table(table)}`);
  result.redeemedCoupons = await one(sql`select count(*) as n from coupons where status = 'redeemed'`);
  result.onHandSum = await one(sql`select coalesce(sum(on_hand), 0) as n from stock_levels`);
  result.points = await one(sql`select coalesce(sum(points), 0) as n from members`);
  result.stored = await one(sql`select coalesce(sum(stored_principal + stored_bonus), 0) as n from members`);
  return result;
}
