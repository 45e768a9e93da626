import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { member, memberState, type Shop, sell } from '../sales/test-shop.js';
import { codeOf, later, openPayShop, pay, simulatorOf } from './test-payments.js';

let shop: Shop;
beforeEach(async () => {
  shop = await openPayShop();
});
afterEach(() => shop.store.close());

const get = (id: string) => call(shop.store, 'GET', `/api/payments/${id}`, { token: shop.cashier.token });
const shirt = () => [{ skuId: shop.shirt.skus[0]?.id as string, qty: 1 }];
const giveBack = (saleId: string, body: Record<string, unknown>) =>
  call(shop.store, 'POST', `/api/sales/${saleId}/returns`, {
    token: shop.cashier.token,
    body: { id: randomUUID(), ...body },
  });

async function trade(outTradeNoOf: string) {
  const row = await shop.store.ctx.storage.db
    .selectFrom('payments')
    .select('out_trade_no')
    .where('id', '=', outTradeNoOf)
    .executeTakeFirstOrThrow();
  const sim = await simulatorOf(shop);
  return sim.records.all().trades.find((t) => t.outTradeNo === row.out_trade_no);
}

describe('POST /api/payments (API.md "Mobile payment")', () => {
  it('chooses the provider from the code and refuses a code of neither', async () => {
    const wechat = await pay(shop, { amount: 10000, authCode: codeOf('wechat', '1') });
    expect(wechat.status).toBe(201);
    expect(wechat.body).toMatchObject({ provider: 'wechat', status: 'succeeded', amount: 10000 });
    const alipay = await pay(shop, { amount: 10000, authCode: codeOf('alipay', '1') });
    expect(alipay.body).toMatchObject({ provider: 'alipay', status: 'succeeded' });
    const neither = await pay(shop, { amount: 10000, authCode: '990000000000000001' });
    expect(neither.status).toBe(400);
    expect(Object.keys(neither.body.error.fields)).toEqual(['body.authCode']);
    const letters = await pay(shop, { amount: 0, authCode: 'abc' });
    expect(letters.status).toBe(400);
    expect(Object.keys(letters.body.error.fields).sort()).toEqual(['body.amount', 'body.authCode']);
  });

  it('20 resends of one payment charge the customer once; the same id with another body is 409', async () => {
    const id = randomUUID();
    const authCode = codeOf('wechat', '1');
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => pay(shop, { id, amount: 10000, authCode })),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    const sim = await simulatorOf(shop);
    expect(sim.records.all().trades).toHaveLength(1);
    expect((await get(id)).body.status).toBe('succeeded');
    const other = await pay(shop, { id, amount: 9000, authCode });
    expect(other.status).toBe(409);
    expect(sim.records.all().trades).toHaveLength(1);
  });

  it('cashiers and managers take payments; a lookup kiosk cannot', async () => {
    const none = await call(shop.store, 'POST', '/api/payments', {
      body: { id: randomUUID(), amount: 100, authCode: codeOf('wechat', '1') },
    });
    expect(none.status).toBe(401);
  });
});

describe.each(['wechat', 'alipay'] as const)(
  '%s through the simulator, a real sale and return',
  (provider) => {
    async function paidSale(digit: string, settle: () => Promise<void> = async () => {}) {
      const payment = await pay(shop, { amount: 10000, authCode: codeOf(provider, digit) });
      expect(payment.status).toBe(201);
      await settle();
      const now = await get(payment.body.id);
      expect(now.body.status).toBe('succeeded');
      const sale = await sell(shop, {
        lines: shirt(),
        payments: [{ method: provider, amount: 10000, paymentId: payment.body.id }],
      });
      expect(sale.status).toBe(201);
      expect(sale.body.payments[0].reference).toBe(now.body.transactionId);
      return { paymentId: payment.body.id as string, sale: sale.body };
    }

    async function refundsBack(saleId: string, paymentId: string) {
      const back = await giveBack(saleId, { lines: shirt() });
      expect(back.status).toBe(201);
      expect(back.body.providerRefunds).toHaveLength(1);
      expect(back.body.providerRefunds[0]).toMatchObject({ paymentId, amount: 10000, id: back.body.id });
      await later(shop, 5);
      const sim = await simulatorOf(shop);
      const refund = sim.records.all().refunds.find((r) => r.outRefundNo === back.body.id);
      expect(refund).toMatchObject({ amount: 10000, state: 'SUCCESS' });
      const row = await shop.store.ctx.storage.db
        .selectFrom('payment_refunds')
        .selectAll()
        .where('id', '=', back.body.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'succeeded', refund_id: refund?.refundId });
    }

    it('1: succeeds at once; the receipt carries the transaction number; a return refunds it', async () => {
      const { paymentId, sale } = await paidSale('1');
      await refundsBack(sale.id, paymentId);
    });

    it('2: the customer confirms after two queries; the follow-up finds out', async () => {
      const { paymentId, sale } = await paidSale('2', async () => {
        await later(shop, 3);
        await later(shop, 3);
      });
      expect((await trade(paymentId))?.queries).toBeGreaterThanOrEqual(2);
      await refundsBack(sale.id, paymentId);
    });

    it('3: never confirmed: cancelled with the provider after 30 s; no sale can take it', async () => {
      const payment = await pay(shop, { amount: 10000, authCode: codeOf(provider, '3') });
      expect(payment.body.status).toBe('pending');
      await later(shop, 10);
      expect((await get(payment.body.id)).body.status).toBe('pending');
      await later(shop, 25);
      expect((await get(payment.body.id)).body).toMatchObject({
        status: 'cancelled',
        failure: 'not_confirmed',
      });
      expect((await trade(payment.body.id))?.state).toBe('CLOSED');
      const sale = await sell(shop, {
        lines: shirt(),
        payments: [{ method: provider, amount: 10000, paymentId: payment.body.id }],
      });
      expect(sale.status).toBe(422);
      expect(sale.body.error.fields).toHaveProperty('payments.0.paymentId');
    });

    it('3: each query of a payment still waiting writes nothing, and it is asked once per interval', async () => {
      const payment = await pay(shop, { amount: 10000, authCode: codeOf(provider, '3') });
      const stored = () =>
        shop.store.ctx.storage.db
          .selectFrom('payments')
          .select(['updated_at', 'status'])
          .where('id', '=', payment.body.id)
          .executeTakeFirstOrThrow();
      const before = await stored();
      await later(shop, 3);
      const asked = (await trade(payment.body.id))?.queries ?? 0;
      expect(asked).toBeGreaterThanOrEqual(1);
      // Asked again at once: not yet due.
      await later(shop, 0);
      expect((await trade(payment.body.id))?.queries).toBe(asked);
      await later(shop, 3);
      expect((await trade(payment.body.id))?.queries).toBe(asked + 1);
      expect(await stored()).toEqual(before);
    });

    it('4 and 7: refused (balance, expired code) say why and take nothing', async () => {
      const poor = await pay(shop, { amount: 10000, authCode: codeOf(provider, '4') });
      expect(poor.body).toMatchObject({ status: 'failed', failure: 'insufficient_balance' });
      const expired = await pay(shop, { amount: 10000, authCode: codeOf(provider, '7') });
      expect(expired.body).toMatchObject({ status: 'failed', failure: 'code_expired' });
    });

    it('5: SYSTEMERROR although paid: the server queries before deciding and finds it paid', async () => {
      const { paymentId, sale } = await paidSale('5');
      await refundsBack(sale.id, paymentId);
    });

    it('6: the answer is lost after the provider took the money: found by query', async () => {
      const { paymentId, sale } = await paidSale('6');
      await refundsBack(sale.id, paymentId);
    });

    it('a cashier cancels a pending payment; a paid one no sale used is refunded in full', async () => {
      const waiting = await pay(shop, { amount: 10000, authCode: codeOf(provider, '3') });
      const cancelled = await call(shop.store, 'POST', `/api/payments/${waiting.body.id}/cancel`, {
        token: shop.cashier.token,
      });
      expect(cancelled.body).toMatchObject({ status: 'cancelled', failure: 'cancelled_by_cashier' });
      expect(cancelled.body.refundedOnCancel).toBeUndefined();

      const paid = await pay(shop, { amount: 5000, authCode: codeOf(provider, '1') });
      const unfinished = await call(shop.store, 'GET', '/api/payments/unfinished', {
        token: shop.cashier.token,
      });
      expect(unfinished.body.items.map((p: { id: string }) => p.id)).toEqual([paid.body.id]);
      const back = await call(shop.store, 'POST', `/api/payments/${paid.body.id}/cancel`, {
        token: shop.cashier.token,
      });
      expect(back.body).toMatchObject({ status: 'cancelled', refundedOnCancel: true });
      await later(shop, 5);
      const sim = await simulatorOf(shop);
      const row = await trade(paid.body.id);
      const refunds = sim.records.all().refunds.filter((r) => r.outTradeNo === row?.outTradeNo);
      expect(refunds.map((r) => [r.amount, r.state])).toEqual([[5000, 'SUCCESS']]);
      const after = await call(shop.store, 'GET', '/api/payments/unfinished', { token: shop.cashier.token });
      expect(after.body.items).toEqual([]);
    });
  },
);

describe('a payment as a sale tender', () => {
  it('serves one sale, at its own amount, and not a training sale', async () => {
    const payment = await pay(shop, { amount: 10000, authCode: codeOf('wechat', '1') });
    const wrong = await sell(shop, {
      lines: shirt(),
      payments: [
        { method: 'wechat', amount: 5000, paymentId: payment.body.id },
        { method: 'cash', amount: 5000 },
      ],
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.fields).toHaveProperty('payments.0.amount');
    const other = await sell(shop, {
      lines: shirt(),
      payments: [{ method: 'alipay', amount: 10000, paymentId: payment.body.id }],
    });
    expect(other.body.error.fields).toHaveProperty('payments.0.method');
    const first = await sell(shop, {
      lines: shirt(),
      payments: [{ method: 'wechat', amount: 10000, paymentId: payment.body.id }],
    });
    expect(first.status).toBe(201);
    const second = await sell(shop, {
      lines: shirt(),
      payments: [{ method: 'wechat', amount: 10000, paymentId: payment.body.id }],
    });
    expect(second.status).toBe(409);
    expect((await get(payment.body.id)).body.saleId).toBe(first.body.id);
    const cancel = await call(shop.store, 'POST', `/api/payments/${payment.body.id}/cancel`, {
      token: shop.cashier.token,
    });
    expect(cancel.status).toBe(409);
  });

  it('mixed tenders: part stored value, the rest WeChat; a partial return refunds each its share', async () => {
    const memberId = await member(shop, 50000);
    const payment = await pay(shop, { amount: 30000, authCode: codeOf('wechat', '1') });
    const sale = await sell(shop, {
      memberId,
      lines: [
        { skuId: shop.dress.skus[0]?.id as string, qty: 1 },
        { skuId: shop.shirt.skus[0]?.id as string, qty: 1 },
      ],
      payments: [
        { method: 'stored_value', amount: 10000 },
        { method: 'wechat', amount: 30000, paymentId: payment.body.id },
      ],
    });
    expect(sale.status).toBe(201);
    const storedAfterSale = (await memberState(shop, memberId)).storedValue;
    const back = await giveBack(sale.body.id, {
      lines: [{ skuId: shop.dress.skus[0]?.id as string, qty: 1 }],
    });
    expect(back.status).toBe(201);
    const wechat = back.body.refund.find((r: { method: string }) => r.method === 'wechat').amount;
    const stored = back.body.refund.find((r: { method: string }) => r.method === 'stored_value').amount;
    expect(wechat + stored).toBe(30000);
    expect(back.body.providerRefunds.map((r: { amount: number }) => r.amount)).toEqual([wechat]);
    expect((await memberState(shop, memberId)).storedValue).toBe(storedAfterSale + stored);
    // The same return again: the first answer, no second refund at the provider.
    const again = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/returns`, {
      token: shop.cashier.token,
      body: { id: back.body.id, lines: [{ skuId: shop.dress.skus[0]?.id as string, qty: 1 }] },
    });
    expect(again.status).toBe(200);
    await later(shop, 5);
    const sim = await simulatorOf(shop);
    expect(sim.records.all().refunds.map((r) => r.amount)).toEqual([wechat]);
  });

  it('a void refunds the mobile payment in full through its provider', async () => {
    const payment = await pay(shop, { amount: 10000, authCode: codeOf('alipay', '1') });
    const sale = await sell(shop, {
      lines: shirt(),
      payments: [{ method: 'alipay', amount: 10000, paymentId: payment.body.id }],
    });
    const voided = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/void`, {
      token: shop.manager.token,
      body: { reason: '顾客不要了' },
    });
    expect(voided.status).toBe(200);
    const sim = await simulatorOf(shop);
    expect(sim.records.all().refunds.map((r) => [r.outRefundNo, r.amount, r.state])).toEqual([
      [`void-${sale.body.id}`, 10000, 'SUCCESS'],
    ]);
  });
});

describe('signatures, both ways', () => {
  it('an answer not signed by the provider is no answer: the payment stays pending until a signed one', async () => {
    const sim = await simulatorOf(shop);
    sim.forgeAnswers = true;
    const payment = await pay(shop, { amount: 10000, authCode: codeOf('alipay', '1') });
    expect(payment.body.status).toBe('pending');
    sim.forgeAnswers = false;
    await later(shop, 5);
    expect((await get(payment.body.id)).body.status).toBe('succeeded');
  });
});
