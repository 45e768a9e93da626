import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReconciliationLine } from '../../protocol/reconciliation.js';
import { call, login, ownerToken } from '../../testing/client.js';
import { type Shop, sell } from '../sales/test-shop.js';
import { gatewaysOf } from './gateways.js';
import type { SimulatedContract } from './merchant-setup.js';
import type { Gateway } from './provider.js';
import { codeOf, openPayShop, pay, later as settleRound, simulatorOf } from './test-payments.js';

/**
 * 对账 for the two other contracts: WeChat Pay v2 (`downloadbill`, the same backtick CSV with
 * its summary, or return_msg `Bill Creating` / `No Bill Exist`) and 收钱吧, which documents no
 * statement API: the page is told so, rather than failing. The test clock starts 2026-11-24
 * 18:00 Beijing.
 */

const DAY = '2026-11-24';
const HOUR = 3600_000;
let shop: Shop;
afterEach(() => shop?.store.close());

async function open(contract: SimulatedContract): Promise<void> {
  shop = await openPayShop(contract);
  const sim = await simulatorOf(shop);
  sim.records.advance(shop.store.clock.now().getTime() - sim.records.now().getTime());
}

/** Moves both clocks on; the staff sign in again (their sessions ended meanwhile). */
async function later(hours: number): Promise<void> {
  shop.store.clock.advance(hours * HOUR);
  (await simulatorOf(shop)).records.advance(hours * HOUR);
  shop.owner = await ownerToken(shop.store);
  shop.cashier.token = await login(shop.store, shop.cashier.username, shop.cashier.password);
}

const report = (query = `date=${DAY}`) =>
  call(shop.store, 'GET', `/api/payments/reconciliation?${query}`, { token: shop.owner });

function kinds(lines: ReconciliationLine[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const line of lines) out[line.kind] = [...(out[line.kind] ?? []), line.outRefundNo ?? line.outTradeNo];
  return out;
}

describe('对账 through the other contracts', { timeout: 120_000 }, () => {
  it("WeChat Pay v2: downloadbill's bill is matched; not before 10:00; a day without trades is empty", async () => {
    await open('wechat_v2');
    const fine = await pay(shop, { amount: 10000, authCode: codeOf('wechat', '1') });
    expect(fine.body.status).toBe('succeeded');
    const lost = `HGLOST${randomUUID().replaceAll('-', '').slice(0, 20).toUpperCase()}`;
    const wechat = (await gatewaysOf(shop.store.ctx)).byProvider.wechat as Gateway;
    const taken = await wechat.pay({
      outTradeNo: lost,
      amount: 5000,
      authCode: codeOf('wechat', '1'),
      description: '服装',
    });
    expect(taken.state).toBe('paid');
    const forSale = await pay(shop, { amount: 10000, authCode: codeOf('wechat', '1') });
    const sale = await sell(shop, {
      lines: [{ skuId: shop.shirt.skus[0]?.id as string, qty: 1 }],
      payments: [{ method: 'wechat', amount: 10000, paymentId: forSale.body.id }],
    });
    expect(sale.status).toBe(201);
    const back = await call(shop.store, 'POST', `/api/sales/${sale.body.id}/returns`, {
      token: shop.cashier.token,
      body: { id: randomUUID(), lines: [{ skuId: shop.shirt.skus[0]?.id as string, qty: 1 }] },
    });
    expect(back.body.providerRefunds[0]).toMatchObject({ status: 'processing' });
    // The refund followed up (refundquery: SUCCESS) before the day ends: both sides agree on it.
    await settleRound(shop, 5);

    await later(15);
    expect((await report('date=2026-11-24&provider=wechat')).body.providers[0].state).toBe('not_ready');
    await later(2);
    const [day] = (await report(`date=${DAY}&provider=wechat`)).body.providers;
    expect(day).toMatchObject({ provider: 'wechat', state: 'ready', matched: 3 });
    expect(day.aggregator).toBeUndefined();
    expect(kinds(day.lines)).toEqual({ missing_in_shop: [lost] });
    expect(day.statement).toEqual({ payments: 3, paid: 25000, refunds: 1, refunded: 10000 });

    // The next day had no trade: WeChat Pay answers No Bill Exist, which is an empty statement.
    await later(24);
    const [quiet] = (await report('date=2026-11-25&provider=wechat')).body.providers;
    expect(quiet).toMatchObject({ state: 'ready', matched: 0, lines: [] });
  });

  it('收钱吧: no statement API, said as such for both wallets', async () => {
    await open('upay');
    const paid = await pay(shop, { amount: 10000, authCode: codeOf('alipay', '1') });
    expect(paid.body.status).toBe('succeeded');
    await later(17);
    const reply = await report();
    expect(reply.status).toBe(200);
    expect(reply.body.providers).toMatchObject([
      { provider: 'wechat', aggregator: 'upay', state: 'no_statement' },
      { provider: 'alipay', aggregator: 'upay', state: 'no_statement', shop: { payments: 1, paid: 10000 } },
    ]);
  });
});
