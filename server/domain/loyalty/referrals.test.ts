import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { couponStatus, member, memberState, openShop, type Shop, sell } from '../sales/test-shop.js';

/**
 * Referrals (会员裂变): a newcomer who joins with a member's invitation code and buys for the
 * first time rewards both sides, once; nobody invites themselves; a whole return of that first
 * purchase takes both rewards back; the referrals report says who invited whom.
 */
let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const inviteCodeOf = async (id: string) =>
  (await call(shop.store, 'GET', `/api/members/${id}`, { token: shop.owner })).body.inviteCode as string;

async function runReferrals(newcomer: Record<string, unknown>) {
  const template = await call(shop.store, 'POST', '/api/coupon-templates', {
    token: shop.owner,
    body: { name: '新人券 减20', kind: 'amount', value: 2000, minSpend: 0, validDays: 30 },
  });
  expect(template.status).toBe(201);
  const saved = await call(shop.store, 'PUT', '/api/loyalty/settings/referral', {
    token: shop.owner,
    body: {
      enabled: true,
      referrer: { kind: 'points', points: 500 },
      newcomer: { kind: 'coupon', templateId: template.body.id },
      onReceipt: true,
      joinAddress: 'https://192.168.1.10:8123',
      ...newcomer,
    },
  });
  expect(saved.status).toBe(200);
}

let phones = 0;
const joinWith = (inviteCode: string, phone = `1370000${String(++phones).padStart(4, '0')}`) =>
  call(shop.store, 'POST', '/api/join', {
    body: { inviteCode, phone, name: '李新', acceptTerms: true },
  });

const buyDress = (memberId: string) =>
  sell(shop, {
    memberId,
    lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
    payments: [{ method: 'cash', amount: 30000 }],
  });

const ledger = async (id: string) =>
  (await call(shop.store, 'GET', `/api/members/${id}/ledger?kind=points`, { token: shop.owner })).body
    .items as {
    delta: number;
    reason: string;
  }[];

const referralCoupons = async (id: string) =>
  (
    (await call(shop.store, 'GET', `/api/members/${id}/coupons?all=true`, { token: shop.owner })).body
      .items as {
      code: string;
      issueReason: string;
      status: string;
    }[]
  ).filter((c) => c.issueReason === 'referral');

async function newcomerId(phone: string) {
  return (await call(shop.store, 'GET', `/api/members?phone=${phone}`, { token: shop.owner })).body.items[0]
    .id as string;
}

describe('referrals', () => {
  it('rewards both sides once, on the first purchase of a newcomer who joined with the code', async () => {
    await runReferrals({});
    const referrer = await member(shop);
    const code = await inviteCodeOf(referrer);
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    const joined = await joinWith(code.toLowerCase(), '13700009901');
    expect(joined.status).toBe(201);
    expect(joined.body.member.inviteCode).toMatch(/^[A-HJ-NP-Z2-9]{6}$/);
    expect(joined.body.member.inviteCode).not.toBe(code);
    const newcomer = await newcomerId('13700009901');
    expect(
      (await call(shop.store, 'GET', `/api/members/${newcomer}`, { token: shop.owner })).body.referrerId,
    ).toBe(referrer);

    const first = await buyDress(newcomer);
    expect(first.status).toBe(201);
    expect((await memberState(shop, referrer)).points).toBe(500);
    expect((await ledger(referrer)).filter((row) => row.reason === 'referral')).toEqual([
      expect.objectContaining({ delta: 500 }),
    ]);
    expect(await referralCoupons(newcomer)).toHaveLength(1);
    // The receipt carries the newcomer's own invitation, with its join address.
    const receipt = (
      await call(shop.store, 'GET', `/api/sales/${first.body.id}/receipt`, { token: shop.owner })
    ).body;
    expect(receipt.invite).toEqual({
      code: joined.body.member.inviteCode,
      url: `https://192.168.1.10:8123/join?invite=${joined.body.member.inviteCode}`,
    });

    // A second purchase rewards nobody again.
    expect((await buyDress(newcomer)).status).toBe(201);
    expect((await memberState(shop, referrer)).points).toBe(500);
    expect(await referralCoupons(newcomer)).toHaveLength(1);
  });

  it('refuses a member inviting themselves, an unknown code, and makes no newcomer of an existing member', async () => {
    await runReferrals({});
    const referrer = await member(shop);
    const code = await inviteCodeOf(referrer);
    const { phone } = await shop.store.ctx.storage.db
      .selectFrom('members')
      .select('phone')
      .where('id', '=', referrer)
      .executeTakeFirstOrThrow();
    // The referrer's own phone with their own code: already a member, nothing made.
    const self = await joinWith(code, phone as string);
    expect(self.status).toBe(409);
    expect(self.body.error.fields).toEqual({ 'body.phone': 'already registered' });
    const unknown = await joinWith('ZZZZZZ');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual({ 'body.inviteCode': 'unknown code' });
    // An existing member given a referrer afterwards is no newcomer: buying rewards nobody.
    const existing = await member(shop);
    const set = await call(shop.store, 'PATCH', `/api/members/${existing}`, {
      token: shop.owner,
      body: { referrerId: referrer },
    });
    expect(set.status).toBe(200);
    expect((await buyDress(existing)).status).toBe(201);
    expect((await memberState(shop, referrer)).points).toBe(0);
    const report = (await call(shop.store, 'GET', '/api/reports/referrals', { token: shop.owner })).body;
    expect(report.rows).toHaveLength(0);
  });

  it('a whole return of the first purchase takes both rewards back, and the report shows it', async () => {
    await runReferrals({});
    const referrer = await member(shop);
    const code = await inviteCodeOf(referrer);
    expect((await joinWith(code, '13700009902')).status).toBe(201);
    const newcomer = await newcomerId('13700009902');
    const first = await buyDress(newcomer);
    expect(first.status).toBe(201);
    const [reward] = await referralCoupons(newcomer);
    expect(reward?.status).toBe('issued');

    const back = await call(shop.store, 'POST', `/api/sales/${first.body.id}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }] },
    });
    expect(back.status).toBe(201);
    expect((await memberState(shop, referrer)).points).toBe(0);
    expect((await ledger(referrer)).filter((row) => row.reason === 'referral_back')).toEqual([
      expect.objectContaining({ delta: -500 }),
    ]);
    expect(await couponStatus(shop, reward?.code as string)).toBe('voided');

    // Buying again is not a first purchase: nothing is given twice.
    expect((await buyDress(newcomer)).status).toBe(201);
    expect((await memberState(shop, referrer)).points).toBe(0);

    const report = await call(shop.store, 'GET', '/api/reports/referrals', { token: shop.owner });
    expect(report.status).toBe(200);
    expect(report.body.rows).toHaveLength(1);
    expect(report.body.rows[0]).toMatchObject({
      inviteCode: code,
      referrerName: '王芳',
      newcomerName: '李新',
      firstSale: first.body.number,
      referrerPoints: 500,
      newcomerCoupon: reward?.code,
      pointsBack: 500,
      pointsWrittenOff: 0,
      couponsVoided: reward?.code,
      couponsKept: '',
    });
    const csv = await call(shop.store, 'GET', '/api/reports/referrals?format=csv', { token: shop.owner });
    expect(csv.status).toBe(200);
    expect(String(csv.body)).toContain(code);
  });

  it('a partial return keeps the rewards; the whole one takes back what is held, spent points written off', async () => {
    await runReferrals({ newcomer: { kind: 'points', points: 300 } });
    const referrer = await member(shop);
    expect((await joinWith(await inviteCodeOf(referrer), '13700009903')).status).toBe(201);
    const newcomer = await newcomerId('13700009903');
    const first = await sell(shop, {
      memberId: newcomer,
      lines: [
        { skuId: shop.dress.skus[0]?.id, qty: 1 },
        { skuId: shop.shirt.skus[0]?.id, qty: 1 },
      ],
      payments: [{ method: 'cash', amount: 40000 }],
    });
    expect(first.status).toBe(201);
    const earned = first.body.pointsEarned as number;
    expect((await memberState(shop, newcomer)).points).toBe(earned + 300);
    const partial = await call(shop.store, 'POST', `/api/sales/${first.body.id}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }] },
    });
    expect(partial.status).toBe(201);
    expect((await memberState(shop, referrer)).points).toBe(500);
    expect((await memberState(shop, newcomer)).points).toBe(earned - partial.body.pointsTakenBack + 300);
    // The referrer spends 200 of the 500 before the rest comes back.
    const spent = await call(shop.store, 'POST', `/api/members/${referrer}/points/adjustments`, {
      token: shop.owner,
      body: { id: randomUUID(), delta: -200, reason: '兑换礼品' },
    });
    expect(spent.status).toBe(201);
    const rest = await call(shop.store, 'POST', `/api/sales/${first.body.id}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }] },
    });
    expect(rest.status).toBe(201);
    expect((await memberState(shop, referrer)).points).toBe(0);
    expect((await memberState(shop, newcomer)).points).toBe(0);
    const report = (await call(shop.store, 'GET', '/api/reports/referrals', { token: shop.owner })).body;
    expect(report.rows[0]).toMatchObject({
      referrerPoints: 500,
      newcomerPoints: 300,
      pointsBack: 600,
      pointsWrittenOff: 200,
    });
  });
});
