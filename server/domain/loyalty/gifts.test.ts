import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addStaff, call, login, ownerToken, type TestStaff } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { checkLedgers } from './check.js';

let store: TestStore;
let owner: string;
let manager: TestStaff;
let cashier: TestStaff;

beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  manager = await addStaff(store, owner, 'manager');
  cashier = await addStaff(store, owner, 'cashier');
});
afterEach(() => store.close());

const DAY = 86_400_000;

async function advance(ms: number): Promise<void> {
  store.clock.advance(ms);
  owner = await ownerToken(store);
  manager.token = await login(store, manager.username, manager.password);
  cashier.token = await login(store, cashier.username, cashier.password);
}

let counter = 0;
async function register(): Promise<string> {
  const phone = `1390000${String(++counter).padStart(4, '0')}`;
  const reply = await call(store, 'POST', '/api/members', { token: owner, body: { phone, name: '李娜' } });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body.id;
}

const setSetting = (key: string, value: unknown) =>
  call(store, 'PUT', `/api/loyalty/settings/${key}`, { token: owner, body: value });

async function givePoints(memberId: string, delta: number): Promise<void> {
  const reply = await call(store, 'POST', `/api/members/${memberId}/points/adjustments`, {
    token: owner,
    body: { id: `adj-${++counter}`, delta, reason: '开业活动' },
  });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
}

async function newGift(
  body: Record<string, unknown>,
): Promise<{ id: string; stock: number; points: number }> {
  const reply = await call(store, 'POST', '/api/gifts', { token: manager.token, body });
  if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  return reply.body;
}

const points = async (memberId: string) =>
  (await call(store, 'GET', `/api/members/${memberId}`, { token: owner })).body.points as number;
const stock = async (giftId: string) =>
  (await call(store, 'GET', `/api/gifts/${giftId}`, { token: owner })).body.stock as number;

/** Row counts of every table a redemption touches: a refusal must leave them as they were. */
async function snapshot(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [
    'points_movements',
    'gift_stock_movements',
    'gift_redemptions',
    'member_requests',
    'audit_log',
  ] as const) {
    const row = await store.ctx.storage.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

const redeem = (memberId: string, body: Record<string, unknown>, token = cashier.token) =>
  call(store, 'POST', `/api/members/${memberId}/gift-redemptions`, { token, body });

const auditKinds = async () =>
  (await call(store, 'GET', '/api/audit?limit=500', { token: owner })).body.items.map(
    (row: { kind: string }) => row.kind,
  );

describe('the redemption catalogue', () => {
  it('is managed by the owner and managers, read by cashiers, with its own stock ledger', async () => {
    const refused = await call(store, 'POST', '/api/gifts', {
      token: cashier.token,
      body: { name: '保温杯', points: 500 },
    });
    expect(refused.status).toBe(403);

    const cup = await newGift({ name: '保温杯', points: 500, stock: 10, description: '350ml' });
    expect(cup).toMatchObject({ name: '保温杯', points: 500, stock: 10, active: true, description: '350ml' });
    const duplicate = await call(store, 'POST', '/api/gifts', {
      token: owner,
      body: { name: '保温杯', points: 1 },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.fields).toEqual({ 'body.name': 'in use' });

    const bad = await call(store, 'POST', '/api/gifts', {
      token: owner,
      body: { name: '', points: 0, stock: -1 },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['body.name', 'body.points', 'body.stock']);

    const changed = await call(store, 'PATCH', `/api/gifts/${cup.id}`, {
      token: manager.token,
      body: { points: 450 },
    });
    expect(changed.body.points).toBe(450);

    expect(
      (await call(store, 'POST', `/api/gifts/${cup.id}/stock`, { token: owner, body: { delta: 5 } })).body
        .stock,
    ).toBe(15);
    const below = await call(store, 'POST', `/api/gifts/${cup.id}/stock`, {
      token: owner,
      body: { delta: -16, note: '破损' },
    });
    expect(below.status).toBe(409);
    expect(below.body.error.fields).toEqual({ 'body.delta': 'only 15 in stock' });
    expect(
      (
        await call(store, 'POST', `/api/gifts/${cup.id}/stock`, {
          token: owner,
          body: { delta: -2, note: '破损' },
        })
      ).body.stock,
    ).toBe(13);

    const ledger = await call(store, 'GET', `/api/gifts/${cup.id}/stock`, { token: owner });
    expect(
      ledger.body.items.map((m: { delta: number; stockAfter: number; kind: string }) => [
        m.kind,
        m.delta,
        m.stockAfter,
      ]),
    ).toEqual([
      ['adjustment', -2, 13],
      ['receipt', 5, 15],
      ['receipt', 10, 10],
    ]);

    const list = await call(store, 'GET', '/api/gifts?active=true', { token: cashier.token });
    expect(list.body.items.map((g: { name: string }) => g.name)).toEqual(['保温杯']);
    expect((await call(store, 'GET', '/api/gifts/check', { token: owner })).body).toEqual({
      checked: 1,
      mismatches: [],
    });
    const kinds = await auditKinds();
    expect(kinds.filter((k: string) => k === 'gift.saved')).toHaveLength(2);
    expect(kinds.filter((k: string) => k === 'gift.restocked')).toHaveLength(2);

    await expect(
      store.ctx.storage.write((trx) => trx.deleteFrom('gift_stock_movements').execute()),
    ).rejects.toThrow(/append-only/);
    await store.ctx.storage.write((trx) =>
      trx.updateTable('gifts').set({ stock: 99 }).where('id', '=', cup.id).execute(),
    );
    expect((await call(store, 'GET', '/api/gifts/check', { token: owner })).body.mismatches).toEqual([
      { giftId: cup.id, cached: 99, ledger: 13 },
    ]);
  });
});

describe('redeeming points for a gift', () => {
  it('takes the soonest-expiring lots first, lowers the stock, is idempotent and audited', async () => {
    const m = await register();
    await setSetting('expiry', { mode: 'months', months: 12 });
    await givePoints(m, 100);
    await setSetting('expiry', { mode: 'months', months: 3 });
    await givePoints(m, 50);
    await setSetting('expiry', { mode: 'months', months: 6 });
    await givePoints(m, 30);
    const scarf = await newGift({ name: '丝巾', points: 60, stock: 3 });

    const body = { id: 'gr-1', giftId: scarf.id, qty: 2 };
    const first = await redeem(m, body);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      id: 'gr-1',
      memberId: m,
      gift: { id: scarf.id, name: '丝巾' },
      qty: 2,
      points: 120,
      status: 'redeemed',
      staffId: cashier.id,
      pointsBalance: 60,
      giftStock: 1,
    });
    expect(first.body.lots.map((lot: { points: number }) => lot.points)).toEqual([50, 30, 40]);

    const before = await snapshot();
    const again = await redeem(m, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const otherBody = await redeem(m, { ...body, qty: 1 });
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error.fields).toEqual({ 'body.id': 'already used with another body' });
    expect(await snapshot()).toEqual(before);
    expect(await points(m)).toBe(60);
    expect(await stock(scarf.id)).toBe(1);

    const ledger = await call(store, 'GET', `/api/members/${m}/ledger?kind=points`, { token: owner });
    expect(ledger.body.items[0]).toMatchObject({ reason: 'gift', ref: 'gift_redemption:gr-1' });
    const history = await call(store, 'GET', `/api/members/${m}/gift-redemptions`, { token: cashier.token });
    expect(history.body.items).toEqual([
      expect.objectContaining({ id: 'gr-1', status: 'redeemed', points: 120 }),
    ]);
    expect(await auditKinds()).toContain('gift.redeemed');
    expect((await checkLedgers(store.ctx.storage.db, store.ctx.now())).ok).toBe(true);
  });

  it('refuses, changing nothing: out of stock, not enough points, inactive or unknown gift, bad input', async () => {
    const m = await register();
    await givePoints(m, 300);
    const bag = await newGift({ name: '帆布袋', points: 100, stock: 2 });
    const coat = await newGift({ name: '羽绒服', points: 5000, stock: 1 });
    const retired = await newGift({ name: '旧款伞', points: 10, stock: 5, active: false });
    const before = await snapshot();

    const cases: [Record<string, unknown>, number, Record<string, string>][] = [
      [{ id: 'x1', giftId: bag.id, qty: 3 }, 409, { 'body.qty': 'only 2 in stock' }],
      [{ id: 'x2', giftId: coat.id }, 409, { points: 'only 300 points available' }],
      [{ id: 'x3', giftId: retired.id }, 422, { 'body.giftId': 'inactive' }],
      [{ id: 'x4', giftId: 'no-such-gift' }, 404, { 'body.giftId': 'unknown gift' }],
      [{ id: 'x5', giftId: bag.id, qty: 0 }, 400, { 'body.qty': 'at least 1' }],
      [{ giftId: bag.id }, 400, { 'body.id': expect.any(String) }],
    ];
    for (const [body, status, fields] of cases) {
      const reply = await redeem(m, body);
      expect(reply.status, JSON.stringify(body)).toBe(status);
      expect(reply.body.error.fields, JSON.stringify(body)).toEqual(fields);
    }
    const unknownMember = await redeem('no-such-member', { id: 'x6', giftId: bag.id });
    expect(unknownMember.status).toBe(404);

    expect(await snapshot()).toEqual(before);
    expect(await points(m)).toBe(300);
    expect(await stock(bag.id)).toBe(2);
    expect(await stock(coat.id)).toBe(1);
  });

  it('gives the last gift to exactly one of two redemptions arriving at once', async () => {
    const a = await register();
    const b = await register();
    await givePoints(a, 100);
    await givePoints(b, 100);
    const last = await newGift({ name: '限量徽章', points: 80, stock: 1 });
    const replies = await Promise.all([
      redeem(a, { id: 'race-a', giftId: last.id }),
      redeem(b, { id: 'race-b', giftId: last.id }),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await stock(last.id)).toBe(0);
    expect((await points(a)) + (await points(b))).toBe(120);
    expect((await call(store, 'GET', '/api/gifts/check', { token: owner })).body.mismatches).toEqual([]);
  });
});

describe('returning a gift redemption', () => {
  it('gives the points back (a fresh lot for an expired one) and the stock, once, by a manager', async () => {
    const m = await register();
    await setSetting('expiry', { mode: 'months', months: 12 });
    await givePoints(m, 100);
    await setSetting('expiry', { mode: 'months', months: 3 });
    await givePoints(m, 50);
    const hat = await newGift({ name: '针织帽', points: 70, stock: 1 });
    expect((await redeem(m, { id: 'gr-r', giftId: hat.id })).status).toBe(201);
    expect(await points(m)).toBe(80);

    // The 3-month lot (50 points, all spent on the hat) expires meanwhile.
    await advance(100 * DAY);
    const byCashier = await call(store, 'POST', '/api/gift-redemptions/gr-r/return', {
      token: cashier.token,
      body: { reason: '顾客不要了' },
    });
    expect(byCashier.status).toBe(403);

    const returned = await call(store, 'POST', '/api/gift-redemptions/gr-r/return', {
      token: manager.token,
      body: { reason: '顾客不要了' },
    });
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({
      id: 'gr-r',
      status: 'returned',
      returnReason: '顾客不要了',
      pointsBalance: 150,
      giftStock: 1,
    });
    expect(await points(m)).toBe(150);
    expect(await stock(hat.id)).toBe(1);
    const lots = await store.ctx.storage.db
      .selectFrom('points_lots')
      .select(['source', 'points', 'remaining', 'expires_at'])
      .where('member_id', '=', m)
      .orderBy('earned_at')
      .execute();
    const now = store.clock.now().toISOString();
    expect(
      lots.filter((lot) => lot.remaining > 0 && lot.expires_at > now).map((l) => [l.source, l.remaining]),
    ).toEqual([
      ['adjust', 100],
      ['give_back', 50],
    ]);

    const twice = await call(store, 'POST', '/api/gift-redemptions/gr-r/return', {
      token: manager.token,
      body: { reason: '再退一次' },
    });
    expect(twice.status).toBe(409);
    expect(await points(m)).toBe(150);
    expect(
      (
        await call(store, 'POST', '/api/gift-redemptions/nope/return', {
          token: owner,
          body: { reason: 'x' },
        })
      ).status,
    ).toBe(404);

    const history = await call(store, 'GET', `/api/members/${m}/gift-redemptions`, { token: owner });
    expect(history.body.items[0]).toMatchObject({ status: 'returned', returnReason: '顾客不要了' });
    expect(await auditKinds()).toContain('gift.returned');
    expect((await checkLedgers(store.ctx.storage.db, store.ctx.now())).ok).toBe(true);
    expect((await call(store, 'GET', '/api/gifts/check', { token: owner })).body.mismatches).toEqual([]);
    await expect(
      store.ctx.storage.write((trx) =>
        trx.updateTable('gift_redemptions').set({ points: 1 }).where('id', '=', 'gr-r').execute(),
      ),
    ).rejects.toThrow(/append-only/);
  });

  it('puts unexpired points back into the lots they came from; a cashier may return with approval', async () => {
    const m = await register();
    await givePoints(m, 200);
    const pen = await newGift({ name: '钢笔', points: 150, stock: 2 });
    await redeem(m, { id: 'gr-p', giftId: pen.id });
    await call(store, 'PATCH', `/api/staff/${manager.id}`, { token: owner, body: { pin: '4321' } });
    const approved = await call(store, 'POST', '/api/gift-redemptions/gr-p/return', {
      token: cashier.token,
      body: { reason: '换货' },
      headers: { 'Hanger-Approval-User': manager.username, 'Hanger-Approval-Pin': '4321' },
    });
    expect(approved.status).toBe(200);
    const lots = await store.ctx.storage.db
      .selectFrom('points_lots')
      .select(['points', 'remaining'])
      .where('member_id', '=', m)
      .execute();
    expect(lots).toEqual([{ points: 200, remaining: 200 }]);
    const [audit] = (await call(store, 'GET', '/api/audit?kind=gift.returned', { token: owner })).body.items;
    expect(audit).toMatchObject({ staffId: cashier.id, approverId: manager.id });
  });
});
