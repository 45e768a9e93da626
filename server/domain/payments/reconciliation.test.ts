import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReconciliationLine, ReconciliationView } from '../../protocol/reconciliation.js';
import { call, login, ownerToken } from '../../testing/client.js';
import { type Shop, sell } from '../sales/test-shop.js';
import { BillError } from './bills/statement.js';
import { parseWechatBill } from './bills/wechat-bill.js';
import { gatewaysOf } from './gateways.js';
import type { Gateway } from './provider.js';
import type { SimulatorBills } from './simulator/bills.js';
import { codeOf, openPayShop, pay, simulatorOf } from './test-payments.js';

/**
 * 对账 against the simulator's statements (WeChat Pay's backtick CSV with its SHA1, Alipay's zip
 * of GBK CSV), with differences made on purpose. The test clock starts 2026-11-24 18:00 Beijing.
 */

const DAY = '2026-11-24';
const HOUR = 3600_000;
let shop: Shop;
beforeEach(async () => {
  shop = await openPayShop();
  // The provider's clock and the store's agree, as in a shop whose PC keeps time.
  const sim = await simulatorOf(shop);
  sim.records.advance(shop.store.clock.now().getTime() - sim.records.now().getTime());
  // A shop (and on PostgreSQL its database) takes long to open on a loaded machine.
}, 120_000);
afterEach(() => shop.store.close());

/** Moves both clocks on; the staff sign in again (their sessions ended meanwhile). */
async function later(hours: number): Promise<void> {
  shop.store.clock.advance(hours * HOUR);
  (await simulatorOf(shop)).records.advance(hours * HOUR);
  shop.owner = await ownerToken(shop.store);
  for (const staff of [shop.manager, shop.cashier]) {
    staff.token = await login(shop.store, staff.username, staff.password);
  }
}

async function gateway(provider: 'wechat' | 'alipay'): Promise<Gateway> {
  return (await gatewaysOf(shop.store.ctx)).byProvider[provider] as Gateway;
}

async function outTradeNo(paymentId: string): Promise<string> {
  const row = await shop.store.ctx.storage.db
    .selectFrom('payments')
    .select('out_trade_no')
    .where('id', '=', paymentId)
    .executeTakeFirstOrThrow();
  return row.out_trade_no;
}

async function paid(provider: 'wechat' | 'alipay', digit: string, amount: number): Promise<string> {
  const reply = await pay(shop, { amount, authCode: codeOf(provider, digit) });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

const report = (token: string, query = `date=${DAY}`) =>
  call(shop.store, 'GET', `/api/payments/reconciliation?${query}`, { token });

function kinds(lines: ReconciliationLine[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of lines) {
    out[line.kind] = [...(out[line.kind] ?? []), line.outRefundNo ?? line.outTradeNo];
  }
  return out;
}

describe('GET /api/payments/reconciliation (对账)', () => {
  it("lists what the store and each provider's statement disagree on, and when the bill is not made yet", async () => {
    // WeChat Pay. Agreeing: paid at once; paid but the answer was lost (the store asked after).
    const fine = await paid('wechat', '1', 10000);
    const lostAnswer = await paid('wechat', '6', 12000);
    expect(
      (await call(shop.store, 'GET', `/api/payments/${lostAnswer}`, { token: shop.cashier.token })).body,
    ).toMatchObject({ status: 'succeeded' });
    // Agreeing: the cashier cancelled while the customer confirmed; the reverse gave the money back.
    const confirming = await paid('wechat', '2', 8000);
    const cancelled = await call(shop.store, 'POST', `/api/payments/${confirming}/cancel`, {
      token: shop.cashier.token,
    });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', refundedOnCancel: true });
    // Missing in the store: taken with this merchant's keys, and the store has no record of it
    // (a database restored from an older backup, another program on the same account).
    const wechatLost = `HGLOST${randomUUID().replaceAll('-', '').slice(0, 20).toUpperCase()}`;
    expect(
      (
        await (
          await gateway('wechat')
        ).pay({
          outTradeNo: wechatLost,
          amount: 5000,
          authCode: codeOf('wechat', '1'),
          description: '服装',
        })
      ).state,
    ).toBe('paid');
    // Cancelled at the provider: reversed after the store recorded it paid.
    const reversed = await paid('wechat', '1', 7000);
    expect((await (await gateway('wechat')).cancel(await outTradeNo(reversed))).state).toBe('refunded');
    // Missing at the provider, and a different amount: the provider's books changed under us.
    const gone = await paid('wechat', '1', 3000);
    const cheaper = await paid('wechat', '1', 4000);
    const sim = await simulatorOf(shop);
    const simTrade = (no: string) => sim.records.all().trades.find((t) => t.outTradeNo === no);
    const goneTrade = simTrade(await outTradeNo(gone));
    const cheaperTrade = simTrade(await outTradeNo(cheaper));
    if (!goneTrade || !cheaperTrade) throw new Error('the simulator lost a trade');
    sim.records.putTrade({ ...goneTrade, state: 'CLOSED' });
    sim.records.putTrade({ ...cheaperTrade, amount: 3900 });
    // A refund still processing when the day ended: a sale paid by WeChat, taken back.
    const forSale = await paid('wechat', '1', 10000);
    const sale = await sell(shop, {
      lines: [{ skuId: shop.shirt.skus[0]?.id as string, qty: 1 }],
      payments: [{ method: 'wechat', amount: 10000, paymentId: forSale }],
    });
    expect(sale.status).toBe(201);
    const back = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: [{ skuId: shop.shirt.skus[0]?.id as string, qty: 1 }] },
    });
    expect(back.body.providerRefunds[0]).toMatchObject({ status: 'processing' });

    // Alipay: one agreeing, one missing in the store, one cancelled at the provider, one
    // refunded by the cashier's cancel (a refund of ours, agreeing).
    await paid('alipay', '1', 10000);
    const alipayLost = `HGLOST${randomUUID().replaceAll('-', '').slice(0, 20).toUpperCase()}`;
    await (await gateway('alipay')).pay({
      outTradeNo: alipayLost,
      amount: 6600,
      authCode: codeOf('alipay', '1'),
      description: '服装',
    });
    const alipayReversed = await paid('alipay', '1', 2500);
    expect((await (await gateway('alipay')).cancel(await outTradeNo(alipayReversed))).state).toBe('refunded');
    const unused = await paid('alipay', '1', 1500);
    const refundedBack = await call(shop.store, 'POST', `/api/payments/${unused}/cancel`, {
      token: shop.cashier.token,
    });
    expect(refundedBack.body).toMatchObject({ status: 'cancelled', refundedOnCancel: true });

    // The day is not over: nothing to compare yet.
    expect((await report(shop.owner)).status).toBe(400);
    // 09:00 the next day: the providers' bills are made after 10:00.
    await later(15);
    const early = await report(shop.manager.token);
    expect(early.status).toBe(200);
    expect((early.body as ReconciliationView).providers.map((p) => [p.provider, p.state])).toEqual([
      ['wechat', 'not_ready'],
      ['alipay', 'not_ready'],
    ]);
    expect(early.body.providers[0].readyAt).toBe('2026-11-25T02:00:00.000Z');
    await later(2);

    const reply = await report(shop.owner);
    expect(reply.status).toBe(200);
    const [wechat, alipay] = (reply.body as ReconciliationView).providers;
    expect(wechat?.state).toBe('ready');
    expect(kinds(wechat?.lines ?? [])).toEqual({
      missing_in_shop: [wechatLost],
      cancelled_at_provider: [await outTradeNo(reversed)],
      missing_at_provider: [await outTradeNo(gone)],
      amount_differs: [await outTradeNo(cheaper)],
      refund_processing: [back.body.id],
    });
    // fine, the lost answer, the cashier's reverse, the sale's payment.
    expect(wechat?.matched).toBe(4);
    expect(wechat?.lines.find((l) => l.kind === 'amount_differs')).toMatchObject({
      paymentId: cheaper,
      shopAmount: 4000,
      providerAmount: 3900,
    });
    expect(wechat?.lines.find((l) => l.kind === 'missing_in_shop')).toMatchObject({
      providerAmount: 5000,
      providerStatus: 'paid',
    });
    expect(wechat?.shop).toEqual({
      payments: 7,
      paid: 10000 + 12000 + 8000 + 7000 + 3000 + 4000 + 10000,
      refunds: 1,
      refunded: 10000,
    });
    expect(wechat?.statement).toEqual({
      payments: 7,
      paid: 10000 + 12000 + 8000 + 5000 + 7000 + 3900 + 10000,
      refunds: 1,
      refunded: 10000,
    });
    expect(fine).toBeTruthy();

    expect(alipay?.state).toBe('ready');
    expect(kinds(alipay?.lines ?? [])).toEqual({
      missing_in_shop: [alipayLost],
      cancelled_at_provider: [await outTradeNo(alipayReversed)],
    });
    // the agreeing payment, the cashier's cancel and its refund.
    expect(alipay?.matched).toBe(3);

    // Without a day: yesterday by the server's clock, Beijing time.
    expect((await report(shop.owner, '')).body.date).toBe(DAY);
    // One provider only; a cashier may not see it.
    const one = await report(shop.owner, `date=${DAY}&provider=alipay`);
    expect(one.body.providers.map((p: { provider: string }) => p.provider)).toEqual(['alipay']);
    expect((await report(shop.cashier.token)).status).toBe(403);
    expect((await report(shop.owner, 'date=24-11-2026')).status).toBe(400);
  });

  it("refuses WeChat Pay's file when it differs from the hash in the signed answer", async () => {
    await paid('wechat', '1', 10000);
    await later(17);
    // Someone between the store and WeChat Pay adds a byte: the unsigned file no longer matches.
    const bills = (await simulatorOf(shop)) as unknown as { bills: SimulatorBills };
    const served = bills.bills.file.bind(bills.bills);
    bills.bills.file = (token) => {
      const file = served(token);
      return file && Buffer.concat([file, Buffer.from('\r\n')]);
    };
    const reply = await report(shop.owner, `date=${DAY}&provider=wechat`);
    expect(reply.body.providers[0]).toMatchObject({ state: 'unavailable', why: 'hash_mismatch', lines: [] });
  });

  it('a day without trades has an empty statement, not differences', async () => {
    await later(40);
    const reply = await report(shop.owner);
    expect(reply.status).toBe(200);
    for (const provider of reply.body.providers) {
      expect(provider).toMatchObject({ state: 'ready', matched: 0, lines: [] });
    }
  });
});

describe('WeChat Pay trade bill', () => {
  const bill = (summary: string) =>
    Buffer.from(
      [
        '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注',
        '`2026-11-24 18:00:00,`wx1,`190000,`0,`,`4200001,`HG1,`o1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`100.00,`0.00,`0,`0,`0.00,`0.00,`,`,`服装,`,`0.60,`0.60%,`100.00,`0.00,`',
        '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
        summary,
      ].join('\r\n'),
    );

  it('reads the backtick fields and refuses a file whose details do not add up', () => {
    const statement = parseWechatBill(DAY, bill('`1,`100.00,`0.00,`0.00,`0.60,`100.00,`0.00'));
    expect(statement.trades).toEqual([
      { outTradeNo: 'HG1', transactionId: '4200001', amount: 10000, state: 'paid' },
    ]);
    expect(() => parseWechatBill(DAY, bill('`2,`200.00,`0.00,`0.00,`1.20,`200.00,`0.00'))).toThrow(BillError);
  });
});
