import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { type ServerProcess, startServerProcess } from '../../testing/process.js';
import { dropDatabaseFor, openTestDatabase } from '../../testing/test-database.js';
import type { SimRefund, SimTrade } from './simulator/records.js';
import { PaymentSimulator } from './simulator/server.js';
import { codeOf, payDataDir } from './test-payments.js';

/**
 * The crash cases with a real server process killed by SIGKILL: while a payment is
 * pending, and after the provider took the money but before the server heard of it. After a
 * restart each payment settles by itself, the customer is charged once, and the store's books
 * and the provider's agree.
 */

const PASSWORD = 'pay-crash-Owner-2468';
// Long enough for a restart on a busy machine: the confirming customer must not be cancelled meanwhile.
const dataDir = payDataDir(undefined, { confirmSeconds: 25, queryEverySeconds: 1 });
const started: ServerProcess[] = [];

async function start(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(dataDir, { HANGER_OWNER_PASSWORD: PASSWORD, ...extra });
  started.push(server);
  return server;
}

async function kill(server: ServerProcess): Promise<void> {
  server.child.kill('SIGKILL');
  await server.exited;
}

async function owner(server: ServerProcess): Promise<string> {
  const reply = await call(server, 'POST', '/api/auth/login', {
    body: { username: 'owner', password: PASSWORD },
  });
  return reply.body.token as string;
}

/** The provider's books, as the simulator wrote them to disk. */
function providerBooks(): { trades: SimTrade[]; refunds: SimRefund[] } {
  const file = JSON.parse(readFileSync(join(dataDir, 'payment-simulator', 'records.json'), 'utf8'));
  return { trades: Object.values(file.trades), refunds: Object.values(file.refunds) };
}

async function until<T>(what: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await what();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

afterAll(async () => {
  for (const server of started) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await Promise.all(started.map((s) => s.exited));
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabaseFor(dataDir);
});

describe('mobile payment across kill -9', () => {
  it('settles every payment after a restart, charges once, and the books agree', {
    timeout: 180_000,
  }, async () => {
    // 1. The provider takes the money; the server dies before it hears so.
    let server = await start({ HANGER_FAULT_POINT: 'payment.answered' });
    let token = await owner(server);
    const product = await call(server, 'POST', '/api/products', {
      token,
      body: {
        styleCode: 'PAY-1',
        name: '真丝衬衫',
        category: '女装',
        price: 10000,
        colors: ['白'],
        sizes: ['M'],
      },
    });
    const skuId = product.body.skus[0].id as string;
    await call(server, 'POST', '/api/stock/receipts', { token, body: { lines: [{ skuId, qty: 10 }] } });
    const taken = { id: randomUUID(), amount: 10000, authCode: codeOf('wechat', '1') };
    await expect(call(server, 'POST', '/api/payments', { token, body: taken })).rejects.toThrow();
    await server.exited;
    expect(providerBooks().trades.map((t) => t.state)).toEqual(['SUCCESS']);

    // 2. Pending payments when the server is killed: one the customer confirms, one never.
    server = await start();
    token = await owner(server);
    const confirming = { id: randomUUID(), amount: 5000, authCode: codeOf('alipay', '2') };
    const never = { id: randomUUID(), amount: 7000, authCode: codeOf('wechat', '3') };
    expect((await call(server, 'POST', '/api/payments', { token, body: confirming })).body.status).toBe(
      'pending',
    );
    expect((await call(server, 'POST', '/api/payments', { token, body: never })).body.status).toBe('pending');
    await kill(server);

    // 3. After the restart the follow-up settles all three by itself.
    server = await start();
    token = await owner(server);
    const get = (id: string) => call(server, 'GET', `/api/payments/${id}`, { token }).then((r) => r.body);
    expect(
      (
        await until(
          () => get(taken.id),
          (p) => p.status !== 'pending',
        )
      ).status,
    ).toBe('succeeded');
    expect(
      (
        await until(
          () => get(confirming.id),
          (p) => p.status !== 'pending',
        )
      ).status,
    ).toBe('succeeded');
    const cancelled = await until(
      () => get(never.id),
      (p) => p.status !== 'pending',
    );
    expect(cancelled).toMatchObject({ status: 'cancelled', failure: 'not_confirmed' });

    // The till resends its first request: the same payment, no second charge.
    const resent = await call(server, 'POST', '/api/payments', { token, body: taken });
    expect(resent.status).toBe(200);
    expect(resent.body.status).toBe('succeeded');

    // Money taken without a sale is listed; the cashier finishes one sale and refunds the other.
    const unfinished = await call(server, 'GET', '/api/payments/unfinished', { token });
    expect(unfinished.body.items.map((p: { id: string }) => p.id).sort()).toEqual(
      [taken.id, confirming.id].sort(),
    );
    const sale = await call(server, 'POST', '/api/sales', {
      token,
      body: {
        id: randomUUID(),
        lines: [{ skuId, qty: 1 }],
        payments: [{ method: 'wechat', amount: 10000, paymentId: taken.id }],
      },
    });
    expect(sale.status).toBe(201);
    expect(sale.body.payments[0].reference).toBe(resent.body.transactionId);
    const refunded = await call(server, 'POST', `/api/payments/${confirming.id}/cancel`, { token });
    expect(refunded.body).toMatchObject({ status: 'cancelled', refundedOnCancel: true });
    await kill(server);

    // 4. The provider's books and the store's agree: each customer charged once.
    const books = providerBooks();
    const storage = await openTestDatabase(dataDir);
    try {
      const rows = await storage.db.selectFrom('payments').selectAll().execute();
      const refunds = await storage.db.selectFrom('payment_refunds').selectAll().execute();
      expect(books.trades).toHaveLength(3);
      for (const row of rows) {
        const trade = books.trades.find((t) => t.outTradeNo === row.out_trade_no) as SimTrade;
        const back = books.refunds.filter((r) => r.outTradeNo === row.out_trade_no);
        if (row.id === taken.id) {
          expect([trade.state, row.status, row.sale_id, back.length]).toEqual([
            'SUCCESS',
            'succeeded',
            sale.body.id,
            0,
          ]);
          expect(row.transaction_id).toBe(trade.transactionId);
        } else if (row.id === confirming.id) {
          expect([trade.state, row.status, row.refunded_on_cancel]).toEqual(['SUCCESS', 'cancelled', 1]);
          expect(back.map((r) => r.amount)).toEqual([5000]);
          expect(refunds.filter((r) => r.payment_id === row.id).map((r) => r.amount)).toEqual([5000]);
        } else {
          expect([trade.state, row.status, back.length]).toEqual(['CLOSED', 'cancelled', 0]);
        }
      }
    } finally {
      await storage.close();
    }
  });

  it('QR payments: one killed before its code was shown is closed, one paid while the server was down succeeds', {
    timeout: 180_000,
  }, async () => {
    // 1. The provider made the order; the server dies before it could show the code.
    let server = await start({ HANGER_FAULT_POINT: 'payment.offered' });
    let token = await owner(server);
    const unseen = { id: randomUUID(), amount: 6600, mode: 'qr', provider: 'wechat' };
    await expect(call(server, 'POST', '/api/payments', { token, body: unseen })).rejects.toThrow();
    await server.exited;

    // 2. A code on the display when the server is killed; the customer scans and pays meanwhile.
    server = await start();
    token = await owner(server);
    const shown = { id: randomUUID(), amount: 4400, mode: 'qr', provider: 'alipay' };
    const offered = await call(server, 'POST', '/api/payments', { token, body: shown });
    expect(offered.body).toMatchObject({ status: 'pending', mode: 'qr' });
    await kill(server);
    expect(
      new PaymentSimulator(join(dataDir, 'payment-simulator')).scanAndPay(offered.body.qrUrl)?.state,
    ).toBe('SUCCESS');

    // 3. After the restart both settle by themselves, and the provider's books agree.
    server = await start();
    token = await owner(server);
    const get = (id: string) => call(server, 'GET', `/api/payments/${id}`, { token }).then((r) => r.body);
    const closed = await until(
      () => get(unseen.id),
      (p) => p.status !== 'pending',
    );
    expect(closed).toMatchObject({ status: 'cancelled', failure: 'not_confirmed' });
    expect(closed.qrUrl).toBeUndefined();
    const paid = await until(
      () => get(shown.id),
      (p) => p.status !== 'pending',
    );
    expect(paid.status).toBe('succeeded');
    const resent = await call(server, 'POST', '/api/payments', { token, body: shown });
    expect([resent.status, resent.body.qrUrl]).toEqual([200, offered.body.qrUrl]);
    await kill(server);
    const storage = await openTestDatabase(dataDir);
    try {
      const rows = await storage.db.selectFrom('payments').selectAll().where('mode', '=', 'qr').execute();
      const states = rows.map((row) => {
        const trade = providerBooks().trades.find((t) => t.outTradeNo === row.out_trade_no) as SimTrade;
        return [
          row.id,
          row.status,
          trade.state,
          row.transaction_id === (trade.state === 'SUCCESS' ? trade.transactionId : null),
        ];
      });
      expect(states.sort()).toEqual(
        [
          [unseen.id, 'cancelled', 'CLOSED', true],
          [shown.id, 'succeeded', 'SUCCESS', true],
        ].sort(),
      );
    } finally {
      await storage.close();
    }
  });
});
