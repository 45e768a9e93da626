import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot } from '../../server/boot.js';
import type { AppContext } from '../../server/context.js';
import { gatewaysOf } from '../../server/domain/payments/gateways.js';
import type { Gateway } from '../../server/domain/payments/provider.js';
import { takePayment } from '../../server/domain/payments/service.js';
import { followUpPayments } from '../../server/domain/payments/worker.js';
import { completeSale } from '../../server/domain/sales/complete.js';
import { saleBody } from '../../server/domain/sales/schemas.js';
import { createLogger } from '../../server/logging.js';
import type { StaffPrincipal } from '../../server/protocol/roles.js';
import { serve } from '../../server/server.js';

/** BENCH_PAYMENTS (default 300) payments timed; BENCH_PENDING (default 1000) left pending; BENCH_PAYMENT_SALES (300) sales. */
const PAYMENTS = Number(process.env.BENCH_PAYMENTS) || 300;
const PENDING = Number(process.env.BENCH_PENDING) || 1000;
const SALES = Number(process.env.BENCH_PAYMENT_SALES) || 300;

const print = (text: string) => process.stdout.write(`${text}\n`);
const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

/** Time spent inside the provider calls (the simulator's answer, signing included), per call of `work`. */
let providerMs = 0;
function timed(gateway: Gateway): void {
  for (const name of ['pay', 'query', 'cancel', 'refund', 'queryRefund'] as const) {
    const call = gateway[name].bind(gateway) as (...args: unknown[]) => Promise<unknown>;
    (gateway as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const start = performance.now();
      try {
        return await call(...args);
      } finally {
        providerMs += performance.now() - start;
      }
    };
  }
}

function code(provider: 'wechat' | 'alipay', digit: string, i: number): string {
  return `${provider === 'wechat' ? '13' : '28'}${String(i).padStart(15, '0')}${digit}`;
}

/** Sells one shirt for cash `count` times, or (with `until`) until it says stop; each sale's ms. */
async function sales(
  ctx: AppContext,
  staff: StaffPrincipal,
  skuId: string,
  count: number,
  until?: () => boolean,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; until ? !until() : i < count; i++) {
    const input = saleBody.parse({
      id: randomUUID(),
      lines: [{ skuId, qty: 1 }],
      payments: [{ method: 'cash', amount: 10000 }],
    });
    const start = performance.now();
    await completeSale(ctx, staff, null, input);
    times.push(performance.now() - start);
    // A till's next sale arrives over the network: the server's other work (the follow-up's
    // provider calls) gets its turn in between, as it does between requests.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return times;
}

/**
 * This disk's fsync p50 in `dir`: a payment commits twice (its row before the provider is asked,
 * the outcome after), each commit synced (`synchronous = FULL`), so this bounds its own time.
 */
function fsyncP50(dir: string): number {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const times: number[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      writeSync(fd, Buffer.alloc(4096, 1));
      const start = performance.now();
      fsyncSync(fd);
      times.push(performance.now() - start);
    }
  } finally {
    closeSync(fd);
    rmSync(file);
  }
  return percentile(sorted(times), 0.5);
}

/**
 * Mobile payment: the server's own time per payment (its writes and checks, without the time
 * the provider — here the simulator, in the same process — takes to answer), and a sale's p99
 * while the follow-up asks after `PENDING` pending payments at once, against without.
 */
export async function printPaymentsBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hanger-bench-pay-'));
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ payments: { provider: 'simulator' } }));
  const fsyncMs = fsyncP50(dataDir);
  const { ctx } = await boot({
    dataDir,
    log: createLogger(undefined, 'warn'),
    env: { HANGER_OWNER_PASSWORD: 'bench-owner-pass' },
  });
  const running = await serve(ctx, { port: 0, host: '127.0.0.1' });
  try {
    const owner = await ctx.storage.db.selectFrom('staff').select(['id', 'name']).executeTakeFirstOrThrow();
    const staff: StaffPrincipal = {
      kind: 'staff',
      staffId: owner.id,
      storeId: ctx.store.id,
      name: owner.name,
      role: 'owner',
      headOffice: true,
      sessionId: 'bench',
      deviceId: null,
      expiresAt: '2100-01-01T00:00:00.000Z',
    };
    const login = await fetch(`${running.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password: 'bench-owner-pass' }),
    }).then((r) => r.json() as Promise<{ token: string }>);
    const api = (path: string, body: unknown) =>
      fetch(`${running.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${login.token}` },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const product = await api('/api/products', {
      styleCode: 'BENCH-PAY',
      name: '衬衫',
      category: '男装',
      price: 10000,
      colors: ['白'],
      sizes: ['M'],
    });
    const skuId = (product.skus as { id: string }[])[0]?.id as string;
    await api('/api/stock/receipts', { lines: [{ skuId, qty: 100_000 }] });

    const gateways = await gatewaysOf(ctx);
    for (const gateway of Object.values(gateways.byProvider)) timed(gateway);

    // 1. The server's own time per payment (instant success, both providers in turn).
    const own: number[] = [];
    for (let i = 0; i < PAYMENTS; i++) {
      providerMs = 0;
      const start = performance.now();
      await takePayment(ctx, staff, {
        id: randomUUID(),
        amount: 10000,
        authCode: code(i % 2 ? 'alipay' : 'wechat', '1', i),
      });
      own.push(performance.now() - start - providerMs);
    }
    const mine = sorted(own);
    print(
      `payments: ${PAYMENTS} payments, server's own time per payment (provider excluded) p50 ${percentile(mine, 0.5).toFixed(3)} ms, p99 ${percentile(mine, 0.99).toFixed(3)} ms (goal: p50 < 2 ms); this disk's fsync p50 ${fsyncMs.toFixed(3)} ms, two commits per payment`,
    );

    // 2. A sale's p99 alone (before and after), against the sales made while the follow-up asks
    // after PENDING pending payments at once — only those: the round may end before SALES more.
    const before = await sales(ctx, staff, skuId, SALES);
    for (let i = 0; i < PENDING; i++) {
      await takePayment(ctx, staff, {
        id: randomUUID(),
        amount: 100,
        authCode: code('wechat', '3', PAYMENTS + i),
      });
    }
    // Every pending payment is due at once: one round asks after all of them.
    const clock = ctx.now;
    ctx.now = () => new Date(clock().getTime() + 5_000);
    let roundOver = false;
    const round = (async () => {
      const start = performance.now();
      try {
        await followUpPayments(ctx);
      } finally {
        roundOver = true;
      }
      return performance.now() - start;
    })();
    const during = sorted(await sales(ctx, staff, skuId, 0, () => roundOver));
    const roundMs = await round;
    const alone = sorted([...before, ...(await sales(ctx, staff, skuId, SALES))]);
    const p99 = (list: number[]) => percentile(list, 0.99);
    print(
      `payments: sale p99 alone ${p99(alone).toFixed(2)} ms (${alone.length} sales, before and after), while ${PENDING} pending payments are followed up ${p99(during).toFixed(2)} ms ` +
        `(${during.length} sales during the round; ${((p99(during) / p99(alone) - 1) * 100).toFixed(1)}% worse; goal ≤ 10%); the round took ${(roundMs / 1000).toFixed(1)} s`,
    );
  } finally {
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
