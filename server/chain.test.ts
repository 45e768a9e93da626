import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkStockLedger } from './domain/inventory/check.js';
import { checkLedgers } from './domain/loyalty/check.js';
import { openPostgres } from './storage/database.js';
import { startTwoStores, type TwoStores } from './testing/chain.js';
import { call, TestSocket } from './testing/client.js';
import type { TestStore } from './testing/harness.js';
import type { ServerProcess } from './testing/process.js';
import { testEngine } from './testing/test-database.js';

/** Two store servers of one chain, as separate processes on the same PostgreSQL database. */
describe.runIf(testEngine === 'postgres')('a chain: two store servers on one PostgreSQL', () => {
  let chain: TwoStores;
  let url: string;
  let hq: ServerProcess;
  let branch: ServerProcess;
  let hqOwner: string;
  let branchOwner: string;
  const members: string[] = [];
  let skuIds: string[] = [];

  const at = (server: ServerProcess) => ({ url: server.url }) as TestStore;

  beforeAll(async () => {
    chain = await startTwoStores('chain');
    ({ url, hq, branch, hqOwner, branchOwner } = chain);

    // One catalogue for the chain, made at head office; each store receives its own stock.
    const product = await call(at(hq), 'POST', '/api/products', {
      token: hqOwner,
      body: {
        styleCode: 'CH01',
        name: '连锁T恤',
        category: '女装/T恤',
        price: 9900,
        colors: ['黑'],
        sizes: ['S', 'M'],
      },
    });
    expect(product.status).toBe(201);
    skuIds = (product.body.skus as { id: string }[]).map((sku) => sku.id);
    for (const [server, token] of [
      [hq, hqOwner],
      [branch, branchOwner],
    ] as const) {
      const received = await call(at(server), 'POST', '/api/stock/receipts', {
        token,
        body: { lines: skuIds.map((skuId) => ({ skuId, qty: 500 })) },
      });
      expect(received.status).toBe(201);
    }
    for (let i = 0; i < 10; i++) {
      const made = await call(at(i % 2 ? branch : hq), 'POST', '/api/members', {
        token: i % 2 ? branchOwner : hqOwner,
        body: { phone: `1380013${String(i).padStart(4, '0')}`, name: `会员${i}` },
      });
      expect(made.status).toBe(201);
      members.push(made.body.id);
      const topUp = await call(at(hq), 'POST', `/api/members/${made.body.id}/top-ups`, {
        token: hqOwner,
        body: { id: `chain-topup-${i}`, amount: 30000, method: 'cash' },
      });
      expect(topUp.status).toBe(201);
    }
  }, 120_000);

  afterAll(() => chain?.stop());

  it('knows every store; a member made in one store is found in the other', async () => {
    const found = await call(at(branch), 'GET', `/api/members/${members[0]}`, { token: branchOwner });
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ name: '会员0', storedValue: 30000 });
    const product = await call(at(branch), 'GET', '/api/products?q=CH01', { token: branchOwner });
    expect(product.body.items).toHaveLength(1);
    // The style as the branch sees it: its own on-hand, and head office's beside it.
    const style = await call(at(branch), 'GET', `/api/products/${product.body.items[0].id}`, {
      token: branchOwner,
    });
    expect(style.body.skus[0]).toMatchObject({ onHand: 500, elsewhere: [{ store: 'HQ01', name: '总店' }] });
  });

  it('sends stock between stores: out at one, in transit, in at the other, once', async () => {
    const unknown = await call(at(hq), 'POST', '/api/stock/transfers', {
      token: hqOwner,
      body: { direction: 'out', store: 'XX99', lines: [{ skuId: skuIds[1], qty: 1 }] },
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.fields).toHaveProperty(['body.store']);
    const sent = await call(at(hq), 'POST', '/api/stock/transfers', {
      token: hqOwner,
      body: { direction: 'out', store: 'BR02', lines: [{ skuId: skuIds[1], qty: 4 }] },
    });
    expect(sent.status).toBe(201);
    const transit = await call(at(branch), 'GET', '/api/stock/transfers/in-transit', { token: branchOwner });
    expect(transit.body.items).toMatchObject([{ transferId: sent.body.id, from: 'HQ01' }]);
    const receive = (transferId: string) =>
      call(at(branch), 'POST', '/api/stock/transfers', {
        token: branchOwner,
        body: { direction: 'in', store: 'HQ01', transferId, lines: [{ skuId: skuIds[1], qty: 4 }] },
      });
    expect((await receive(randomUUID())).status).toBe(422);
    expect((await receive(sent.body.id)).status).toBe(201);
    expect((await receive(sent.body.id)).status).toBe(409);
    const after = await call(at(branch), 'GET', '/api/stock/transfers/in-transit', { token: branchOwner });
    expect(after.body.items).toEqual([]);
  });

  it('200 sales at once from both stores to 10 shared members: every balance equals its ledger, none negative', async () => {
    // Each sale pays 12,000 fen of stored value (the rest in cash): 30,000 covers two per member,
    // so of the 20 sales per member exactly 2 succeed and 18 are refused, whichever store sells.
    const quote = await call(at(hq), 'POST', '/api/sales/quote', {
      token: hqOwner,
      body: { memberId: members[0], lines: [{ skuId: skuIds[0], qty: 2 }] },
    });
    expect(quote.status).toBe(200);
    const total = quote.body.total as number;
    expect(total).toBeGreaterThan(12000);
    const replies = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(at(i % 2 ? branch : hq), 'POST', '/api/sales', {
          token: i % 2 ? branchOwner : hqOwner,
          body: {
            id: randomUUID(),
            // Sale i and i + 1 go to the two stores for the same member (i % 10 would have
            // given each store its own five members: nothing shared).
            memberId: members[Math.floor(i / 2) % 10],
            lines: [{ skuId: skuIds[i % 2], qty: 2 }],
            payments: [
              { method: 'stored_value', amount: 12000 },
              { method: 'cash', amount: total - 12000 },
            ],
          },
        }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    const unexpected = replies.filter((r) => r.status !== 201 && r.status !== 409);
    expect(unexpected.map((r) => r.body)).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);

    const storage = await openPostgres(url);
    try {
      const ledgers = await checkLedgers(storage.db, new Date());
      expect(ledgers.problems).toEqual([]);
      expect((await checkStockLedger(storage.db)).mismatches).toEqual([]);
      const rows = await storage.db
        .selectFrom('members')
        .select(['id', 'stored_principal', 'stored_bonus', 'points'])
        .where('id', 'in', members)
        .execute();
      for (const row of rows) {
        expect(row.stored_principal + row.stored_bonus).toBe(30000 - 2 * 12000);
        expect(row.points).toBeGreaterThanOrEqual(0);
      }
      const sold = await storage.db
        .selectFrom('sales as s')
        .innerJoin('stores as st', 'st.id', 's.store_id')
        .select(['st.code', storage.db.fn.countAll().as('n')])
        .groupBy('st.code')
        .execute();
      expect(sold.reduce((sum, row) => sum + Number(row.n), 0)).toBe(20);
      // Receipt numbers are per store: both stores numbered their own sales.
      const numbers = await storage.db.selectFrom('sales').select(['store_id', 'number']).execute();
      expect(new Set(numbers.map((row) => `${row.store_id}/${row.number}`)).size).toBe(20);
    } finally {
      await storage.close();
    }
  }, 120_000);

  it("reports: head office sees every store and the chain; a store's manager only their store", async () => {
    const chain = await call(at(hq), 'GET', '/api/reports/sales-by-store', { token: hqOwner });
    expect(chain.status).toBe(200);
    expect(chain.body.rows.map((row: { store: string }) => row.store)).toEqual(['BR02', 'HQ01']);
    expect(chain.body.totals.sales).toBe(20);
    const branchRow = chain.body.rows[0];
    const branchDays = await call(at(hq), 'GET', '/api/reports/sales-by-day?store=BR02', { token: hqOwner });
    expect(branchDays.status).toBe(200);
    expect(branchDays.body.totals).toMatchObject({ sales: branchRow.sales, total: branchRow.total });
    const own = await call(at(branch), 'GET', '/api/reports/sales-by-day', { token: branchOwner });
    expect(own.body.totals).toEqual(branchDays.body.totals);

    const made = await call(at(branch), 'POST', '/api/staff', {
      token: branchOwner,
      body: { username: 'br-manager', name: '二店店长', role: 'manager', password: 'manager-secret-1' },
    });
    expect(made.status).toBe(201);
    const manager = await call(at(branch), 'POST', '/api/auth/login', {
      body: { username: 'br-manager', password: 'manager-secret-1' },
    });
    const token = manager.body.token as string;
    const refused = await call(at(branch), 'GET', '/api/reports/sales-by-day?store=HQ01', { token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.fields).toHaveProperty(['query.store']);
    const mine = await call(at(branch), 'GET', '/api/reports/sales-by-store', { token });
    expect(mine.body.rows).toMatchObject([{ store: 'BR02', sales: branchRow.sales }]);
  });

  it("each store's screens hear of the other's member and stock changes", async () => {
    const { socket } = await TestSocket.open(at(branch), branchOwner);
    expect((await socket.request('subscribe', { topic: 'member.changed' })).success).toBe(true);
    expect((await socket.request('subscribe', { topic: 'stock.changed' })).success).toBe(true);
    const topUp = await call(at(hq), 'POST', `/api/members/${members[3]}/top-ups`, {
      token: hqOwner,
      body: { id: 'chain-topup-heard', amount: 5000, method: 'cash' },
    });
    expect(topUp.status).toBe(201);
    const member = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'member.changed');
    expect(member.event.data).toMatchObject({ memberId: members[3] });
    // One action's chain events travel as one notification (each NOTIFY is a commit at head office).
    const listener = new pg.Client({ connectionString: url });
    await listener.connect();
    const notices: { events: { type: string }[] }[] = [];
    listener.on('notification', (message) => notices.push(JSON.parse(message.payload ?? '{}')));
    await listener.query('listen hanger_events');
    const received = await call(at(hq), 'POST', '/api/stock/receipts', {
      token: hqOwner,
      body: {
        lines: [
          { skuId: skuIds[0], qty: 3 },
          { skuId: skuIds[1], qty: 2 },
        ],
      },
    });
    expect(received.status).toBe(201);
    const stock = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'stock.changed');
    expect(stock.event).toMatchObject({ data: { skuId: skuIds[0], delta: 3 } });
    const second = await socket.waitFor((m) => m.type === 'event' && m.event.type === 'stock.changed');
    expect(second.event).toMatchObject({ data: { skuId: skuIds[1], delta: 2 } });
    await listener.end();
    expect(notices.map((notice) => notice.events.map((event) => event.type))).toEqual([
      ['stock.changed', 'stock.changed'],
    ]);
    socket.close();
  });

  it('a store server refuses the other store’s sign-in and device tokens; head office signs in anywhere', async () => {
    expect((await call(at(branch), 'GET', '/api/auth/me', { token: hqOwner })).status).toBe(401);
    const cashier = await call(at(hq), 'POST', '/api/staff', {
      token: hqOwner,
      body: { username: 'hq-cashier', name: '总店收银', role: 'cashier', password: 'cashier-secret-1' },
    });
    expect(cashier.status).toBe(201);
    expect(cashier.body.chainWide).toBe(false);
    const elsewhere = await call(at(branch), 'POST', '/api/auth/login', {
      body: { username: 'hq-cashier', password: 'cashier-secret-1' },
    });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.message).toContain('another store');
    const home = await call(at(hq), 'POST', '/api/auth/login', {
      body: { username: 'hq-cashier', password: 'cashier-secret-1' },
    });
    expect(home.status).toBe(200);
  });
});
