import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { type Shop, sell } from '../sales/test-shop.js';
import { gatewaysOf } from './gateways.js';
import type { SimulatedContract } from './merchant-setup.js';
import { later, openPayShop, pay, simulatorOf } from './test-payments.js';
import { refundRequestNo, UpayGateway } from './upay.js';
import { WechatV2Gateway } from './wechat-v2.js';

/**
 * The other way round: the customer display shows the provider's QR code for the exact amount
 * (WeChat Native / Alipay precreate) and the customer scans it; the simulator's
 * `scanAndPay` is that customer.
 */

let shop: Shop;
afterEach(() => shop.store.close());

const get = (id: string) => call(shop.store, 'GET', `/api/payments/${id}`, { token: shop.cashier.token });
const cancel = (id: string) =>
  call(shop.store, 'POST', `/api/payments/${id}/cancel`, { token: shop.cashier.token });
const shirt = () => [{ skuId: shop.shirt.skus[0]?.id as string, qty: 1 }];

/** The simulated provider's record of a payment's order. */
async function trade(paymentId: string) {
  const row = await shop.store.ctx.storage.db
    .selectFrom('payments')
    .select('out_trade_no')
    .where('id', '=', paymentId)
    .executeTakeFirstOrThrow();
  return (await simulatorOf(shop)).records.all().trades.find((t) => t.outTradeNo === row.out_trade_no);
}

/** A customer scans the code and pays, through the simulator's route, as a demo would. */
async function scanAndPay(qrUrl: string): Promise<void> {
  const reply = await fetch(`${(await simulatorOf(shop)).url}/__simulator/scan`, {
    method: 'POST',
    body: JSON.stringify({ code: qrUrl }),
  });
  expect([reply.status, (await reply.json()).state]).toEqual([200, 'SUCCESS']);
}

describe('POST /api/payments {mode: "qr"}', () => {
  beforeEach(async () => {
    shop = await openPayShop();
  });

  it('checks the body: a provider and no code for a QR payment, a code and no provider else', async () => {
    const noProvider = await pay(shop, { amount: 100, mode: 'qr' });
    expect(noProvider.status).toBe(400);
    expect(Object.keys(noProvider.body.error.fields)).toEqual(['body.provider']);
    const both = await pay(shop, {
      amount: 100,
      mode: 'qr',
      provider: 'wechat',
      authCode: '134567890123456781',
    });
    expect(Object.keys(both.body.error.fields)).toEqual(['body.authCode']);
    const neither = await pay(shop, { amount: 100 });
    expect(Object.keys(neither.body.error.fields)).toEqual(['body.authCode']);
    const named = await pay(shop, { amount: 100, provider: 'alipay', authCode: '284567890123456781' });
    expect(Object.keys(named.body.error.fields)).toEqual(['body.provider']);
    expect((await simulatorOf(shop)).records.all().trades).toEqual([]);
  });

  it('a resend is the same order and the same code; another body is 409', async () => {
    const id = randomUUID();
    const body = { id, amount: 8800, mode: 'qr', provider: 'wechat' };
    const replies = await Promise.all(Array.from({ length: 10 }, () => pay(shop, body)));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    const first = replies.find((r) => r.status === 201)?.body;
    expect(first).toMatchObject({ status: 'pending', mode: 'qr', provider: 'wechat', amount: 8800 });
    expect(first.qrUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=\w+$/);
    const again = await pay(shop, body);
    expect(again.status).toBe(200);
    expect(again.body.qrUrl).toBe(first.qrUrl);
    expect((await simulatorOf(shop)).records.all().trades).toHaveLength(1);
    expect((await pay(shop, { ...body, amount: 9900 })).status).toBe(409);
  });
});

/** Each contract a shop may have signed: WeChat Pay v3 and Alipay, WeChat Pay v2, 收钱吧 for both wallets. */
const contracts: [SimulatedContract, 'wechat' | 'alipay'][] = [
  ['direct', 'wechat'],
  ['direct', 'alipay'],
  ['wechat_v2', 'wechat'],
  ['upay', 'wechat'],
  ['upay', 'alipay'],
];

// Generous: a shop, its migrations and a simulator start per test on a shared, loaded machine.
describe.each(contracts)('%s: %s QR through the simulator', { timeout: 90_000 }, (contract, provider) => {
  const qr = (amount = 10000) => pay(shop, { amount, mode: 'qr', provider });

  beforeEach(async () => {
    shop = await openPayShop(contract);
    const gateway = (await gatewaysOf(shop.store.ctx)).byProvider[provider];
    if (contract === 'upay') expect(gateway).toBeInstanceOf(UpayGateway);
    if (contract === 'wechat_v2') expect(gateway).toBeInstanceOf(WechatV2Gateway);
  });

  it('the customer scans and pays: the follow-up finds it, a sale takes it, a return refunds it', async () => {
    const offered = await qr();
    expect(offered.status).toBe(201);
    expect(offered.body).toMatchObject({ status: 'pending', mode: 'qr' });
    expect(offered.body.qrUrl).toMatch(
      provider === 'wechat' ? /^weixin:\/\// : /^https:\/\/qr\.alipay\.com\//,
    );
    // Nobody scanned yet: still waiting (Alipay does not know the trade before a scan).
    await later(shop, 5);
    expect((await get(offered.body.id)).body.status).toBe('pending');
    await scanAndPay(offered.body.qrUrl);
    await later(shop, 5);
    const paid = (await get(offered.body.id)).body;
    expect(paid.status).toBe('succeeded');
    expect(paid.transactionId).toBe((await trade(offered.body.id))?.transactionId);
    const sale = await sell(shop, {
      lines: shirt(),
      payments: [{ method: provider, amount: 10000, paymentId: offered.body.id }],
    });
    expect(sale.status).toBe(201);
    expect(sale.body.payments[0].reference).toBe(paid.transactionId);
    const back = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: shirt() },
    });
    expect(back.status).toBe(201);
    expect(back.body.providerRefunds).toMatchObject([{ paymentId: offered.body.id, amount: 10000 }]);
    await later(shop, 5);
    const refunds = (await simulatorOf(shop)).records.all().refunds;
    // 收钱吧 names a refund by client_tsn (client_sn-refund_request_no), the others by out_refund_no.
    const outTradeNo = (await trade(offered.body.id))?.outTradeNo;
    const refundName = contract === 'upay' ? `${outTradeNo}-${refundRequestNo(back.body.id)}` : back.body.id;
    expect(refunds.map((r) => [r.outRefundNo, r.amount, r.state])).toEqual([[refundName, 10000, 'SUCCESS']]);
  });

  it('never paid: closed with the provider after 2 minutes; a late scan takes nothing', async () => {
    const offered = await qr();
    await later(shop, 60);
    expect((await get(offered.body.id)).body.status).toBe('pending');
    await later(shop, 65);
    expect((await get(offered.body.id)).body).toMatchObject({
      status: 'cancelled',
      failure: 'not_confirmed',
    });
    expect((await trade(offered.body.id))?.state).toBe('CLOSED');
    expect((await simulatorOf(shop)).scanAndPay(offered.body.qrUrl)?.state).toBe('CLOSED');
  });

  it('the cashier cancels: the order is closed; paid a moment before, it is refunded in full', async () => {
    const waiting = await qr();
    const cancelled = await cancel(waiting.body.id);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', failure: 'cancelled_by_cashier' });
    expect(cancelled.body.refundedOnCancel).toBeUndefined();
    expect((await trade(waiting.body.id))?.state).toBe('CLOSED');

    const raced = await qr(5000);
    await scanAndPay(raced.body.qrUrl);
    const back = await cancel(raced.body.id);
    expect(back.body).toMatchObject({ status: 'cancelled', refundedOnCancel: true });
    await later(shop, 5);
    const row = await trade(raced.body.id);
    const refunds = (await simulatorOf(shop)).records
      .all()
      .refunds.filter((r) => r.outTradeNo === row?.outTradeNo);
    expect(refunds.map((r) => [r.amount, r.state])).toEqual([[5000, 'SUCCESS']]);
  });
});
