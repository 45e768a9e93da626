import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwoStores, type TwoStores } from './testing/chain.js';
import { addStaff, call, ownerToken, pairDevice, type TestStaff } from './testing/client.js';
import type { ServerProcess } from './testing/process.js';
import { testEngine } from './testing/test-database.js';

/** What head office's screens read: the stores, a branch's day report, the transfers, staff and their stores. */
describe.runIf(testEngine === 'postgres')("a chain: head office's screens", () => {
  let chain: TwoStores;
  let hq: ServerProcess;
  let branch: ServerProcess;
  let hqOwner: string;
  let branchOwner: string;
  let branchManager: TestStaff;
  let skuIds: string[];

  beforeAll(async () => {
    chain = await startTwoStores('chain-admin');
    ({ hq, branch, hqOwner, branchOwner } = chain);
    branchManager = await addStaff(branch, branchOwner, 'manager');
    const product = await call(hq, 'POST', '/api/products', {
      token: hqOwner,
      body: {
        styleCode: 'HA01',
        name: '总部衬衫',
        category: '男装/衬衫',
        price: 10000,
        colors: ['白'],
        sizes: ['M', 'L'],
      },
    });
    expect(product.status).toBe(201);
    skuIds = (product.body.skus as { id: string }[]).map((sku) => sku.id);
    const received = await call(hq, 'POST', '/api/stock/receipts', {
      token: hqOwner,
      body: { lines: skuIds.map((skuId) => ({ skuId, qty: 10 })) },
    });
    expect(received.status).toBe(201);
  }, 120_000);

  afterAll(() => chain?.stop());

  it('lists the stores, and says who is head office and who reads every store', async () => {
    const atHq = await call(hq, 'GET', '/api/stores', { token: hqOwner });
    expect(atHq.status).toBe(200);
    expect(atHq.body).toEqual({
      chain: true,
      store: 'HQ01',
      headOffice: true,
      allStores: true,
      items: [
        { id: expect.any(String), code: 'BR02', name: '二店', headOffice: false },
        { id: expect.any(String), code: 'HQ01', name: '总店', headOffice: true },
      ],
    });
    const atBranch = await call(branch, 'GET', '/api/stores', { token: branchManager.token });
    expect(atBranch.body).toMatchObject({ chain: true, store: 'BR02', headOffice: false, allStores: false });
  });

  it("head office reads a branch's day (Z) report; the branch reads its own only", async () => {
    const quote = await call(branch, 'POST', '/api/sales/quote', {
      token: branchOwner,
      body: { lines: [{ skuId: skuIds[0], qty: 2 }] },
    });
    const sale = await call(branch, 'POST', '/api/sales', {
      token: branchOwner,
      body: {
        id: randomUUID(),
        lines: [{ skuId: skuIds[0], qty: 2 }],
        payments: [{ method: 'cash', amount: quote.body.total }],
      },
    });
    expect(sale.status).toBe(201);
    const own = await call(hq, 'GET', '/api/reports/day', { token: hqOwner });
    expect(own.body.store.sales).toMatchObject({ count: 0, total: 0 });
    const theirs = await call(hq, 'GET', '/api/reports/day?store=BR02', { token: hqOwner });
    expect(theirs.status).toBe(200);
    expect(theirs.body.store.sales).toMatchObject({ count: 1, total: 20000 });
    expect(theirs.body.store.payments).toEqual({ cash: 20000 });
    const refused = await call(branch, 'GET', '/api/reports/day?store=HQ01', { token: branchManager.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.fields).toEqual({ 'query.store': 'another store' });
    const unknown = await call(hq, 'GET', '/api/reports/day?store=XX09', { token: hqOwner });
    expect(unknown.status).toBe(404);
  });

  it('lists the transfers from and to a store: in transit, then closed short with what is missing', async () => {
    const sent = await call(hq, 'POST', '/api/stock/transfers', {
      token: hqOwner,
      body: {
        direction: 'out',
        store: 'BR02',
        note: '补货',
        lines: [
          { skuId: skuIds[0], qty: 3 },
          { skuId: skuIds[1], qty: 2 },
        ],
      },
    });
    expect(sent.status).toBe(201);
    const transferId = sent.body.id as string;
    const fromHq = await call(hq, 'GET', '/api/stock/transfers', { token: hqOwner });
    expect(fromHq.status).toBe(200);
    expect(fromHq.body.items).toHaveLength(1);
    expect(fromHq.body.items[0]).toMatchObject({
      id: transferId,
      from: 'HQ01',
      to: 'BR02',
      note: '补货',
      status: 'in_transit',
      receipts: [],
    });
    expect(fromHq.body.items[0].lines).toEqual([
      expect.objectContaining({
        skuId: skuIds[0],
        styleCode: 'HA01',
        size: 'M',
        sent: 3,
        received: 0,
        missing: 3,
      }),
      expect.objectContaining({
        skuId: skuIds[1],
        styleCode: 'HA01',
        size: 'L',
        sent: 2,
        received: 0,
        missing: 2,
      }),
    ]);
    const partial = await call(branch, 'POST', '/api/stock/transfers', {
      token: branchManager.token,
      body: { direction: 'in', store: 'HQ01', transferId, lines: [{ skuId: skuIds[0], qty: 3 }] },
    });
    expect(partial.status).toBe(201);
    const toBranch = await call(branch, 'GET', '/api/stock/transfers?status=in_transit', {
      token: branchManager.token,
    });
    expect(toBranch.body.items.map((t: { id: string }) => t.id)).toEqual([transferId]);
    const closed = await call(branch, 'POST', '/api/stock/transfers', {
      token: branchManager.token,
      body: {
        direction: 'in',
        store: 'HQ01',
        transferId,
        lines: [{ skuId: skuIds[1], qty: 1 }],
        close: true,
      },
    });
    expect(closed.status).toBe(201);
    for (const [server, token] of [
      [hq, hqOwner],
      [branch, branchManager.token],
    ] as const) {
      const short = await call(server, 'GET', '/api/stock/transfers?status=closed_short', { token });
      expect(short.body.items).toHaveLength(1);
      expect(short.body.items[0].status).toBe('closed_short');
      expect(short.body.items[0].receipts).toHaveLength(2);
      expect(
        short.body.items[0].lines.map((l: { sent: number; received: number; missing: number }) => [
          l.sent,
          l.received,
          l.missing,
        ]),
      ).toEqual([
        [3, 3, 0],
        [2, 1, 1],
      ]);
      const open = await call(server, 'GET', '/api/stock/transfers?status=in_transit', { token });
      expect(open.body.items).toEqual([]);
    }
    const badStatus = await call(hq, 'GET', '/api/stock/transfers?status=lost', { token: hqOwner });
    expect(badStatus.status).toBe(400);
  });

  it("shows each staff member's store, and makes one chain-wide and back", async () => {
    const clerk = await addStaff(hq, hqOwner, 'manager');
    const listed = await call(hq, 'GET', '/api/staff', { token: hqOwner });
    const byName = new Map(
      (listed.body.items as { username: string; store: string; chainWide: boolean }[]).map((s) => [
        s.username,
        s,
      ]),
    );
    expect(byName.get(clerk.username)).toMatchObject({ store: 'HQ01', chainWide: false });
    // The branch lists its own staff and head office's chain-wide owners, each with their store.
    const atBranch = await call(branch, 'GET', '/api/staff', { token: branchOwner });
    const stores = (atBranch.body.items as { username: string; store: string }[]).map((s) => s.store);
    expect(new Set(stores)).toEqual(new Set(['HQ01', 'BR02']));
    expect(await loginStatus(branch, clerk)).toBe(403);

    const wide = await call(hq, 'PATCH', `/api/staff/${clerk.id}`, {
      token: hqOwner,
      body: { chainWide: true },
    });
    expect(wide.status).toBe(200);
    expect(wide.body).toMatchObject({ store: 'HQ01', chainWide: true });
    expect(await loginStatus(branch, clerk)).toBe(200);
    const branchView = await call(branch, 'GET', '/api/staff', { token: branchOwner });
    expect(branchView.body.items.map((s: { username: string }) => s.username)).toContain(clerk.username);

    const narrow = await call(hq, 'PATCH', `/api/staff/${clerk.id}`, {
      token: hqOwner,
      body: { chainWide: false },
    });
    expect(narrow.body.chainWide).toBe(false);
    expect(await loginStatus(branch, clerk)).toBe(403);
    // Owners stay head office whatever is asked.
    const owner = (listed.body.items as { id: string; username: string }[]).find(
      (s) => s.username === 'owner',
    );
    const ownerWide = await call(hq, 'PATCH', `/api/staff/${owner?.id}`, {
      token: hqOwner,
      body: { chainWide: false },
    });
    expect(ownerWide.body.chainWide).toBe(true);
  });

  it("a promotion head office aims at store B applies at B and not at A, and shows on B's lookup kiosk only", async () => {
    // The owners signed in afresh: the test before ended their sign-ins (chain-wide switched off and back).
    const hqOwner = await ownerToken(hq);
    const branchOwner = await ownerToken(branch);
    const stores = await call(hq, 'GET', '/api/stores', { token: hqOwner });
    expect(stores.status, JSON.stringify(stores.body)).toBe(200);
    const branchId = (stores.body.items as { id: string; code: string }[]).find((s) => s.code === 'BR02')?.id;
    const made = await call(hq, 'POST', '/api/promotions', {
      token: hqOwner,
      body: { kind: 'percent_off', label: '二店周年庆', offBp: 3000, conditions: { stores: [branchId] } },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.scope).toBe('chain');
    const total = async (server: ServerProcess, token: string) => {
      const quote = await call(server, 'POST', '/api/sales/quote', {
        token,
        body: { lines: [{ skuId: skuIds[0], qty: 1 }] },
      });
      expect(quote.status, JSON.stringify(quote.body)).toBe(200);
      return quote.body.total as number;
    };
    expect(await total(branch, branchOwner)).toBe(7000);
    expect(await total(hq, hqOwner)).toBe(10000);
    // The lookup kiosks: B's shows it, A's does not.
    const shown = async (server: ServerProcess, owner: string) => {
      const kiosk = await pairDevice(server, owner, 'lookup');
      const week = await call(server, 'GET', '/api/promotions/this-week', { token: kiosk.token });
      expect(week.status, JSON.stringify(week.body)).toBe(200);
      return (week.body.items as { label: string }[]).map((p) => p.label);
    };
    expect(await shown(branch, branchOwner)).toContain('二店周年庆');
    expect(await shown(hq, hqOwner)).not.toContain('二店周年庆');
  });
});

async function loginStatus(server: ServerProcess, staff: TestStaff): Promise<number> {
  const reply = await call(server, 'POST', '/api/auth/login', {
    body: { username: staff.username, password: staff.password },
  });
  return reply.status;
}
