import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, login } from '../../testing/client.js';
import { OWNER_PASSWORD } from '../../testing/harness.js';
import {
  counts,
  coupon,
  couponStatus,
  member,
  memberState,
  onHand,
  openShop,
  type Shop,
  sell,
} from './test-shop.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const approval = () => ({
  'Hanger-Approval-User': shop.manager.username,
  'Hanger-Approval-Pin': shop.manager.pin,
});
const giveReturn = (
  saleId: string,
  body: Record<string, unknown>,
  token = shop.cashier.token,
  headers?: Record<string, string>,
) =>
  call(shop.store, 'POST', `/api/sales/${saleId}/returns`, {
    token,
    body: { id: randomUUID(), ...body },
    ...(headers && { headers }),
  });

async function everything(memberId: string, code: string | null) {
  return {
    member: await memberState(shop, memberId),
    dress: await onHand(shop, shop.dress.skus[0]?.id as string),
    shirt: await onHand(shop, shop.shirt.skus[0]?.id as string),
    coupon: code ? await couponStatus(shop, code) : null,
  };
}

async function advanceDays(days: number) {
  shop.store.clock.advance(days * 86_400_000);
  shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
  shop.manager.token = await login(shop.store, shop.manager.username, shop.manager.password);
  shop.owner = await login(shop.store, 'owner', OWNER_PASSWORD);
}

describe('returns (API.md POST /api/sales/:id/returns)', () => {
  it('a full return leaves stock, points, stored value and coupon exactly as before the sale', async () => {
    const memberId = await member(shop, 100000);
    await call(shop.store, 'POST', `/api/members/${memberId}/points/adjustments`, {
      token: shop.owner,
      body: { id: randomUUID(), delta: 1000, reason: 'welcome' },
    });
    const code = await coupon(shop, memberId, 3000, 30000);
    const before = await everything(memberId, code);
    const sale = await sell(shop, {
      memberId,
      couponCodes: [code],
      redeemPoints: 1000,
      lines: [
        { skuId: shop.dress.skus[0]?.id, qty: 1 },
        { skuId: shop.shirt.skus[0]?.id, qty: 2 },
      ],
      payments: [
        { method: 'stored_value', amount: 20000 },
        { method: 'cash', amount: 26000 },
      ],
    });
    expect(sale.status).toBe(201);
    expect(sale.body.total).toBe(50000 - 3000 - 1000);
    const first = await giveReturn(sale.body.id, { lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }] });
    expect(first.status).toBe(201);
    const rest = await giveReturn(sale.body.id, {
      lines: [
        { skuId: shop.dress.skus[0]?.id, qty: 1 },
        { skuId: shop.shirt.skus[0]?.id, qty: 1 },
      ],
    });
    expect(rest.status).toBe(201);
    expect(rest.body.couponsReleased).toEqual([code]);
    expect(first.body.refundTotal + rest.body.refundTotal).toBe(46000);
    expect(await everything(memberId, code)).toEqual(before);
    // Nothing more can come back.
    const more = await giveReturn(sale.body.id, { lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }] });
    expect(more.status).toBe(422);
    expect(more.body.error.fields).toEqual({ 'lines.0.qty': 'only 0 left to return' });
    const view = await call(shop.store, 'GET', `/api/sales/${sale.body.id}`, { token: shop.cashier.token });
    expect(view.body.returns).toHaveLength(2);
  });

  it('a partial return leaves stock, points, stored value and coupon as if only the kept goods had been sold', async () => {
    const a = await member(shop, 50000);
    const b = await member(shop, 50000);
    const couponA = await coupon(shop, a, 10, 0, 'percent');
    const couponB = await coupon(shop, b, 10, 0, 'percent');
    const dress = shop.dress.skus[0]?.id as string;
    const shirt = shop.shirt.skus[0]?.id as string;
    const bought = await sell(shop, {
      memberId: a,
      couponCodes: [couponA],
      lines: [
        { skuId: dress, qty: 1 },
        { skuId: shirt, qty: 1 },
      ],
      payments: [
        { method: 'stored_value', amount: 20000 },
        { method: 'cash', amount: 16000 },
      ],
    });
    expect(bought.body.total).toBe(36000);
    const back = await giveReturn(bought.body.id, { lines: [{ skuId: shirt, qty: 1 }] });
    // Each tender its share: 20000/36000 of 9000 to stored value, 16000/36000 in cash.
    expect(back.body).toMatchObject({
      amount: 9000,
      refundTotal: 9000,
      refund: [
        { method: 'stored_value', amount: 5000 },
        { method: 'cash', amount: 4000 },
      ],
    });
    const afterA = await everything(a, couponA);
    const stockAfterA = { dress: afterA.dress, shirt: afterA.shirt };

    // The same customer story without the shirt, for member b.
    const only = await sell(shop, {
      memberId: b,
      couponCodes: [couponB],
      lines: [{ skuId: dress, qty: 1 }],
      payments: [
        { method: 'stored_value', amount: 15000 },
        { method: 'cash', amount: 12000 },
      ],
    });
    expect(only.body.total).toBe(27000);
    const afterB = await everything(b, couponB);
    expect(afterA.member).toEqual(afterB.member);
    expect(afterA.coupon).toEqual(afterB.coupon);
    // Stock: the shirt is back (10), one dress out for each story.
    expect(stockAfterA).toEqual({ dress: 9, shirt: 10 });
    expect({ dress: afterB.dress, shirt: afterB.shirt }).toEqual({ dress: 8, shirt: 10 });
  });

  it('keeps back the value of earned points the member already spent; stored value goes back to the member', async () => {
    const memberId = await member(shop, 50000);
    const start = (await memberState(shop, memberId)).storedValue;
    const sale = await sell(shop, {
      memberId,
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'stored_value', amount: 30000 }],
    });
    expect(sale.body.pointsEarned).toBe(300);
    const spend = await sell(shop, {
      memberId,
      redeemPoints: 300,
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 9700 }],
    });
    expect(spend.status).toBe(201);
    const held = (await memberState(shop, memberId)).points;
    const back = await giveReturn(sale.body.id, { lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }] });
    expect(back.status).toBe(201);
    expect(back.body).toMatchObject({
      pointsTakenBack: held,
      pointsShortfall: 300 - held,
      keptBack: 300 - held,
      refundTotal: 30000 - (300 - held),
    });
    expect(back.body.refund).toEqual([{ method: 'stored_value', amount: 30000 - (300 - held) }]);
    expect((await memberState(shop, memberId)).storedValue).toBe(start - (300 - held));
  });

  it('refunds as asked, never more by a tender than it paid; a late return needs a manager', async () => {
    const sale = await sell(shop, {
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 2 }],
      payments: [
        { method: 'card', amount: 5000 },
        { method: 'cash', amount: 15000 },
      ],
    });
    const before = await counts(shop);
    // More by card than the card paid is a manager's exception, as cash beyond the cash paid is.
    const tooMuchCard = await giveReturn(sale.body.id, {
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      refund: [{ method: 'card', amount: 10000 }],
    });
    expect(tooMuchCard.status).toBe(403);
    expect(tooMuchCard.body.error.fields).toEqual({ approval: 'required for sale.refund' });
    const wrongSum = await giveReturn(sale.body.id, {
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      refund: [{ method: 'cash', amount: 9000 }],
    });
    expect(wrongSum.body.error.fields).toEqual({ refund: 'must come to 10000' });
    const tooMany = await giveReturn(sale.body.id, { lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 3 }] });
    expect(tooMany.body.error.fields).toEqual({ 'lines.0.qty': 'only 2 left to return' });
    const notSold = await giveReturn(sale.body.id, { lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }] });
    expect(notSold.body.error.fields).toEqual({ 'lines.0.skuId': 'not on this sale' });
    expect(await counts(shop)).toEqual(before);

    await advanceDays(31);
    const late = await giveReturn(sale.body.id, { lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }] });
    expect(late.status).toBe(403);
    const body = { id: randomUUID(), lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }] };
    const approved = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/returns`, {
      token: shop.cashier.token,
      body,
      headers: approval(),
    });
    expect(approved.status).toBe(201);
    expect(approved.body).toMatchObject({ approverId: shop.manager.id, number: 'S001-20261225-R0001' });
    const again = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/returns`, {
      token: shop.cashier.token,
      body,
      headers: approval(),
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(approved.body);
  });

  it('a return without a receipt needs a manager', async () => {
    const body = {
      id: randomUUID(),
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      reason: '顾客无小票',
    };
    expect((await call(shop.store, 'POST', '/api/returns', { token: shop.cashier.token, body })).status).toBe(
      403,
    );
    const done = await call(shop.store, 'POST', '/api/returns', {
      token: shop.cashier.token,
      body,
      headers: approval(),
    });
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({
      kind: 'receiptless',
      refundTotal: 10000,
      refund: [{ method: 'cash', amount: 10000 }],
    });
    expect(await onHand(shop, shop.shirt.skus[0]?.id as string)).toBe(11);
  });
});

describe('exchanges', () => {
  it('returns and sells in one transaction, the difference paid or refunded', async () => {
    const sale = await sell(shop, {
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'card', amount: 30000 }],
    });
    const dearer = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/exchanges`, {
      token: shop.cashier.token,
      body: {
        id: randomUUID(),
        saleId: randomUUID(),
        returnLines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
        lines: [
          { skuId: shop.dress.skus[1]?.id, qty: 1 },
          { skuId: shop.shirt.skus[0]?.id, qty: 1 },
        ],
        payments: [{ method: 'cash', amount: 10000 }],
      },
    });
    expect(dearer.status).toBe(201);
    expect(dearer.body.difference).toBe(10000);
    expect(dearer.body.sale.payments).toEqual([
      { method: 'exchange', amount: 30000, reference: dearer.body.return.id },
      { method: 'cash', amount: 10000 },
    ]);
    expect(await onHand(shop, shop.dress.skus[0]?.id as string)).toBe(10);
    expect(await onHand(shop, shop.dress.skus[1]?.id as string)).toBe(9);

    const cheaperBody = {
      saleId: randomUUID(),
      returnLines: [{ skuId: shop.dress.skus[1]?.id, qty: 1 }],
      lines: [{ skuId: shop.shirt.skus[1]?.id, qty: 1 }],
    };
    // 10000 of the difference was paid by the exchange credit (card money): cash for it is an exception.
    const alone = await call(shop.store, 'POST', `/api/sales/${dearer.body.sale.id}/exchanges`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), ...cheaperBody },
    });
    expect(alone.status).toBe(403);
    expect(alone.body.error.fields).toEqual({ approval: 'required for sale.refund' });
    const cheaper = await call(shop.store, 'POST', `/api/sales/${dearer.body.sale.id}/exchanges`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), ...cheaperBody, reason: '原卡已注销' },
      headers: approval(),
    });
    expect(cheaper.status).toBe(201);
    expect(cheaper.body.return.approverId).toBe(shop.manager.id);
    expect(cheaper.body.difference).toBe(-20000);
    expect(cheaper.body.return.refund).toEqual([
      { method: 'exchange', amount: 10000 },
      { method: 'cash', amount: 20000 },
    ]);
    const audit = await call(shop.store, 'GET', '/api/audit?kind=sale.exchanged', { token: shop.owner });
    expect(audit.body.items.map((row: { detail: { difference: number } }) => row.detail.difference)).toEqual([
      -20000, 10000,
    ]);
    const voidExchange = await call(shop.store, 'POST', `/api/sales/${cheaper.body.sale.id}/void`, {
      token: shop.owner,
      body: { reason: '换错了' },
    });
    expect(voidExchange.body.error.fields).toEqual({ saleId: 'part of an exchange' });
  });
});

describe('void', () => {
  it('a manager voids a sale of today: everything reversed; a cashier needs approval; not another day', async () => {
    const memberId = await member(shop, 50000);
    await call(shop.store, 'POST', `/api/members/${memberId}/points/adjustments`, {
      token: shop.owner,
      body: { id: randomUUID(), delta: 500, reason: 'welcome' },
    });
    const code = await coupon(shop, memberId, 1000);
    const before = await everything(memberId, code);
    const history = () =>
      shop.store.ctx.storage.db
        .selectFrom('members')
        .select(['visits', 'spend_lifetime'])
        .where('id', '=', memberId)
        .executeTakeFirstOrThrow();
    const historyBefore = await history();
    const sale = await sell(shop, {
      memberId,
      couponCodes: [code],
      redeemPoints: 500,
      lines: [{ skuId: shop.dress.skus[0]?.id, qty: 1 }],
      payments: [
        { method: 'stored_value', amount: 10000 },
        { method: 'cash', amount: 18500 },
      ],
    });
    expect(sale.status).toBe(201);
    const path = `/api/sales/${sale.body.id}/void`;
    expect(
      (await call(shop.store, 'POST', path, { token: shop.cashier.token, body: { reason: '收错' } })).status,
    ).toBe(403);
    const voided = await call(shop.store, 'POST', path, {
      token: shop.cashier.token,
      body: { reason: '收错' },
      headers: approval(),
    });
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({
      status: 'voided',
      voided: { approverId: shop.manager.id, reason: '收错' },
    });
    expect(await everything(memberId, code)).toEqual(before);
    expect(await history()).toEqual(historyBefore);
    expect(
      (await call(shop.store, 'POST', path, { token: shop.manager.token, body: { reason: 'again' } })).status,
    ).toBe(409);

    const other = await sell(shop, {
      lines: [{ skuId: shop.shirt.skus[0]?.id, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    await advanceDays(1);
    const late = await call(shop.store, 'POST', `/api/sales/${other.body.id}/void`, {
      token: shop.manager.token,
      body: { reason: 'late' },
    });
    expect(late.status).toBe(422);
  });
});

describe('refunds go back where the money came from (issue 16)', () => {
  const dress = () => shop.dress.skus[0]?.id as string;
  const shirt = () => shop.shirt.skus[0]?.id as string;
  async function wallet(memberId: string) {
    const row = await shop.store.ctx.storage.db
      .selectFrom('members')
      .select(['stored_principal', 'stored_bonus'])
      .where('id', '=', memberId)
      .executeTakeFirstOrThrow();
    return { principal: Number(row.stored_principal), bonus: Number(row.stored_bonus) };
  }

  it('a cashier cannot turn stored value (bonus included) into cash; by default it goes back to principal and bonus', async () => {
    const memberId = await member(shop, 50000);
    expect(await wallet(memberId)).toEqual({ principal: 50000, bonus: 5000 });
    const sale = await sell(shop, {
      memberId,
      lines: [{ skuId: dress(), qty: 2 }],
      payments: [
        { method: 'stored_value', amount: 55000 },
        { method: 'cash', amount: 5000 },
      ],
    });
    expect(sale.status).toBe(201);
    const before = await counts(shop);
    const attack = await giveReturn(sale.body.id, {
      lines: [{ skuId: dress(), qty: 1 }],
      refund: [{ method: 'cash', amount: 30000 }],
    });
    expect(attack.status).toBe(403);
    expect(attack.body.error.fields).toEqual({ approval: 'required for sale.refund' });
    expect(await counts(shop)).toEqual(before);
    // Nor can stored value be asked for beyond what it paid: the same manager's exception.
    const tooMuch = await giveReturn(sale.body.id, {
      lines: [{ skuId: dress(), qty: 2 }],
      refund: [{ method: 'stored_value', amount: 60000 }],
    });
    expect(tooMuch.status).toBe(403);
    expect(tooMuch.body.error.fields).toEqual({ approval: 'required for sale.refund' });

    const first = await giveReturn(sale.body.id, { lines: [{ skuId: dress(), qty: 1 }] });
    expect(first.status).toBe(201);
    expect(first.body.refund).toEqual([
      { method: 'stored_value', amount: 27500 },
      { method: 'cash', amount: 2500 },
    ]);
    expect(await wallet(memberId)).toEqual({ principal: 25000, bonus: 2500 });
    const rest = await giveReturn(sale.body.id, { lines: [{ skuId: dress(), qty: 1 }] });
    expect(rest.body.refund).toEqual([
      { method: 'stored_value', amount: 27500 },
      { method: 'cash', amount: 2500 },
    ]);
    expect(await wallet(memberId)).toEqual({ principal: 50000, bonus: 5000 });
  });

  /**
   * A refund beyond what a tender paid: refused without a manager, then without a reason
   * (`reasonField` says which), and taken with both. Answers the return and its audit row.
   */
  async function exceptionApproved(
    saleId: string,
    asked: { lines: unknown[]; refund: unknown[] },
    reasonField: string,
    reason: string,
  ) {
    const denied = await giveReturn(saleId, asked);
    expect(denied.status).toBe(403);
    expect(denied.body.error.fields).toEqual({ approval: 'required for sale.refund' });
    const noReason = await giveReturn(saleId, asked, shop.cashier.token, approval());
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.fields).toEqual({ reason: reasonField });
    const approved = await giveReturn(saleId, { ...asked, reason }, shop.cashier.token, approval());
    expect(approved.status).toBe(201);
    expect(approved.body.approverId).toBe(shop.manager.id);
    const audit = await call(shop.store, 'GET', '/api/audit?kind=sale.returned', { token: shop.owner });
    expect(audit.body.items[0]).toMatchObject({
      approverId: shop.manager.id,
      detail: { returnId: approved.body.id, reason },
    });
    return { approved, audited: audit.body.items[0] };
  }

  it('cash for a card payment is an exception: a manager approves it with a reason, and it is audited', async () => {
    const sale = await sell(shop, {
      lines: [{ skuId: shirt(), qty: 2 }],
      payments: [
        { method: 'card', amount: 5000, reference: 'POS-1' },
        { method: 'cash', amount: 15000 },
      ],
    });
    const asked = { lines: [{ skuId: shirt(), qty: 1 }], refund: [{ method: 'cash', amount: 10000 }] };
    // Cash up to what cash paid is where the money came from: no approval.
    const ok = await giveReturn(sale.body.id, asked);
    expect(ok.status).toBe(201);
    expect(ok.body.refund).toEqual([{ method: 'cash', amount: 10000 }]);
    // Cash has 5000 left; the other 5000 came from the card.
    const { approved, audited } = await exceptionApproved(
      sale.body.id,
      asked,
      'required for a refund in cash beyond the cash paid',
      '银行卡已注销',
    );
    expect(approved.body).toMatchObject({ refund: [{ method: 'cash', amount: 10000 }] });
    expect(audited.detail).toMatchObject({ cashBeyondTenders: 5000 });
  });

  it('a card refund for a cash payment is the same exception: approved with a reason, audited', async () => {
    const sale = await sell(shop, {
      lines: [{ skuId: shirt(), qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    const asked = {
      lines: [{ skuId: shirt(), qty: 1 }],
      refund: [{ method: 'card', amount: 10000, reference: 'POS-9' }],
    };
    const { approved, audited } = await exceptionApproved(
      sale.body.id,
      asked,
      'required for a refund by card beyond what it paid',
      '顾客现金不便携带',
    );
    expect(approved.body).toMatchObject({ refund: [{ method: 'card', amount: 10000 }] });
    expect(audited.detail).toMatchObject({ beyondTenders: { card: 10000 } });
    expect(audited.detail.cashBeyondTenders).toBeUndefined();
  });

  it('a partial return refunds each tender its share of what it paid; the last return gets the rest', async () => {
    const sale = await sell(shop, {
      lines: [{ skuId: shirt(), qty: 3 }],
      payments: [
        { method: 'card', amount: 10000 },
        { method: 'wechat', amount: 10000 },
        { method: 'cash', amount: 12000 },
      ],
    });
    expect(sale.body.change).toBe(2000);
    const refunds = [];
    for (let i = 0; i < 3; i++) {
      const back = await giveReturn(sale.body.id, { lines: [{ skuId: shirt(), qty: 1 }] });
      expect(back.status).toBe(201);
      refunds.push(back.body.refund);
    }
    expect(refunds).toEqual([
      [
        { method: 'card', amount: 3334 },
        { method: 'wechat', amount: 3333 },
        { method: 'cash', amount: 3333 },
      ],
      [
        { method: 'card', amount: 3333 },
        { method: 'wechat', amount: 3334 },
        { method: 'cash', amount: 3333 },
      ],
      [
        { method: 'card', amount: 3333 },
        { method: 'wechat', amount: 3333 },
        { method: 'cash', amount: 3334 },
      ],
    ]);
  });

  it('without a receipt no tender is known: cash unless said, never stored value, always a manager', async () => {
    const receiptless = (refund?: unknown[], headers: Record<string, string> = approval()) =>
      call(shop.store, 'POST', '/api/returns', {
        token: shop.cashier.token,
        body: {
          id: randomUUID(),
          lines: [{ skuId: shirt(), qty: 1 }],
          reason: '顾客无小票',
          ...(refund && { refund }),
        },
        headers,
      });
    expect((await receiptless(undefined, {})).status).toBe(403);
    expect((await receiptless()).body.refund).toEqual([{ method: 'cash', amount: 10000 }]);
    const stored = await receiptless([{ method: 'stored_value', amount: 10000 }]);
    expect(stored.body.error.fields).toEqual({ 'refund.0.method': 'not without a receipt' });
    expect((await receiptless([{ method: 'card', amount: 10000 }])).body.refund).toEqual([
      { method: 'card', amount: 10000 },
    ]);
  });

  it('random partial returns never give a tender more than it paid and, all back, restore stock and balances (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 0, max: 9999 }),
        fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 4 }),
        async (dresses, shirts, storedPercent, cardPercent, change, steps) => {
          const memberId = await member(shop, 50000);
          const before = {
            ...(await memberState(shop, memberId)),
            wallet: await wallet(memberId),
            dress: await onHand(shop, dress()),
            shirt: await onHand(shop, shirt()),
          };
          const total = dresses * 30000 + shirts * 10000;
          // Three tenders: stored value (at most the 55000 held), card, and cash with change.
          const stored = Math.min(55000, Math.floor((total * storedPercent) / 100));
          const card = Math.floor(((total - stored) * cardPercent) / 100);
          const cash = total - stored - card + change;
          const payments = [
            { method: 'stored_value', amount: stored },
            { method: 'card', amount: card },
            { method: 'cash', amount: cash },
          ];
          const sale = await sell(shop, {
            memberId,
            lines: [
              { skuId: dress(), qty: dresses },
              { skuId: shirt(), qty: shirts },
            ],
            payments,
          });
          expect(sale.status).toBe(201);
          const paid = new Map([
            ['stored_value', stored],
            ['card', card],
            ['cash', cash - sale.body.change],
          ]);
          const back = new Map<string, number>();
          let left = { dress: dresses, shirt: shirts };
          // A few units at a time, dresses and shirts in turn, then all that is left.
          for (const [i, step] of [...steps, 0].entries()) {
            const all = step === 0;
            const lines = [
              { skuId: dress(), qty: Math.min(left.dress, all ? 99 : i % 2 === 0 ? step : 0) },
              { skuId: shirt(), qty: Math.min(left.shirt, all ? 99 : i % 2 === 1 ? step : 0) },
            ].filter((l) => l.qty > 0);
            if (lines.length === 0) continue;
            const reply = await giveReturn(sale.body.id, { lines });
            expect(reply.status).toBe(201);
            for (const r of reply.body.refund as { method: string; amount: number }[]) {
              back.set(r.method, (back.get(r.method) ?? 0) + r.amount);
              expect(back.get(r.method)).toBeLessThanOrEqual(paid.get(r.method) ?? 0);
            }
            // Each tender within 2 fen of its share of all refunded so far.
            const sofar = [...back.values()].reduce((sum, n) => sum + n, 0);
            for (const [method, amount] of paid) {
              expect(Math.abs((back.get(method) ?? 0) - (amount * sofar) / total)).toBeLessThanOrEqual(2);
            }
            left = {
              dress: left.dress - (lines.find((l) => l.skuId === dress())?.qty ?? 0),
              shirt: left.shirt - (lines.find((l) => l.skuId === shirt())?.qty ?? 0),
            };
          }
          for (const [method, amount] of paid) expect(back.get(method) ?? 0).toBe(amount);
          expect({
            ...(await memberState(shop, memberId)),
            wallet: await wallet(memberId),
            dress: await onHand(shop, dress()),
            shirt: await onHand(shop, shirt()),
          }).toEqual(before);
        },
      ),
      { numRuns: 10 },
    );
  }, 120_000);
});
