/**
 * Selling offline (issue 22): `npx tsx scripts/bench/offline.ts`. A chain store on a throwaway
 * PostgreSQL reached through a TCP relay, and a single SQLite shop, both real server processes:
 * - how long after its line is cut the store sells from its local copy (goal: within 3 s);
 * - a sale's p50 offline against a sale's p50 at the SQLite shop, same client, interleaved
 *   (goal: within 1.5×);
 * - how long head office takes `BENCH_OFFLINE_QUEUE` (1000) queued sales once the line is back
 *   (goal: under 60 s).
 * Prints figures; never fails on a number.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { call } from '../../server/testing/client.js';
import type { TestStore } from '../../server/testing/harness.js';
import { startCluster } from '../../server/testing/postgres-cluster.js';
import { type ServerProcess, startServerProcess } from '../../server/testing/process.js';
import { StallingLink } from '../../server/testing/stalling-link.js';

const SALES = Number(process.env.BENCH_OFFLINE_SALES ?? 200);
const QUEUE = Number(process.env.BENCH_OFFLINE_QUEUE ?? 1000);
const PASSWORD = 'owner-secret-1';

const at = (server: ServerProcess) => ({ url: server.url }) as TestStore;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const root = mkdtempSync(join(tmpdir(), 'hanger-bench-offline-'));
const folder = (code: string) => {
  const dir = mkdtempSync(join(root, `${code}-`));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ store: { code, name: code } }));
  return dir;
};
const cluster = await startCluster();
const servers: ServerProcess[] = [];
const line = { relay: null as StallingLink | null };
try {
  const admin = new pg.Client({ connectionString: `${cluster.url}/postgres` });
  await admin.connect();
  await admin.query('create database hanger_bench_offline');
  await admin.end();
  const relay = new StallingLink(Number(new URL(cluster.url).port));
  line.relay = relay;
  await relay.start();
  const env = (database: string | null) => ({
    HANGER_OWNER_PASSWORD: PASSWORD,
    HANGER_LINK_REFRESH_SECONDS: '1',
    ...(database ? { HANGER_DATABASE_URL: database } : {}),
  });
  const store = await startServerProcess(
    folder('HQ01'),
    env(`postgres://postgres@127.0.0.1:${relay.port}/hanger_bench_offline`),
  );
  const shop = await startServerProcess(folder('S001'), env(null));
  servers.push(store, shop);

  const prepare = async (server: ServerProcess) => {
    const login = await call(at(server), 'POST', '/api/auth/login', {
      body: { username: 'owner', password: PASSWORD },
    });
    const token = login.body.token as string;
    const product = await call(at(server), 'POST', '/api/products', {
      token,
      body: {
        styleCode: 'BN01',
        name: '基准T恤',
        category: '女装/T恤',
        price: 9900,
        colors: ['黑'],
        sizes: ['M'],
      },
    });
    const skuId = product.body.skus[0].id as string;
    await call(at(server), 'POST', '/api/stock/receipts', {
      token,
      body: { lines: [{ skuId, qty: 100_000 }] },
    });
    return { token, skuId };
  };
  const mine = await prepare(store);
  const single = await prepare(shop);
  const sell = async (server: ServerProcess, who: { token: string; skuId: string }) => {
    const started = process.hrtime.bigint();
    const reply = await call(at(server), 'POST', '/api/sales', {
      token: who.token,
      body: {
        id: randomUUID(),
        lines: [{ skuId: who.skuId, qty: 1 }],
        payments: [{ method: 'cash', amount: 10_000 }],
      },
    });
    if (reply.status !== 201) throw new Error(`a sale failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  const link = async () =>
    (await call(at(store), 'GET', '/api/chain/link', { token: mine.token })).body as {
      mode: string;
      waiting: number;
      copiedAt: string | null;
    };
  const ready = new Date().toISOString();
  while (((await link()).copiedAt ?? '') <= ready) await pause(100);

  // 1. The line dies: how long until the store answers from its local copy.
  const cut = performance.now();
  relay.cut();
  while ((await link().catch(() => ({ mode: 'online' }))).mode !== 'offline') await pause(20);
  const switchMs = performance.now() - cut;
  console.log(`offline selling (load average ${loadavg()[0]?.toFixed(1)}, ${SALES} sales each)`);
  console.log(
    `  switch to the local copy after the line died: ${(switchMs / 1000).toFixed(2)} s (goal < 3 s)`,
  );

  // 2. Sales offline against a single SQLite shop, taking turns.
  for (let i = 0; i < 20; i++) {
    await sell(store, mine);
    await sell(shop, single);
  }
  const offline: number[] = [];
  const sqlite: number[] = [];
  for (let i = 0; i < SALES; i++) {
    if (i % 2 === 0) {
      offline.push(await sell(store, mine));
      sqlite.push(await sell(shop, single));
    } else {
      sqlite.push(await sell(shop, single));
      offline.push(await sell(store, mine));
    }
  }

  console.log(
    `  sale p50 offline ${median(offline).toFixed(2)} ms, single SQLite shop ${median(sqlite).toFixed(2)} ms: ` +
      `${(median(offline) / median(sqlite)).toFixed(2)}× (goal ≤ 1.5×)`,
  );

  // 3. Fill the queue to QUEUE, mend the line, time until head office has them all.
  let queued = (await link()).waiting;
  while (queued < QUEUE) {
    await sell(store, mine);
    queued += 1;
  }
  const mended = performance.now();
  relay.mend();
  while ((await link()).waiting > 0 || (await link()).mode !== 'online') await pause(100);
  const syncS = (performance.now() - mended) / 1000;

  console.log(
    `  ${queued} queued sales taken by head office in ${syncS.toFixed(1)} s (goal < 60 s; load average ${loadavg()[0]?.toFixed(1)})`,
  );
} finally {
  line.relay?.stop();
  for (const server of servers) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
}
