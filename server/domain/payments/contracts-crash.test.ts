import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { call } from '../../testing/client.js';
import { type ServerProcess, startServerProcess } from '../../testing/process.js';
import { dropDatabaseFor } from '../../testing/test-database.js';
import type { SimTrade } from './simulator/records.js';
import { codeOf, payDataDir, simulateContract } from './test-payments.js';

/**
 * Crash safety through 收钱吧: a real server process killed by SIGKILL after 收钱吧 took the
 * money but before the server heard, and while a customer is still confirming. After a restart
 * both settle by themselves, each customer charged once.
 */

const PASSWORD = 'upay-crash-Owner-2468';
const dataDir = payDataDir(undefined, { confirmSeconds: 25, queryEverySeconds: 1 });
simulateContract(dataDir, 'upay');
const started: ServerProcess[] = [];

async function start(extra: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(dataDir, { HANGER_OWNER_PASSWORD: PASSWORD, ...extra });
  started.push(server);
  return server;
}

async function owner(server: ServerProcess): Promise<string> {
  const reply = await call(server, 'POST', '/api/auth/login', {
    body: { username: 'owner', password: PASSWORD },
  });
  return reply.body.token as string;
}

function providerTrades(): SimTrade[] {
  const file = JSON.parse(readFileSync(join(dataDir, 'payment-simulator', 'records.json'), 'utf8'));
  return Object.values(file.trades);
}

async function settled(server: ServerProcess, token: string, id: string) {
  const end = Date.now() + 60_000;
  for (;;) {
    const payment = (await call(server, 'GET', `/api/payments/${id}`, { token })).body;
    if (payment.status !== 'pending' || Date.now() > end) return payment;
    await new Promise((r) => setTimeout(r, 250));
  }
}

afterAll(async () => {
  for (const server of started) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await Promise.all(started.map((s) => s.exited));
  rmSync(dataDir, { recursive: true, force: true });
  await dropDatabaseFor(dataDir);
});

describe('收钱吧 across kill -9', () => {
  it('settles a payment 收钱吧 took unheard and one still confirming, charging once', {
    timeout: 180_000,
  }, async () => {
    let server = await start({ HANGER_FAULT_POINT: 'payment.answered' });
    let token = await owner(server);
    const taken = { id: randomUUID(), amount: 10000, authCode: codeOf('alipay', '1') };
    await expect(call(server, 'POST', '/api/payments', { token, body: taken })).rejects.toThrow();
    await server.exited;

    server = await start();
    token = await owner(server);
    const confirming = { id: randomUUID(), amount: 5000, authCode: codeOf('wechat', '2') };
    expect((await call(server, 'POST', '/api/payments', { token, body: confirming })).body.status).toBe(
      'pending',
    );
    server.child.kill('SIGKILL');
    await server.exited;

    server = await start();
    token = await owner(server);
    const first = await settled(server, token, taken.id);
    const second = await settled(server, token, confirming.id);
    expect([first.status, first.provider, second.status, second.provider]).toEqual([
      'succeeded',
      'alipay',
      'succeeded',
      'wechat',
    ]);
    // The till resends: the same payment, no second pay request to 收钱吧.
    expect((await call(server, 'POST', '/api/payments', { token, body: taken })).status).toBe(200);
    const trades = providerTrades();
    expect(trades.map((t) => [t.provider, t.state]).sort()).toEqual([
      ['alipay', 'SUCCESS'],
      ['wechat', 'SUCCESS'],
    ]);
    expect(trades.find((t) => t.provider === 'alipay')?.transactionId).toBe(first.transactionId);
  });
});
