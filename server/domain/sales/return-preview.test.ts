import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call, login } from '../../testing/client.js';
import { counts, coupon, member, openShop, type Shop, sell } from './test-shop.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openShop();
});
afterEach(() => shop.store.close());

const dress = () => shop.dress.skus[0]?.id as string;
const shirt = () => shop.shirt.skus[0]?.id as string;

const post = (path: string, body: unknown, token = shop.cashier.token, headers?: Record<string, string>) =>
  call(shop.store, 'POST', path, { token, body, ...(headers && { headers }) });

/** What a preview and the return it previews both say, without the return's own id, number and time. */
function comparable(body: Record<string, unknown>) {
  const { id: _id, number: _number, at: _at, approverId: _approver, providerRefunds: _p, ...rest } = body;
  const { tenders: _tenders, beyondTenders: _beyond, approvalNeeded: _needed, ...result } = rest;
  return result;
}

describe('POST /api/sales/:id/returns/preview', () => {
  it('says what the same body then gives back — lines, points, coupons, the refund per tender — and keeps nothing', async () => {
    const memberId = await member(shop, 50000);
    await post(
      `/api/members/${memberId}/points/adjustments`,
      { id: randomUUID(), delta: 1000, reason: 'welcome' },
      shop.owner,
    );
    const code = await coupon(shop, memberId, 3000, 30000);
    const sale = await sell(shop, {
      memberId,
      couponCodes: [code],
      redeemPoints: 1000,
      lines: [
        { skuId: dress(), qty: 1 },
        { skuId: shirt(), qty: 2 },
      ],
      payments: [
        { method: 'stored_value', amount: 20000 },
        { method: 'card', amount: 6000 },
        { method: 'cash', amount: 20000 },
      ],
    });
    expect(sale.status).toBe(201);

    // A part first: each tender its share, points taken back and given back, no coupon yet.
    const part = { id: randomUUID(), lines: [{ skuId: shirt(), qty: 1 }] };
    const before = await counts(shop);
    const preview = await post(`/api/sales/${sale.body.id}/returns/preview`, part);
    expect(preview.status).toBe(200);
    expect(await counts(shop)).toEqual(before);
    expect(preview.body.tenders).toEqual([
      { method: 'stored_value', paid: 20000, left: 20000 },
      { method: 'card', paid: 6000, left: 6000 },
      { method: 'cash', paid: 20000, left: 20000 },
    ]);
    expect(preview.body).toMatchObject({ beyondTenders: [], approvalNeeded: [], couponsReleased: [] });
    expect(preview.body.refund).toHaveLength(3);
    expect(preview.body.pointsGivenBack).toBeGreaterThan(0);
    const done = await post(`/api/sales/${sale.body.id}/returns`, part);
    expect(done.status).toBe(201);
    expect(comparable(preview.body)).toEqual(comparable(done.body));

    // The rest: the coupon comes back too, and the tenders have less left.
    const rest = {
      id: randomUUID(),
      lines: [
        { skuId: dress(), qty: 1 },
        { skuId: shirt(), qty: 1 },
      ],
    };
    const last = await post(`/api/sales/${sale.body.id}/returns/preview`, rest);
    expect(last.body.couponsReleased).toEqual([code]);
    expect(last.body.tenders).toEqual(
      done.body.refund.map((r: { method: string; amount: number }) => ({
        method: r.method,
        paid: { stored_value: 20000, card: 6000, cash: 20000 }[r.method],
        left: { stored_value: 20000, card: 6000, cash: 20000 }[r.method as 'cash'] - r.amount,
      })),
    );
    const all = await post(`/api/sales/${sale.body.id}/returns`, rest);
    expect(comparable(last.body)).toEqual(comparable(all.body));
    // The return numbers the preview did not take: the two returns are R0001 and R0002.
    expect([done.body.number, all.body.number].map((n: string) => n.slice(-5))).toEqual(['R0001', 'R0002']);
  });

  it('shows cash beyond the tenders and who must approve it; the approved return then does just that', async () => {
    const sale = await sell(shop, {
      lines: [{ skuId: shirt(), qty: 2 }],
      payments: [
        { method: 'card', amount: 15000, reference: 'POS-1' },
        { method: 'cash', amount: 5000 },
      ],
    });
    const asked = {
      id: randomUUID(),
      lines: [{ skuId: shirt(), qty: 1 }],
      refund: [{ method: 'cash', amount: 10000 }],
      reason: '银行卡已注销',
    };
    const cashier = await post(`/api/sales/${sale.body.id}/returns/preview`, asked);
    expect(cashier.status).toBe(200);
    expect(cashier.body).toMatchObject({
      refund: [{ method: 'cash', amount: 10000 }],
      beyondTenders: [{ method: 'cash', amount: 5000 }],
      approvalNeeded: ['beyond_tenders'],
    });
    // A manager may alone: the same money beyond the tenders, no approval to ask for.
    const manager = await post(`/api/sales/${sale.body.id}/returns/preview`, asked, shop.manager.token);
    expect(manager.body).toMatchObject({
      beyondTenders: [{ method: 'cash', amount: 5000 }],
      approvalNeeded: [],
    });
    const refused = await post(`/api/sales/${sale.body.id}/returns`, asked);
    expect(refused.status).toBe(403);
    const approved = await post(`/api/sales/${sale.body.id}/returns`, asked, shop.cashier.token, {
      'Hanger-Approval-User': shop.manager.username,
      'Hanger-Approval-Pin': shop.manager.pin,
    });
    expect(approved.status).toBe(201);
    expect(comparable(cashier.body)).toEqual(comparable(approved.body));
    // The return made, its id previews no more.
    const again = await post(`/api/sales/${sale.body.id}/returns/preview`, asked);
    expect(again.status).toBe(409);
    expect(again.body.error.fields).toEqual({ id: 'already used' });
  });

  it('names a late return, and refuses what the return would refuse, with the same fields', async () => {
    const sale = await sell(shop, {
      lines: [{ skuId: shirt(), qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    const tooMany = await post(`/api/sales/${sale.body.id}/returns/preview`, {
      id: randomUUID(),
      lines: [{ skuId: shirt(), qty: 2 }],
    });
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.fields).toEqual({ 'lines.0.qty': 'only 1 left to return' });
    shop.store.clock.advance(31 * 86_400_000);
    shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
    const late = await post(`/api/sales/${sale.body.id}/returns/preview`, {
      id: randomUUID(),
      lines: [{ skuId: shirt(), qty: 1 }],
    });
    expect(late.status).toBe(200);
    expect(late.body).toMatchObject({
      refund: [{ method: 'cash', amount: 10000 }],
      approvalNeeded: ['late'],
    });
  });
});
