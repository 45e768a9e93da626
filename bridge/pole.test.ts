import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { member, openShop, type Shop } from '../server/domain/sales/test-shop.js';
import { call, pairDevice, TestSocket } from '../server/testing/client.js';
import { Bridge } from './bridge.js';
import { quietLog } from './testing/fixtures.js';
import { poleScreens } from './testing/pole-screen.js';
import { PtyPair } from './testing/socat.js';

let shop: Shop;
let dir: string;
const cleanups: Array<() => unknown> = [];

beforeEach(async () => {
  shop = await openShop();
  dir = mkdtempSync(join(tmpdir(), 'hanger-pole-'));
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await shop.store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function until(check: () => boolean, what: () => unknown, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not in time; so far: ${JSON.stringify(what())}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it("shows a till session on the pole display of the terminal's bridge: items, total, paid and change, then the greeting", async () => {
  const terminal = await pairDevice(shop.store, shop.owner, 'checkout');
  const bridgeToken = (await pairDevice(shop.store, shop.owner, 'bridge', terminal.id)).token;
  const pty = new PtyPair(dir, 'pole');
  await pty.start();
  cleanups.push(() => pty.stop());
  const received = await pty.listen();
  const bridge = new Bridge({
    devices: [
      {
        id: 'pole-1',
        kind: 'display',
        transport: { type: 'serial', path: pty.a, baudRate: 9600 },
        greetAfterMs: 300,
      },
    ],
    dataDir: dir,
    serverUrl: shop.store.url,
    token: bridgeToken,
    log: quietLog,
    reopenMs: 200,
    backoff: { firstMs: 100, maxMs: 1000 },
  });
  await bridge.start();
  cleanups.push(() => bridge.stop());
  await until(
    () => bridge.connected,
    () => 'bridge not connected',
  );

  const pin = await call(shop.store, 'POST', '/api/auth/pin', {
    token: terminal.token,
    body: { username: shop.cashier.username, pin: shop.cashier.pin },
  });
  const till = (await TestSocket.open(shop.store, pin.body.token)).socket;
  cleanups.push(() => till.close());
  const ok = async (type: string, params: Record<string, unknown>) => {
    const reply = await till.request(type, params);
    if (!reply.success) throw new Error(`${type}: ${JSON.stringify(reply.error)}`);
    return reply.result;
  };
  // A till sells only while a shift is open on it.
  await ok('shift/open', { openingFloat: 0 });
  const screens = () => poleScreens(received());
  const shows = async (count: number) => {
    await until(
      () => screens().length >= count,
      () => screens(),
    );
  };

  await ok('cart/add', { barcode: shop.dress.skus[0]?.barcode });
  await shows(1);
  await ok('cart/add', { barcode: shop.shirt.skus[1]?.barcode });
  await shows(2);
  await ok('cart/member', { memberId: await member(shop) });
  await shows(3);
  const paid = await ok('cart/checkout', {
    saleId: randomUUID(),
    payments: [{ method: 'cash', amount: 45000 }],
  });
  expect(paid.sale).toMatchObject({ total: 40000, change: 5000 });
  await shows(5);
  // The display speaks ASCII only: the Chinese names are spelled in pinyin.
  expect(screens()).toEqual([
    ['FaShiLianYiQu 300.00', 'TOTAL         300.00'],
    ['ChunSeChenSha 100.00', 'TOTAL         400.00'],
    ['TOTAL               ', '              400.00'],
    ['PAID          450.00', 'CHANGE         50.00'],
    ['WELCOME             ', '                    '],
  ]);
});
