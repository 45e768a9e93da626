import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, pairDevice } from '../../testing/client.js';
import { openShop, type Shop } from '../sales/test-shop.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const NAME = '欧阳娜娜';
const PHONE = '13612345678';
const MASKED = '136****5678';

/** Every row of every table as JSON text, with the tables it was found in. */
async function tablesHolding(needles: string[]): Promise<string[]> {
  const db = shop.store.ctx.storage.db;
  const found = new Set<string>();
  for (const { name } of await db.introspection.getTables()) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db);
    for (const row of rows.rows) {
      const text = JSON.stringify(row);
      for (const needle of needles) if (text.includes(needle)) found.add(`${name}: ${needle}`);
    }
  }
  return [...found].sort();
}

describe('erasing a member reaches every copy the store holds', () => {
  it('no row keeps the name or phone, not the receipts nor the print queue, nor the file', async () => {
    const { store, owner } = shop;
    const terminal = await pairDevice(store, owner, 'checkout');
    const signedIn = await call(store, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: shop.cashier.username, pin: shop.cashier.pin },
    });
    // The till sells only with a shift open on it.
    await call(store, 'POST', '/api/shifts', { token: signedIn.body.token, body: { openingFloat: 0 } });
    const member = await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: PHONE, name: NAME },
    });
    const sale = await call(store, 'POST', '/api/sales', {
      token: signedIn.body.token,
      body: {
        id: crypto.randomUUID(),
        memberId: member.body.id,
        lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
        payments: [{ method: 'cash', amount: 30000 }],
      },
    });
    expect(sale.status).toBe(201);
    // A top-up at the till: its 充值单 in the print queue names the member too.
    const topUp = await call(store, 'POST', `/api/members/${member.body.id}/top-ups`, {
      token: signedIn.body.token,
      body: { id: crypto.randomUUID(), amount: 10000, method: 'cash' },
    });
    expect(topUp.status).toBe(201);
    // Erasure waits for the stored value to be paid back.
    const refund = await call(store, 'POST', `/api/members/${member.body.id}/stored-value/refunds`, {
      token: owner,
      body: { id: crypto.randomUUID(), amount: 10000, method: 'cash', reason: '注销前退还储值' },
    });
    expect(refund.status).toBe(201);
    // The copies the attack found: the sale's receipt and the queued print job.
    expect(await tablesHolding([NAME, MASKED])).toEqual(
      expect.arrayContaining([`sales: ${NAME}`, `print_jobs: ${NAME}`]),
    );

    const erased = await call(store, 'POST', `/api/members/${member.body.id}/erase`, {
      token: owner,
      body: { reason: '顾客要求注销' },
    });
    expect(erased.status).toBe(200);
    expect(await tablesHolding([NAME, PHONE, MASKED])).toEqual([]);

    const receipt = await call(store, 'GET', `/api/sales/${sale.body.id}`, { token: owner });
    expect(JSON.stringify(receipt.body)).not.toContain(NAME);

    const sqlite = store.ctx.storage.sqlite;
    if (sqlite) {
      sqlite.pragma('wal_checkpoint(TRUNCATE)');
      const file = readFileSync(join(store.dataDir, 'hanger.db'));
      expect(file.includes(Buffer.from(NAME))).toBe(false);
      expect(file.includes(Buffer.from(PHONE))).toBe(false);
    }
  });
});
