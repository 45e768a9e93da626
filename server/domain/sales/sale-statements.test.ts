import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../events/outbox.js';
import { call, login } from '../../testing/client.js';
import { recordTransactions } from '../../testing/transactions.js';
import { checkStockLedger } from '../inventory/check.js';
import { checkLedgers } from '../loyalty/check.js';
import { earnPoints } from '../loyalty/points.js';
import { member, openShop, type Shop } from './test-shop.js';

/**
 * Every statement is a round trip to PostgreSQL, so a sale's number of them is held to a
 * budget here. Recorded from before the store opens, so every statement it prepares is seen.
 */
const transactions = recordTransactions();

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const DAY = 86_400_000;

describe('a member sale, statement by statement', () => {
  it('expires, redeems across lots, earns and pays with stored value in a budget of statements, ledgers exact', async () => {
    const { store } = shop;
    const db = store.ctx.storage.db;
    const m = await member(shop, 50_000);
    const setExpiry = async (months: number) => {
      const reply = await call(store, 'PUT', '/api/loyalty/settings/expiry', {
        token: shop.owner,
        body: { mode: 'months', months },
      });
      expect(reply.status).toBe(200);
    };
    const earn = async (saleId: string, amount: number) => {
      const outbox = new Outbox();
      await store.ctx.storage.write((trx) =>
        earnPoints(trx, store.ctx, outbox, {
          memberId: m,
          ref: { type: 'sale', id: saleId },
          lines: [{ amount }],
          tenders: [{ method: 'cash', amount }],
        }),
      );
    };
    await setExpiry(1);
    await earn('a', 10_000); // 100 points, due before the sale
    await setExpiry(6);
    await earn('b', 5_000); // 50 points, the soonest open lot
    await setExpiry(12);
    await earn('c', 3_000); // 30 points
    store.clock.advance(40 * DAY);
    // Sign-ins last 12 hours.
    const token = await login(store, shop.cashier.username, shop.cashier.password);

    transactions.length = 0;
    const sale = await call(store, 'POST', '/api/sales', {
      token,
      body: {
        id: randomUUID(),
        memberId: m,
        lines: [
          { skuId: shop.dress.skus[0]?.id, qty: 1 },
          { skuId: shop.shirt.skus[0]?.id, qty: 2 },
        ],
        redeemPoints: 60,
        payments: [
          { method: 'stored_value', amount: 20_000 },
          { method: 'cash', amount: 29_940 },
        ],
      },
    });
    expect(sale.status).toBe(201);
    expect(sale.body).toMatchObject({ total: 49_940, pointsRedeemed: 60 });
    const earned = sale.body.pointsEarned as number;
    expect(earned).toBeGreaterThan(0);

    // Its one write transaction: 36 statements on main before (34 here: no sign-in, no replay
    // lookup), each a round trip on PostgreSQL. PostgreSQL adds the member's row lock.
    const [written] = transactions.filter((statements) =>
      statements.some((s) => /insert into "sales"/.test(s)),
    );
    const budget = 25;
    expect(written?.length, (written ?? []).join('\n')).toBeLessThanOrEqual(budget);

    // The ledgers, the same on both engines: lot a expired, b then c redeemed (soonest expiry
    // first), the earned lot added — each row with the balance it left, in that order.
    const moves = await db
      .selectFrom('points_movements')
      .select(['reason', 'delta', 'balance', 'ref_id'])
      .where('member_id', '=', m)
      .where('reason', '!=', 'earn')
      .orderBy('id')
      .execute();
    const saleId = sale.body.id as string;
    expect(moves).toEqual([
      { reason: 'expire', delta: -100, balance: 80, ref_id: null },
      { reason: 'redeem', delta: -50, balance: 30, ref_id: saleId },
      { reason: 'redeem', delta: -10, balance: 20, ref_id: saleId },
    ]);
    const earnedRow = await db
      .selectFrom('points_movements')
      .select(['delta', 'balance'])
      .where('ref_id', '=', saleId)
      .where('reason', '=', 'earn')
      .executeTakeFirstOrThrow();
    expect(earnedRow).toEqual({ delta: earned, balance: 20 + earned });
    const lots = await db
      .selectFrom('points_lots')
      .select(['points', 'remaining'])
      .where('member_id', '=', m)
      .orderBy('earned_at')
      .orderBy('points', 'desc')
      .execute();
    expect(lots).toEqual([
      { points: 100, remaining: 0 },
      { points: 50, remaining: 0 },
      { points: 30, remaining: 20 },
      { points: earned, remaining: earned },
    ]);
    const row = await db
      .selectFrom('members')
      .select(['points', 'points_earned_total', 'stored_principal', 'stored_bonus', 'visits'])
      .where('id', '=', m)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      points: 20 + earned,
      points_earned_total: 180 + earned,
      stored_principal: 30_000,
      stored_bonus: 5_000, // the top-up bonus; principal pays first
      visits: 1,
    });
    expect((await checkLedgers(db, store.clock.now())).problemCount).toBe(0);
    expect((await checkStockLedger(db)).mismatches).toEqual([]);
    const stock = await db
      .selectFrom('stock_movements')
      .select(['sku_id', 'delta', 'on_hand_after'])
      .where('ref_id', '=', saleId)
      .orderBy('sku_id')
      .execute();
    expect(stock).toEqual(
      [
        { sku_id: shop.dress.skus[0]?.id, delta: -1, on_hand_after: 9 },
        { sku_id: shop.shirt.skus[0]?.id, delta: -2, on_hand_after: 8 },
      ].sort((a, b) => String(a.sku_id).localeCompare(String(b.sku_id))),
    );
  });
});
