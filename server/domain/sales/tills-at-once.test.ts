import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordTransactions } from '../../testing/transactions.js';
import { checkStockLedger } from '../inventory/check.js';
import { checkLedgers } from '../loyalty/check.js';
import { member, memberState, onHand, openShop, type Shop, sell } from './test-shop.js';

/** Recorded from before the store opens, so every statement it prepares is seen. */
const transactions = recordTransactions();

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

/**
 * On SQLite, keeps the writer busy until `count` more writes wait for it, as when a long action
 * runs while the tills sell: they then share one transaction (`Storage.grouped`). Await the
 * result after the writes. On PostgreSQL: nothing to wait for.
 */
function writerBusyUntil(count: number): Promise<unknown> {
  const storage = shop.store.ctx.storage;
  if (storage.engine !== 'sqlite') return Promise.resolve();
  let writes = 0;
  const write = storage.write.bind(storage);
  storage.write = ((...args: Parameters<typeof write>) => {
    writes++;
    return write(...args);
  }) as typeof write;
  return write(async () => {
    for (let waited = 0; writes < count && waited < 5_000; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
  });
}

describe('ten tills selling at once', () => {
  it('each sale stands or falls alone: refused ones leave no trace, receipt numbers without gaps, ledgers exact', async () => {
    const memberId = await member(shop, 50_000); // 50,000 paid in + 5,000 bonus
    const dress = shop.dress.skus[0]?.id as string;
    const before = transactions.length;
    const busy = writerBusyUntil(10);
    // Every other sale pays ¥200 from the one member's ¥550: two are paid, the next three are
    // refused in the middle of the others.
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        sell(
          shop,
          i % 2 === 0
            ? {
                memberId,
                lines: [{ skuId: dress, qty: 1 }],
                payments: [
                  { method: 'stored_value', amount: 20_000 },
                  { method: 'cash', amount: 10_000 },
                ],
              }
            : { lines: [{ skuId: dress, qty: 1 }], payments: [{ method: 'cash', amount: 30_000 }] },
        ),
      ),
    );
    await busy;
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(7);
    for (const refused of replies.filter((reply) => reply.status !== 201)) {
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(/Not enough stored value/);
    }
    const numbers = replies
      .filter((reply) => reply.status === 201)
      .map((reply) => reply.body.number as string)
      .sort();
    expect(numbers).toEqual(Array.from({ length: 7 }, (_, i) => `S001-20261124-000${i + 1}`));
    expect(await onHand(shop, dress)).toBe(3);
    expect((await memberState(shop, memberId)).storedValue).toBe(15_000);
    const db = shop.store.ctx.storage.db;
    expect((await checkLedgers(db, shop.store.clock.now())).problems).toEqual([]);
    expect((await checkStockLedger(db)).mismatches).toEqual([]);

    if (shop.store.ctx.storage.engine === 'sqlite') {
      // The sales that waited together were committed together, each in a savepoint.
      const withSales = transactions
        .slice(before)
        .filter((statements) => statements.some((text) => text.startsWith('insert into "sales"')));
      expect(withSales).toHaveLength(1);
      const [group] = withSales;
      expect(group?.filter((text) => text.startsWith('insert into "sales"'))).toHaveLength(7);
      // A savepoint for each sale but the first (a refusal's record commits apart).
      expect(group?.filter((text) => text.startsWith('savepoint'))).toHaveLength(9);
      expect(group?.filter((text) => text.startsWith('rollback to'))).toHaveLength(3);
    }
  });

  it('twenty resends of one sale at once: one sale, the same answer each time', async () => {
    const dress = shop.dress.skus[0]?.id as string;
    const body = {
      id: randomUUID(),
      lines: [{ skuId: dress, qty: 1 }],
      payments: [{ method: 'cash', amount: 30_000 }],
    };
    const busy = writerBusyUntil(20);
    const replies = await Promise.all(Array.from({ length: 20 }, () => sell(shop, body)));
    await busy;
    // The first is sold; the others, failing on its key in the same transaction, answer after
    // its commit and so find it.
    expect(replies.map((reply) => reply.status).sort()).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(replies.map((reply) => JSON.stringify(reply.body))).size).toBe(1);
    expect(await onHand(shop, dress)).toBe(9);
  });
});
