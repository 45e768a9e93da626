import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../events/outbox.js';
import type { Tender } from '../../protocol/loyalty.js';
import type { Database } from '../../storage/schema.js';
import { addStaff, call, login, ownerToken, type TestStaff } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { expiryFor } from './calendar.js';
import { checkLedgers } from './check.js';
import { redeemCoupon, releaseCoupon } from './coupons.js';
import { earnPoints, giveBackPoints, redeemPoints, takeBackPoints } from './points.js';
import { recordPurchase } from './purchases.js';
import { returnStoredValue, spendStoredValue } from './stored-value.js';

let store: TestStore;
let owner: string;
let manager: TestStaff;

beforeEach(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  manager = await addStaff(store, owner, 'manager');
});
afterEach(() => store.close());

const DAY = 86_400_000;

/** Moves the clock; sign-ins last 12 hours, so sign in again afterwards. */
async function advance(ms: number): Promise<void> {
  store.clock.advance(ms);
  owner = await ownerToken(store);
  manager.token = await login(store, manager.username, manager.password);
}

async function register(phone = '13800138000') {
  const reply = await call(store, 'POST', '/api/members', { token: owner, body: { phone, name: '王芳' } });
  return reply.body as { id: string; code: string };
}

/** Runs checkout's calls the way the sale will: one transaction, events after commit. */
async function inSale<T>(action: (trx: Kysely<Database>, outbox: Outbox) => Promise<T>): Promise<T> {
  const outbox = new Outbox();
  const result = await store.ctx.storage.write((trx) => action(trx, outbox));
  outbox.publish(store.ctx.bus, store.ctx.store.id);
  return result;
}

const earn = (
  memberId: string,
  saleId: string,
  amount: number,
  tenders: { method: Tender; amount: number }[] = [{ method: 'cash', amount }],
) =>
  inSale((trx, outbox) =>
    earnPoints(trx, store.ctx, outbox, {
      memberId,
      ref: { type: 'sale', id: saleId },
      lines: [{ amount }],
      tenders,
    }),
  );

const member = async (id: string) => (await call(store, 'GET', `/api/members/${id}`, { token: owner })).body;
const setSetting = (key: string, value: unknown) =>
  call(store, 'PUT', `/api/loyalty/settings/${key}`, { token: owner, body: value });

describe('earning points', () => {
  it('earns per yuan paid with earning tenders, tier and member-day multipliers, rounding down', async () => {
    const m = await register();
    // Tuesday 24 Nov 2026 in Shanghai: no member day. 129.99 yuan → 129 points.
    expect((await earn(m.id, 's1', 12999)).points).toBe(129);
    // Wednesday: ×2.
    await advance(DAY);
    const wednesday = await earn(m.id, 's2', 10050);
    expect(wednesday).toMatchObject({ points: 201, memberDayMultiplierPct: 200 });
    await advance(DAY);
    // Stored-value bonus money earns nothing: half the bill paid with bonus → half the points.
    const mixed = await earn(m.id, 's3', 20000, [
      { method: 'stored_value_principal', amount: 10000 },
      { method: 'stored_value_bonus', amount: 10000 },
    ]);
    expect(mixed).toMatchObject({ points: 100, eligibleAmount: 10000 });
    await setSetting('earn', {
      pointsPerYuan: 1,
      tenders: ['cash'],
      categoryMultipliers: { 配饰: 300 },
      memberDays: { weekdays: [3], multiplierPct: 200 },
    });
    const category = await inSale((trx, outbox) =>
      earnPoints(trx, store.ctx, outbox, {
        memberId: m.id,
        ref: { type: 'sale', id: 's4' },
        lines: [
          { amount: 1000, category: '配饰' },
          { amount: 1000, category: '上衣' },
        ],
        tenders: [{ method: 'cash', amount: 2000 }],
      }),
    );
    expect(category.points).toBe(40);
    expect((await member(m.id)).points).toBe(129 + 201 + 100 + 40);
  });

  it('upgrades the tier at once when a sale crosses the line, with the tier multiplier after', async () => {
    const m = await register();
    await inSale((trx, outbox) =>
      recordPurchase(trx, store.ctx, outbox, {
        memberId: m.id,
        amount: 150000,
        ref: { type: 'sale', id: 's1' },
      }),
    );
    expect((await member(m.id)).tier.code).toBe('normal');
    const crossed = await inSale((trx, outbox) =>
      recordPurchase(trx, store.ctx, outbox, {
        memberId: m.id,
        amount: 50000,
        ref: { type: 'sale', id: 's2' },
      }),
    );
    expect(crossed).toEqual({ tierChanged: true, tier: { code: 'silver', name: '银卡' } });
    expect((await earn(m.id, 's3', 10000)).points).toBe(120);
    const changes = await call(store, 'GET', `/api/members/${m.id}/tier-changes`, { token: owner });
    expect(
      changes.body.items.map((c: { from: string; to: string; reason: string }) => [c.from, c.to, c.reason]),
    ).toEqual([
      ['normal', 'silver', 'upgrade'],
      [null, 'normal', 'signup'],
    ]);
  });
});

describe('tier review', () => {
  it('moves a member down only at a review after the grace period, never at a return', async () => {
    const m = await register();
    await inSale((trx, outbox) =>
      recordPurchase(trx, store.ctx, outbox, {
        memberId: m.id,
        amount: 250000,
        ref: { type: 'sale', id: 's1' },
      }),
    );
    expect((await member(m.id)).tier.code).toBe('silver');
    const run = () => call(store, 'POST', '/api/loyalty/jobs/tier-review', { token: owner });
    expect((await run()).body).toEqual({ reviewed: 1, marked: 0, downgraded: 0 });
    // A year and a bit later the 12-month spend has rolled off: marked, not moved.
    await advance(370 * DAY);
    expect((await run()).body).toEqual({ reviewed: 1, marked: 1, downgraded: 0 });
    expect((await member(m.id)).tier.code).toBe('silver');
    await advance(29 * DAY);
    expect((await run()).body).toEqual({ reviewed: 1, marked: 0, downgraded: 0 });
    await advance(1 * DAY);
    expect((await run()).body).toEqual({ reviewed: 1, marked: 0, downgraded: 1 });
    const after = await member(m.id);
    expect(after.tier.code).toBe('normal');
    const changes = await call(store, 'GET', `/api/members/${m.id}/tier-changes`, { token: owner });
    expect(changes.body.items[0]).toMatchObject({ from: 'silver', to: 'normal', reason: 'review_downgrade' });
    expect(changes.body.items[0].detail).toMatchObject({ spend12m: 0, graceDays: 30 });
  });

  it('forgets the mark when the member is back above the line before the grace ends', async () => {
    const m = await register();
    await inSale((trx, outbox) =>
      recordPurchase(trx, store.ctx, outbox, {
        memberId: m.id,
        amount: 200000,
        ref: { type: 'sale', id: 's1' },
      }),
    );
    await advance(370 * DAY);
    await call(store, 'POST', '/api/loyalty/jobs/tier-review', { token: owner });
    await inSale((trx, outbox) =>
      recordPurchase(trx, store.ctx, outbox, {
        memberId: m.id,
        amount: 200000,
        ref: { type: 'sale', id: 's2' },
      }),
    );
    await advance(60 * DAY);
    const review = await call(store, 'POST', '/api/loyalty/jobs/tier-review', { token: owner });
    expect(review.body.downgraded).toBe(0);
    expect((await member(m.id)).tier.code).toBe('silver');
  });
});

describe('points lots, redemption and expiry', () => {
  it('redeems the soonest-expiring lots first, across lots', async () => {
    const m = await register();
    await setSetting('expiry', { mode: 'months', months: 12 });
    await earn(m.id, 'a', 10000); // 100 points, expire 2027-11-24
    await setSetting('expiry', { mode: 'months', months: 3 });
    await advance(2 * DAY);
    await earn(m.id, 'b', 5000); // 50 points, expire 2027-02-26 — soonest
    await setSetting('expiry', { mode: 'months', months: 6 });
    await earn(m.id, 'c', 3000); // 30 points, expire 2027-05-26
    const redeemed = await inSale((trx, outbox) =>
      redeemPoints(trx, store.ctx, outbox, { memberId: m.id, points: 120, ref: { type: 'sale', id: 'r' } }),
    );
    expect(redeemed.lots.map((l) => l.points)).toEqual([50, 30, 40]);
    expect(redeemed).toMatchObject({ points: 120, value: 120, balance: 60 });
    await expect(
      inSale((trx, outbox) =>
        redeemPoints(trx, store.ctx, outbox, { memberId: m.id, points: 61, ref: { type: 'sale', id: 'r2' } }),
      ),
    ).rejects.toMatchObject({ code: 'conflict', fields: { points: 'only 60 points available' } });
    expect((await member(m.id)).points).toBe(60);
  });

  it('takes lots that expire together in the order of their ids', async () => {
    const m = await register();
    // The default clears every lot earned this year on the same day.
    for (const [sale, amount] of [
      ['a', 10000],
      ['b', 5000],
      ['c', 3000],
    ] as const)
      await earn(m.id, sale, amount);
    const lots = await store.ctx.storage.db
      .selectFrom('points_lots')
      .select(['id', 'points', 'expires_at'])
      .where('member_id', '=', m.id)
      .execute();
    expect(new Set(lots.map((lot) => lot.expires_at)).size).toBe(1);
    const byId = lots.sort((a, b) => (a.id < b.id ? -1 : 1));
    const redeemed = await inSale((trx, outbox) =>
      redeemPoints(trx, store.ctx, outbox, { memberId: m.id, points: 160, ref: { type: 'sale', id: 'r' } }),
    );
    expect(redeemed.lots.map((l) => [l.lotId, l.points])).toEqual([
      [byId[0]?.id, byId[0]?.points],
      [byId[1]?.id, byId[1]?.points],
      [byId[2]?.id, 160 - (byId[0]?.points ?? 0) - (byId[1]?.points ?? 0)],
    ]);
  });

  it('clears points on 31 December of the next year (store time zone), by the expiry job', async () => {
    const m = await register();
    // The default: 积分清零 on 31 Dec of the year after earning.
    const lot = await earn(m.id, 'a', 10000);
    expect(lot.expiresAt).toBe('2027-12-31T16:00:00.000Z'); // 1 Jan 2028 00:00 in Shanghai
    const expiring = await call(store, 'GET', '/api/loyalty/points/expiring?days=30', {
      token: manager.token,
    });
    expect(expiring.body.items).toEqual([]);
    await advance(Date.parse('2027-12-15T00:00:00Z') - store.clock.now().getTime());
    const soon = await call(store, 'GET', '/api/loyalty/points/expiring?days=30', { token: manager.token });
    expect(soon.body.items).toEqual([
      {
        memberId: m.id,
        number: 100001,
        name: '王芳',
        points: 100,
        firstExpiresAt: '2027-12-31T16:00:00.000Z',
      },
    ]);
    const mine = await call(store, 'GET', `/api/members/${m.id}/points/expiring?days=30`, { token: owner });
    expect(mine.body.items).toEqual([{ points: 100, expiresAt: '2027-12-31T16:00:00.000Z' }]);
    await advance(Date.parse('2027-12-31T15:59:59Z') - store.clock.now().getTime());
    expect((await call(store, 'POST', '/api/loyalty/jobs/expire-points', { token: owner })).body).toEqual({
      members: 0,
      points: 0,
    });
    await advance(1000);
    expect((await call(store, 'POST', '/api/loyalty/jobs/expire-points', { token: owner })).body).toEqual({
      members: 1,
      points: 100,
    });
    expect((await member(m.id)).points).toBe(0);
    const ledger = await call(store, 'GET', `/api/members/${m.id}/ledger?kind=points`, { token: owner });
    expect(ledger.body.items[0]).toEqual({
      at: '2027-12-31T16:00:00.000Z',
      delta: -100,
      balance: 0,
      reason: 'expire',
      ref: null,
    });
  });

  it('computes clearing dates and month expiries in the store time zone', () => {
    const clearing = { mode: 'clearing', month: 12, day: 31, yearsAfter: 1 } as const;
    // 31 Dec 2026 23:30 in Shanghai is still 2026 there: cleared at the end of 2027.
    expect(expiryFor(new Date('2026-12-31T15:30:00Z'), clearing, 'Asia/Shanghai').toISOString()).toBe(
      '2027-12-31T16:00:00.000Z',
    );
    // 16:30 UTC is already 2027 in Shanghai.
    expect(expiryFor(new Date('2026-12-31T16:30:00Z'), clearing, 'Asia/Shanghai').toISOString()).toBe(
      '2028-12-31T16:00:00.000Z',
    );
    const midYear = { mode: 'clearing', month: 6, day: 30, yearsAfter: 0 } as const;
    expect(expiryFor(new Date('2026-08-01T00:00:00Z'), midYear, 'Asia/Shanghai').toISOString()).toBe(
      '2027-06-30T16:00:00.000Z',
    );
    expect(
      expiryFor(
        new Date('2026-01-31T04:00:00Z'),
        { mode: 'months', months: 1 },
        'Asia/Shanghai',
      ).toISOString(),
    ).toBe('2026-02-28T16:00:00.000Z');
  });

  it('gives the same expiry whether it works it out or keeps it from the same store day', () => {
    const policy = fc.oneof(
      fc.record({ mode: fc.constant('months' as const), months: fc.integer({ min: 1, max: 120 }) }),
      fc.record({
        mode: fc.constant('clearing' as const),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        yearsAfter: fc.integer({ min: 0, max: 5 }),
      }),
    );
    const zone = fc.constantFrom(
      'Asia/Shanghai',
      'America/New_York',
      'America/Santiago',
      'Australia/Lord_Howe',
    );
    const instant = fc.integer({
      min: Date.parse('2000-01-01T00:00:00Z'),
      max: Date.parse('2060-01-01T00:00:00Z'),
    });
    const evict = () => expiryFor(new Date(0), { mode: 'months', months: 7 }, 'UTC');
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: -86_400_000, max: 86_400_000 }),
        policy,
        zone,
        (ms, step, rule, tz) => {
          evict();
          const fresh = expiryFor(new Date(ms + step), rule, tz).getTime();
          // Asked first about another moment (kept if it was the same store day), then this one.
          evict();
          expiryFor(new Date(ms), rule, tz);
          expect(expiryFor(new Date(ms + step), rule, tz).getTime()).toBe(fresh);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on a return takes back earned points; what was already spent is the shortfall', async () => {
    const m = await register();
    await earn(m.id, 'sale-1', 30000); // 300 points
    await inSale((trx, outbox) =>
      redeemPoints(trx, store.ctx, outbox, {
        memberId: m.id,
        points: 250,
        ref: { type: 'sale', id: 'sale-2' },
      }),
    );
    const taken = await inSale((trx, outbox) =>
      takeBackPoints(trx, store.ctx, outbox, {
        memberId: m.id,
        points: 300,
        ref: { type: 'return', id: 'ret-1' },
      }),
    );
    expect(taken).toMatchObject({ taken: 50, shortfall: 250, shortfallValue: 250 });
    expect((await member(m.id)).points).toBe(0);
    // Returning sale-2 gives back what it redeemed, never more.
    const given = await inSale((trx, outbox) =>
      giveBackPoints(trx, store.ctx, outbox, {
        memberId: m.id,
        points: 200,
        saleRef: { type: 'sale', id: 'sale-2' },
        returnId: 'ret-2',
      }),
    );
    expect(given.given).toBe(200);
    await expect(
      inSale((trx, outbox) =>
        giveBackPoints(trx, store.ctx, outbox, {
          memberId: m.id,
          points: 51,
          saleRef: { type: 'sale', id: 'sale-2' },
          returnId: 'ret-3',
        }),
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await member(m.id)).points).toBe(200);
    expect((await checkLedgers(store.ctx.storage.db, store.clock.now())).ok).toBe(true);
  });
});

describe('stored value at checkout', () => {
  it('gives stored value back on a return in the proportion the sale took it', async () => {
    const m = await register();
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: owner,
      body: { id: 't1', amount: 50000, method: 'cash' },
    });
    const sale = { type: 'sale', id: 'sale-1' };
    const paid = await inSale((trx, outbox) =>
      spendStoredValue(trx, store.ctx, outbox, {
        memberId: m.id,
        amount: 55000,
        ref: sale,
        actor: { staffId: null },
      }),
    );
    expect(paid).toMatchObject({ principal: 50000, bonus: 5000 });
    const back = await inSale((trx, outbox) =>
      returnStoredValue(trx, store.ctx, outbox, {
        memberId: m.id,
        amount: 11000,
        saleRef: sale,
        ref: { type: 'return', id: 'r1' },
        actor: { staffId: null },
      }),
    );
    expect(back).toMatchObject({ principal: 10000, bonus: 1000 });
    await expect(
      inSale((trx, outbox) =>
        returnStoredValue(trx, store.ctx, outbox, {
          memberId: m.id,
          amount: 44001,
          saleRef: sale,
          ref: { type: 'return', id: 'r2' },
          actor: { staffId: null },
        }),
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
  });
});

describe('coupons', () => {
  it('issues by hand and on sign-up; redeems once; voids; refuses expired and foreign coupons', async () => {
    const template = await call(store, 'POST', '/api/coupon-templates', {
      token: manager.token,
      body: { name: '满200减20', kind: 'amount', value: 2000, minSpend: 20000, validDays: 30 },
    });
    expect(template.status).toBe(201);
    const welcome = await call(store, 'POST', '/api/coupon-templates', {
      token: owner,
      body: { name: '新人95折', kind: 'percent', value: 5, validDays: 7, trigger: 'signup' },
    });
    const m = await register();
    const other = await register('13900139000');
    const mine = await call(store, 'GET', `/api/members/${m.id}/coupons`, { token: owner });
    expect(mine.body.items.map((c: { templateId: string }) => c.templateId)).toEqual([welcome.body.id]);
    const issued = await call(store, 'POST', '/api/coupons/issue', {
      token: manager.token,
      body: { templateId: template.body.id, memberIds: [m.id, other.id] },
    });
    expect(issued.status).toBe(201);
    expect(issued.body.issued).toHaveLength(2);
    const again = await call(store, 'POST', '/api/coupons/issue', {
      token: manager.token,
      body: { templateId: template.body.id, memberIds: [m.id] },
    });
    expect(again.body).toEqual({ issued: [], skipped: [{ memberId: m.id, why: 'limit_reached' }] });
    const code = issued.body.issued[0].code as string;
    const otherCode = issued.body.issued[1].code as string;
    const sale = { type: 'sale', id: 'sale-1' };
    const used = await inSale((trx, outbox) =>
      redeemCoupon(trx, store.ctx, outbox, { code, memberId: m.id, ref: sale }),
    );
    expect(used.status).toBe('redeemed');
    await expect(
      inSale((trx, outbox) =>
        redeemCoupon(trx, store.ctx, outbox, { code, memberId: m.id, ref: { type: 'sale', id: 's2' } }),
      ),
    ).rejects.toMatchObject({ code: 'conflict', fields: { code: 'already used' } });
    await expect(
      inSale((trx, outbox) =>
        redeemCoupon(trx, store.ctx, outbox, { code: otherCode, memberId: m.id, ref: sale }),
      ),
    ).rejects.toMatchObject({ code: 'business_rule', fields: { code: "another member's coupon" } });
    await inSale((trx, outbox) => releaseCoupon(trx, outbox, { code, ref: sale }));
    expect((await call(store, 'GET', `/api/coupons/${code}`, { token: owner })).body.status).toBe('issued');
    const voided = await call(store, 'POST', `/api/coupons/${otherCode}/void`, {
      token: manager.token,
      body: { reason: '发错了' },
    });
    expect(voided.body.status).toBe('voided');
    const voidTwice = await call(store, 'POST', `/api/coupons/${otherCode}/void`, {
      token: manager.token,
      body: { reason: '发错了' },
    });
    expect(voidTwice.status).toBe(409);
    await advance(31 * DAY);
    await expect(
      inSale((trx, outbox) => redeemCoupon(trx, store.ctx, outbox, { code, memberId: m.id, ref: sale })),
    ).rejects.toMatchObject({ code: 'business_rule', fields: { code: 'expired' } });
  });

  it('issues tier-upgrade and birthday coupons once', async () => {
    const upgrade = await call(store, 'POST', '/api/coupon-templates', {
      token: owner,
      body: {
        name: '升级礼',
        kind: 'amount',
        value: 5000,
        validDays: 30,
        trigger: 'tier_upgrade',
        triggerTierCode: 'silver',
      },
    });
    const birthday = await call(store, 'POST', '/api/coupon-templates', {
      token: owner,
      body: {
        name: '生日礼',
        kind: 'amount',
        value: 3000,
        validDays: 30,
        trigger: 'birthday',
        perMemberLimit: null,
      },
    });
    const m = (
      await call(store, 'POST', '/api/members', {
        token: owner,
        body: { phone: '13800138000', name: '王芳', birthday: '11-30' },
      })
    ).body;
    await inSale((trx, outbox) =>
      recordPurchase(trx, store.ctx, outbox, {
        memberId: m.id,
        amount: 200000,
        ref: { type: 'sale', id: 's1' },
      }),
    );
    await call(store, 'POST', '/api/loyalty/jobs/birthday-coupons', { token: owner });
    const second = await call(store, 'POST', '/api/loyalty/jobs/birthday-coupons', { token: owner });
    expect(second.body.issued).toBe(0);
    const coupons = await call(store, 'GET', `/api/members/${m.id}/coupons`, { token: owner });
    expect(
      coupons.body.items
        .map((c: { templateId: string; issueReason: string }) => [c.templateId, c.issueReason])
        .sort(),
    ).toEqual(
      [
        [upgrade.body.id, 'tier_upgrade'],
        [birthday.body.id, 'birthday'],
      ].sort(),
    );
    expect((await member(m.id)).benefits).toMatchObject({ birthdayMonth: true });
  });
});

describe('the ledger check', () => {
  it('proves every balance equals its ledger, and catches a balance broken on purpose', async () => {
    const m = await register();
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: owner,
      body: { id: 't1', amount: 100000, method: 'cash' },
    });
    await earn(m.id, 's1', 10000);
    expect(
      (await call(store, 'GET', '/api/loyalty/ledger-check', { token: manager.token })).body,
    ).toMatchObject({
      ok: true,
      counts: { members: 1, pointsLots: 1, pointsMovements: 1, storedValueEntries: 1 },
    });
    await sql`update members set points = points + 7, stored_bonus = stored_bonus - 1 where id = ${m.id}`.execute(
      store.ctx.storage.db,
    );
    const broken = await call(store, 'GET', '/api/loyalty/ledger-check', { token: manager.token });
    expect(broken.body.ok).toBe(false);
    expect(broken.body.problems).toEqual(
      expect.arrayContaining([
        { what: 'points', memberId: m.id, cached: 107, ledger: 100 },
        { what: 'points_lots', memberId: m.id, cached: 107, ledger: 100 },
        { what: 'stored_bonus', memberId: m.id, cached: 14999, ledger: 15000 },
      ]),
    );
    await expect(sql`update points_movements set delta = 1`.execute(store.ctx.storage.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('holds whatever sequence of earning, redeeming, paying and returning happens (property)', async () => {
    const m = await register();
    await call(store, 'POST', `/api/members/${m.id}/top-ups`, {
      token: owner,
      body: { id: 't0', amount: 100000, method: 'cash' },
    });
    const op = fc.oneof(
      fc.record({ kind: fc.constant('earn' as const), amount: fc.integer({ min: 0, max: 50000 }) }),
      fc.record({ kind: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 400 }) }),
      fc.record({ kind: fc.constant('pay' as const), amount: fc.integer({ min: 1, max: 30000 }) }),
      fc.record({ kind: fc.constant('take' as const), points: fc.integer({ min: 0, max: 300 }) }),
      fc.record({ kind: fc.constant('age' as const), days: fc.integer({ min: 1, max: 400 }) }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
        for (const o of ops) {
          const ref = { type: 'sale', id: `p${n++}` };
          if (o.kind === 'age') store.clock.advance(o.days * DAY);
          else if (o.kind === 'earn') await earn(m.id, ref.id, o.amount);
          else if (o.kind === 'take')
            await inSale((trx, outbox) =>
              takeBackPoints(trx, store.ctx, outbox, { memberId: m.id, points: o.points, ref }),
            );
          else {
            await inSale(async (trx, outbox) => {
              if (o.kind === 'redeem')
                await redeemPoints(trx, store.ctx, outbox, { memberId: m.id, points: o.points, ref });
              else
                await spendStoredValue(trx, store.ctx, outbox, {
                  memberId: m.id,
                  amount: o.amount,
                  ref,
                  actor: { staffId: null },
                });
            }).catch((error: { code?: string }) => {
              if (error.code !== 'conflict') throw error;
            });
          }
        }
        const check = await checkLedgers(store.ctx.storage.db, store.clock.now());
        expect(check.problems).toEqual([]);
        const row = await store.ctx.storage.db
          .selectFrom('members')
          .select(['points', 'stored_principal', 'stored_bonus'])
          .where('id', '=', m.id)
          .executeTakeFirstOrThrow();
        expect(Math.min(row.points, row.stored_principal, row.stored_bonus)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 25 },
    );
  });
});
