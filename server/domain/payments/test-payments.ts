import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { call } from '../../testing/client.js';
import { dropDatabaseFor } from '../../testing/test-database.js';
import { openShop, type Shop } from '../sales/test-shop.js';
import { gatewaysOf } from './gateways.js';
import type { SimulatedContract } from './merchant-setup.js';
import { simulatorKeys } from './simulator/keys.js';
import { PaymentSimulator } from './simulator/server.js';
import { followUpPayments } from './worker.js';

/** One simulated merchant contract's keys (its keys.json) for all the tests: RSA keys are slow to make. */
let keys: Buffer | null = null;

/** Writes a data folder's config.json with the provider simulator on, and the shared keys. */
export function payDataDir(
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-pay-')),
  settings: Record<string, unknown> = {},
): string {
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ payments: { provider: 'simulator', ...settings } }),
  );
  if (!keys) {
    const made = mkdtempSync(join(tmpdir(), 'hanger-pay-keys-'));
    try {
      simulatorKeys(made);
      keys = readFileSync(join(made, 'keys.json'));
    } finally {
      rmSync(made, { recursive: true, force: true });
    }
  }
  const dir = join(dataDir, 'payment-simulator');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'keys.json'), keys, { mode: 0o600 });
  return dataDir;
}

/** Has the simulator of a data folder play another contract: WeChat Pay v2, or 收钱吧 for both wallets. */
export function simulateContract(dataDir: string, contract: SimulatedContract): void {
  writeFileSync(join(dataDir, 'payment-setup.json'), JSON.stringify({ simulated: contract }));
}

/** A test shop whose config.json turns the provider simulator on; closing it removes its data. */
export async function openPayShop(contract: SimulatedContract = 'direct'): Promise<Shop> {
  const dataDir = payDataDir();
  simulateContract(dataDir, contract);
  const shop = await openShop({ dataDir });
  const close = shop.store.close;
  shop.store.close = async () => {
    await close();
    rmSync(dataDir, { recursive: true, force: true });
    await dropDatabaseFor(dataDir);
  };
  return shop;
}

export async function simulatorOf(shop: Shop): Promise<PaymentSimulator> {
  return (await gatewaysOf(shop.store.ctx)).simulator as PaymentSimulator;
}

/** A customer's code: WeChat (18 digits from 13…) or Alipay (18 digits from 28…), ending in `digit`. */
export function codeOf(provider: 'wechat' | 'alipay', digit: string): string {
  const body = String(Date.now()).slice(-13) + String(Math.floor(Math.random() * 10));
  return `${provider === 'wechat' ? '13' : '28'}${body}${'0'.repeat(17 - 2 - body.length)}${digit}`;
}

export function pay(shop: Shop, body: Record<string, unknown>) {
  return call(shop.store, 'POST', '/api/payments', {
    token: shop.cashier.token,
    body: { id: randomUUID(), ...body },
  });
}

/** Moves the server's clock on and lets the follow-up do one round, as the worker would. */
export async function later(shop: Shop, seconds: number): Promise<void> {
  shop.store.clock.advance(seconds * 1000);
  await followUpPayments(shop.store.ctx);
}

/** A provider simulator of the test file's own and a shop per test, for the owner's 收款设置. */
export interface SetupBench {
  provider: PaymentSimulator;
  shop: Shop;
}

/**
 * Registers the hooks of a 收款设置 test file: one provider simulator for the file (its records
 * in a folder of its own, which the owner points the shop at by its url) and a fresh shop per test.
 */
export function setupBench(): SetupBench {
  const bench = {} as SetupBench;
  let providerDir = '';
  beforeAll(async () => {
    providerDir = mkdtempSync(join(tmpdir(), 'hanger-provider-'));
    bench.provider = new PaymentSimulator(providerDir);
    await bench.provider.start();
  });
  afterAll(async () => {
    await bench.provider.stop();
    rmSync(providerDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    bench.shop = await openShop();
  });
  afterEach(() => bench.shop.store.close());
  return bench;
}
