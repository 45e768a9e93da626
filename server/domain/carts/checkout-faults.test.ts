import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Storage } from '../../storage/database.js';
import { addStaff, call, login, pairDevice, TestSocket } from '../../testing/client.js';
import { type ServerProcess, startServerProcess } from '../../testing/process.js';
import { dropDatabaseFor, openTestDatabase } from '../../testing/test-database.js';

/**
 * A till's checkout is one write: the sale, its cart closed, its receipt queued. The real
 * server process is killed (HANGER_FAULT_POINT) between each step of it in turn; after the
 * restart nothing may be half-done, and paying again with the same sale id sells once.
 */
const POINTS = [
  'checkout.sale-written',
  'checkout.cart-closed',
  'checkout.print-queued',
  'checkout.committed',
  'checkout.published',
];

const PASSWORD = 'faults-Owner-1357';
const env = { HANGER_OWNER_PASSWORD: PASSWORD };
const dataDir = mkdtempSync(join(tmpdir(), 'hanger-faults-'));
let terminal: { id: string; token: string };
let cashier: { username: string; pin: string };
let sku: { id: string; barcode: string };
/** Servers this file started: a failed test must not leave one holding the data folder. */
const started: ServerProcess[] = [];

async function start(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(dataDir, { ...env, ...extra });
  started.push(server);
  return server;
}

async function must(server: ServerProcess, method: string, path: string, token: string, body?: unknown) {
  const reply = await call(server, method, path, { token, body });
  if (reply.status >= 300)
    throw new Error(`${method} ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

/** The cashier signed in with their PIN on the terminal, over WebSocket. */
async function till(server: ServerProcess): Promise<TestSocket> {
  const signed = await call(server, 'POST', '/api/auth/pin', {
    token: terminal.token,
    body: { username: cashier.username, pin: cashier.pin },
  });
  const { socket, auth } = await TestSocket.open(server, signed.body.token);
  expect(auth.type).toBe('auth_ok');
  return socket;
}

async function inDatabase<T>(read: (storage: Storage) => Promise<T>): Promise<T> {
  const storage = await openTestDatabase(dataDir);
  try {
    return await read(storage);
  } finally {
    await storage.close();
  }
}

/** What the database says of one sale id and of every sale. */
async function state(saleId: string) {
  return inDatabase(async ({ db }) => {
    const sales = await db.selectFrom('sales').select('id').where('id', '=', saleId).execute();
    const carts = await db
      .selectFrom('carts')
      .select(['status', 'body'])
      .where('sale_id', '=', saleId)
      .execute();
    const prints = await db.selectFrom('print_jobs').select('id').where('id', '=', saleId).execute();
    const moved = await db
      .selectFrom('stock_movements')
      .select('delta')
      .where('ref_type', '=', 'sale')
      .where('ref_id', '=', saleId)
      .execute();
    const open = await db
      .selectFrom('carts')
      .select('body')
      .where('terminal_id', '=', terminal.id)
      .where('status', '=', 'active')
      .execute();
    const withoutCart = await db
      .selectFrom('sales')
      .select('id')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('carts')
              .select('carts.id')
              .whereRef('carts.sale_id', '=', 'sales.id')
              .where('carts.status', '=', 'completed'),
          ),
        ),
      )
      .execute();
    const withoutPrint = await db
      .selectFrom('sales')
      .select('id')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(selectFrom('print_jobs').select('print_jobs.id').whereRef('print_jobs.id', '=', 'sales.id')),
        ),
      )
      .execute();
    return {
      sales: sales.length,
      closedCarts: carts.filter((cart) => cart.status === 'completed').length,
      prints: prints.length,
      sold: moved.reduce((sum, row) => sum - row.delta, 0),
      openLines: open.map((cart) => (JSON.parse(cart.body) as { lines: unknown[] }).lines.length),
      withoutCart: withoutCart.map((row) => row.id),
      withoutPrint: withoutPrint.map((row) => row.id),
    };
  });
}

beforeAll(async () => {
  const server = await start();
  try {
    const owner = await login(server, 'owner', PASSWORD);
    const product = await must(server, 'POST', '/api/products', owner, {
      styleCode: 'FAULT1',
      name: '断电测试款',
      category: '女装/T恤',
      price: 12900,
      colors: ['黑'],
      sizes: ['M'],
    });
    sku = product.skus[0];
    await must(server, 'POST', '/api/stock/receipts', owner, { lines: [{ skuId: sku.id, qty: 100 }] });
    cashier = await addStaff(server, owner, 'cashier');
    terminal = await pairDevice(server, owner, 'checkout');
    // The till sells only with a shift open on it.
    const signed = await call(server, 'POST', '/api/auth/pin', {
      token: terminal.token,
      body: { username: cashier.username, pin: cashier.pin },
    });
    await must(server, 'POST', '/api/shifts', signed.body.token, { openingFloat: 0 });
  } finally {
    await stop(server);
  }
}, 60_000);
afterEach(async () => {
  for (const server of started.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await server.exited;
  }
});
afterAll(async () => {
  await dropDatabaseFor(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a till checkout killed at each of its steps', () => {
  for (const point of POINTS) {
    it(`dies at ${point}: nothing half-done, and paying again sells once`, async () => {
      const saleId = randomUUID();
      const armed = await start({ HANGER_FAULT_POINT: point });
      const socket = await till(armed);
      expect((await socket.request('cart/clear')).success).toBe(true);
      const added = await socket.request('cart/add', { barcode: sku.barcode });
      expect(added.success).toBe(true);
      const payments = [{ method: 'cash', amount: added.result.quote.total }];
      socket.send({ id: 1000, type: 'cart/checkout', saleId, payments });
      const outcome = await Promise.race([
        armed.exited.then(() => 'killed'),
        socket.waitFor((message) => message.id === 1000).then(() => 'answered'),
      ]);
      expect(outcome).toBe('killed');

      const after = await state(saleId);
      expect(after.withoutCart).toEqual([]);
      expect(after.withoutPrint).toEqual([]);
      // Either the sale is whole and the till's cart is empty, or nothing was sold and the cart still holds it.
      expect(after.openLines).toEqual([after.sales === 1 ? 0 : 1]);
      expect(after.sold).toBe(after.sales);

      const server = await start();
      try {
        const again = await till(server);
        const paid = await again.request('cart/checkout', { saleId, payments });
        expect(paid.success).toBe(true);
        expect(paid.result.sale.id).toBe(saleId);
        expect(paid.result.replayed).toBe(after.sales === 1);
        expect(paid.result.cart.lines).toEqual([]);
        again.close();
      } finally {
        await stop(server);
      }
      expect(await state(saleId)).toMatchObject({
        sales: 1,
        closedCarts: 1,
        prints: 1,
        sold: 1,
        openLines: [0],
        withoutCart: [],
        withoutPrint: [],
      });
    }, 180_000);
  }
});
