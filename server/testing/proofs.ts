import { sql } from 'kysely';
import type { AppContext } from '../context.js';
import { call } from './client.js';
import type { TestStore } from './harness.js';

/** Row counts of every table: two equal snapshots mean nothing was written in between. */
export async function tableCounts(ctx: AppContext): Promise<Record<string, number>> {
  const db = ctx.storage.db;
  const tables = await db.introspection.getTables();
  const counts: Record<string, number> = {};
  for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(db);
    counts[name] = Number(row.rows[0]?.n);
  }
  return counts;
}

export interface Seeded {
  memberId: string;
  memberPhone: string;
  styleId: string;
  skuIds: string[];
  barcodes: string[];
}

let seeds = 0;

/** A member with points and stored value, and a style of four SKUs with stock. */
export async function seedShop(store: TestStore, owner: string): Promise<Seeded> {
  seeds += 1;
  const phone = `1390000${String(1000 + seeds).slice(-4)}`;
  const member = await call(store, 'POST', '/api/members', {
    token: owner,
    body: { phone, name: `测试${seeds}` },
  });
  if (member.status !== 201) throw new Error(`member: ${member.status} ${JSON.stringify(member.body)}`);
  const memberId = member.body.id as string;
  await call(store, 'POST', `/api/members/${memberId}/top-ups`, {
    token: owner,
    body: { id: `seed-topup-${seeds}`, amount: 10000, method: 'cash' },
  });
  await call(store, 'POST', `/api/members/${memberId}/points/adjustments`, {
    token: owner,
    body: { id: `seed-points-${seeds}`, delta: 500, reason: '开业赠送' },
  });
  const product = await call(store, 'POST', '/api/products', {
    token: owner,
    body: {
      styleCode: `SEED${seeds}`,
      name: '基础T恤',
      category: '女装/T恤',
      price: 9900,
      colors: ['黑', '白'],
      sizes: ['S', 'M'],
    },
  });
  if (product.status !== 201) throw new Error(`product: ${product.status} ${JSON.stringify(product.body)}`);
  const skus = product.body.skus as { id: string; barcode: string }[];
  await call(store, 'POST', '/api/stock/receipts', {
    token: owner,
    body: { lines: skus.map((sku) => ({ skuId: sku.id, qty: 10 })) },
  });
  return {
    memberId,
    memberPhone: phone,
    styleId: product.body.id,
    skuIds: skus.map((s) => s.id),
    barcodes: skus.map((s) => s.barcode),
  };
}
