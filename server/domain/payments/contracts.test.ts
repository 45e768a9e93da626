import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { type Shop, sell } from '../sales/test-shop.js';
import { gatewaysOf } from './gateways.js';
import type { SimulatedContract } from './merchant-setup.js';
import { codeOf, later, openPayShop, pay, simulatorOf } from './test-payments.js';
import { refundRequestNo, UpayGateway } from './upay.js';
import { WechatV2Gateway } from './wechat-v2.js';

/**
 * The two other contracts a shop may have signed, every last-digit behaviour of API.md through
 * a real sale and return: WeChat Pay API v2 (`micropay`, XML, the API key's sign) and 收钱吧
 * (one terminal for both wallets, MD5 Authorization). The simulator speaks both wire formats.
 */

let shop: Shop;
afterEach(() => shop?.store.close());

const get = (id: string) => call(shop.store, 'GET', `/api/payments/${id}`, { token: shop.cashier.token });
const shirt = () => [{ skuId: shop.shirt.skus[0]?.id as string, qty: 1 }];

async function trade(paymentId: string) {
  const row = await shop.store.ctx.storage.db
    .selectFrom('payments')
    .select('out_trade_no')
    .where('id', '=', paymentId)
    .executeTakeFirstOrThrow();
  const sim = await simulatorOf(shop);
  return sim.records.all().trades.find((t) => t.outTradeNo === row.out_trade_no);
}

const cases: [SimulatedContract, 'wechat' | 'alipay'][] = [
  ['wechat_v2', 'wechat'],
  ['upay', 'wechat'],
  ['upay', 'alipay'],
];

// Generous: a shop, its migrations and a simulator start per test on a shared, loaded machine.
describe.each(cases)('%s: %s codes through the simulator', { timeout: 90_000 }, (contract, provider) => {
  /** How the simulator names a return's refund: WeChat v2 by out_refund_no, 收钱吧 by client_tsn. */
  const refundName = (outTradeNo: string, returnId: string) =>
    contract === 'upay' ? `${outTradeNo}-${refundRequestNo(returnId)}` : returnId;

  /** A shop whose simulator plays the contract, its payments going through that gateway. */
  async function open() {
    shop = await openPayShop(contract);
    const { byProvider } = await gatewaysOf(shop.store.ctx);
    expect(byProvider[provider]).toBeInstanceOf(contract === 'upay' ? UpayGateway : WechatV2Gateway);
  }

  async function paidSale(digit: string, settle: () => Promise<void> = async () => {}) {
    await open();
    const payment = await pay(shop, { amount: 10000, authCode: codeOf(provider, digit) });
    expect(payment.status).toBe(201);
    expect(payment.body.provider).toBe(provider);
    await settle();
    const now = await get(payment.body.id);
    expect(now.body.status).toBe('succeeded');
    // The wallet stays the code's; the aggregator it went through is recorded.
    expect(now.body.aggregator).toBe(contract === 'upay' ? 'upay' : undefined);
    const sale = await sell(shop, {
      lines: shirt(),
      payments: [{ method: provider, amount: 10000, paymentId: payment.body.id }],
    });
    expect(sale.status).toBe(201);
    expect(sale.body.payments[0].reference).toBe(now.body.transactionId);
    expect((await trade(payment.body.id))?.transactionId).toBe(now.body.transactionId);
    return { paymentId: payment.body.id as string, saleId: sale.body.id as string };
  }

  async function refundsBack(saleId: string, paymentId: string) {
    const back = await call(shop.store, 'POST', `/api/sales/${saleId}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: shirt() },
    });
    expect(back.status).toBe(201);
    expect(back.body.providerRefunds[0]).toMatchObject({ paymentId, amount: 10000, id: back.body.id });
    await later(shop, 5);
    const sim = await simulatorOf(shop);
    const outTradeNo = (await trade(paymentId))?.outTradeNo as string;
    const refunds = sim.records.all().refunds.filter((r) => r.outTradeNo === outTradeNo);
    expect(refunds.map((r) => [r.outRefundNo, r.amount, r.state])).toEqual([
      [refundName(outTradeNo, back.body.id), 10000, 'SUCCESS'],
    ]);
    const row = await shop.store.ctx.storage.db
      .selectFrom('payment_refunds')
      .selectAll()
      .where('id', '=', back.body.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'succeeded', refund_id: refunds[0]?.refundId });
  }

  it('1: succeeds at once; the receipt carries the transaction number; a return refunds it', async () => {
    const { paymentId, saleId } = await paidSale('1');
    await refundsBack(saleId, paymentId);
  });

  it('2: the customer confirms after two queries; the follow-up finds out', async () => {
    const { paymentId, saleId } = await paidSale('2', async () => {
      await later(shop, 3);
      await later(shop, 3);
    });
    expect((await trade(paymentId))?.queries).toBeGreaterThanOrEqual(2);
    await refundsBack(saleId, paymentId);
  });

  it('3: never confirmed: cancelled with the provider after 30 s; no sale can take it', async () => {
    await open();
    const payment = await pay(shop, { amount: 10000, authCode: codeOf(provider, '3') });
    expect(payment.body.status).toBe('pending');
    await later(shop, 10);
    expect((await get(payment.body.id)).body.status).toBe('pending');
    await later(shop, 25);
    if (contract === 'wechat_v2') {
      // The first reverse answered recall=Y: nothing decided, the next round reverses again.
      expect((await get(payment.body.id)).body.status).toBe('pending');
      await later(shop, 3);
    }
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
  });

  it('4 and 7: refused (balance, expired code) say why and take nothing', async () => {
    await open();
    const poor = await pay(shop, { amount: 10000, authCode: codeOf(provider, '4') });
    expect(poor.body).toMatchObject({ status: 'failed', failure: 'insufficient_balance' });
    const expired = await pay(shop, { amount: 10000, authCode: codeOf(provider, '7') });
    expect(expired.body).toMatchObject({ status: 'failed', failure: 'code_expired' });
    const sim = await simulatorOf(shop);
    expect(sim.records.all().trades.map((t) => t.state)).toEqual(['REFUSED', 'REFUSED']);
  });

  it('5: SYSTEMERROR although paid: the server queries before deciding and finds it paid', async () => {
    const { paymentId, saleId } = await paidSale('5');
    await refundsBack(saleId, paymentId);
  });

  it('6: the answer is lost after the provider took the money: found by query', async () => {
    const { paymentId, saleId } = await paidSale('6');
    await refundsBack(saleId, paymentId);
  });

  it('a cashier cancels a pending payment; a paid one no sale used is refunded in full', async () => {
    await open();
    const waiting = await pay(shop, { amount: 10000, authCode: codeOf(provider, '3') });
    let cancelled = await call(shop.store, 'POST', `/api/payments/${waiting.body.id}/cancel`, {
      token: shop.cashier.token,
    });
    if (contract === 'wechat_v2') {
      expect(cancelled.body.status).toBe('pending');
      await later(shop, 3);
      cancelled = await get(waiting.body.id);
    }
    expect(cancelled.body).toMatchObject({ status: 'cancelled', failure: 'cancelled_by_cashier' });

    const paid = await pay(shop, { amount: 5000, authCode: codeOf(provider, '1') });
    const back = await call(shop.store, 'POST', `/api/payments/${paid.body.id}/cancel`, {
      token: shop.cashier.token,
    });
    expect(back.body).toMatchObject({ status: 'cancelled', refundedOnCancel: true });
    await later(shop, 5);
    const sim = await simulatorOf(shop);
    const row = await trade(paid.body.id);
    const refunds = sim.records.all().refunds.filter((r) => r.outTradeNo === row?.outTradeNo);
    expect(refunds.map((r) => [r.amount, r.state])).toEqual([[5000, 'SUCCESS']]);
    const unfinished = await call(shop.store, 'GET', '/api/payments/unfinished', {
      token: shop.cashier.token,
    });
    expect(unfinished.body.items).toEqual([]);
  });
});
