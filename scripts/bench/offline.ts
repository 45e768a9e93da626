/**
 * Selling offline (issue 22): `npx tsx scripts/bench/offline.ts`. A chain store on a throwaway
 * PostgreSQL reached through a TCP relay, and a single SQLite shop, both real server processes:
 * - how long after its line is cut the store sells from its local copy (goal: within 3 s);
 * - a sale's p50 offline against a sale's p50 at the SQLite shop, same client, interleaved
 *   (goal: within 1.5×);
 * - how long head office takes `BENCH_OFFLINE_QUEUE` (1000) queued sales once the line is back
 *   (goal: under 60 s);
 * - what head office's log of changed rows (migration 34) costs a member's sale: WAL bytes and
 *   p50 per sale with its triggers and with them switched off, in alternating rounds;
 * - a store's local copy refreshed at a chain's size (`BENCH_OFFLINE_SKUS`, default 20,000,
 *   `BENCH_OFFLINE_MEMBERS`, default 50,000; a chain: 300000 and 1000000): a whole copy (with
 *   the process's peak memory), then a refresh with a few changes and one with none.
 * Prints figures; never fails on a number.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openLocalCopy, refreshLocalCopy } from '../../server/domain/chain-link/local-copy.js';
import { openPostgres } from '../../server/storage/database.js';
import { call } from '../../server/testing/client.js';
import type { TestStore } from '../../server/testing/harness.js';
import { startCluster } from '../../server/testing/postgres-cluster.js';
import { type ServerProcess, startServerProcess } from '../../server/testing/process.js';
import { StallingLink } from '../../server/testing/stalling-link.js';

const SALES = Number(process.env.BENCH_OFFLINE_SALES ?? 200);
const QUEUE = Number(process.env.BENCH_OFFLINE_QUEUE ?? 1000);
const WAL_SALES = Number(process.env.BENCH_OFFLINE_WAL_SALES ?? 100);
const SKUS = Number(process.env.BENCH_OFFLINE_SKUS ?? 20_000);
const MEMBERS = Number(process.env.BENCH_OFFLINE_MEMBERS ?? 50_000);
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
  const sell = async (server: ServerProcess, who: { token: string; skuId: string }, memberId?: string) => {
    const started = process.hrtime.bigint();
    const reply = await call(at(server), 'POST', '/api/sales', {
      token: who.token,
      body: {
        id: randomUUID(),
        lines: [{ skuId: who.skuId, qty: 1 }],
        payments: [{ method: 'cash', amount: 10_000 }],
        ...(memberId ? { memberId } : {}),
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
  const url = `${cluster.url}/hanger_bench_offline`;
  const seed = new pg.Client({ connectionString: url });
  await seed.connect();
  const member = await call(at(store), 'POST', '/api/members', {
    token: mine.token,
    body: { phone: '13700000001', name: '基准会员' },
  });
  if (member.status !== 201) throw new Error(`no member: ${JSON.stringify(member.body)}`);

  // 0. Head office's cost of logging changed rows: a member's sale (stock, member, points lot,
  // sale rows) with the log's triggers and without, WAL bytes from head office's own counter.
  const triggers = await seed.query<{ table: string; name: string }>(
    `select c.relname as table, t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
     where t.tgname like '%\\_row\\_changed' or t.tgname like '%\\_row\\_updated'`,
  );
  const logging = async (on: boolean) => {
    for (const t of triggers.rows)
      await seed.query(`alter table "${t.table}" ${on ? 'enable' : 'disable'} trigger "${t.name}"`);
  };
  const lsn = async () =>
    (await seed.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn')).rows[0]?.lsn as string;
  const walOf = { on: [] as number[], off: [] as number[] };
  const msOf = { on: [] as number[], off: [] as number[] };
  for (let i = 0; i < 10; i++) await sell(store, mine, member.body.id);
  for (let round = 0; round < 4; round++) {
    const mode = round % 2 === 0 ? 'on' : 'off';
    await logging(mode === 'on');
    const from = await lsn();
    for (let i = 0; i < WAL_SALES / 2; i++) msOf[mode].push(await sell(store, mine, member.body.id));
    const diff = await seed.query<{ bytes: string }>(
      'select pg_wal_lsn_diff(pg_current_wal_lsn(), $1) as bytes',
      [from],
    );
    walOf[mode].push(Number(diff.rows[0]?.bytes) / (WAL_SALES / 2));
  }
  await logging(true);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  console.log(
    `head office's log of changed rows (${triggers.rows.length} triggers, ${WAL_SALES} member sales each way, load average ${loadavg()[0]?.toFixed(1)}):`,
  );
  console.log(
    `  WAL per sale ${(mean(walOf.on) / 1024).toFixed(1)} KiB with the log, ${(mean(walOf.off) / 1024).toFixed(1)} KiB without; ` +
      `sale p50 ${median(msOf.on).toFixed(2)} ms with, ${median(msOf.off).toFixed(2)} ms without`,
  );

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

  // 4. The local copy at a chain's size: head office grows to SKUS SKUs and MEMBERS members
  // (copies of the bench's own, unique columns made unique), then a copy of its own is refreshed.
  // The store server would refresh its own copy meanwhile: it is done with.
  store.child.kill('SIGTERM');
  await store.exited;
  /** Inserts `count` copies of row `id` of `table`, with `unique` columns made from `g` (1…count). */
  const grow = async (table: string, id: string, count: number, unique: Record<string, string>) => {
    const columns = await seed.query<{ column_name: string }>(
      `select column_name from information_schema.columns
       where table_schema = current_schema() and table_name = $1`,
      [table],
    );
    const names = columns.rows.map((row) => row.column_name);
    await seed.query(
      `insert into ${table} (${names.map((n) => `"${n}"`).join(', ')})
       select ${names.map((n) => unique[n] ?? `t."${n}"`).join(', ')}
       from ${table} t cross join generate_series(1, ${count}) g where t.id = $1`,
      [id],
    );
  };
  const seeding = performance.now();
  await grow('skus', mine.skuId, SKUS - 1, {
    id: 'gen_random_uuid()::text',
    barcode: `'B' || lpad(g::text, 12, '0')`,
    size: `'S' || g`,
  });
  await grow('members', member.body.id, MEMBERS - 1, {
    id: 'gen_random_uuid()::text',
    number: 't.number + g',
    code: `'C' || lpad(g::text, 11, '0')`,
    phone: `'139' || lpad(g::text, 8, '0')`,
    phone_last4: `right(lpad(g::text, 8, '0'), 4)`,
    invite_code: `'I' || lpad(g::text, 9, '0')`,
  });
  await seed.query('analyze');
  console.log(
    `  head office grown to ${SKUS} SKUs and ${MEMBERS} members in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
  );
  const chain = await openPostgres(url);
  const copy = await openLocalCopy(folder('COPY'), () => new Date());
  try {
    const { id: storeId } = await chain.db
      .selectFrom('stores')
      .select('id')
      .where('code', '=', 'HQ01')
      .executeTakeFirstOrThrow();
    const timed = async () => {
      let peak = process.memoryUsage().rss;
      const sampling = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      const before = process.memoryUsage().rss;
      const started = performance.now();
      const done = await refreshLocalCopy(chain, copy, storeId, new Date());
      clearInterval(sampling);
      return { ...done, s: (performance.now() - started) / 1000, grewMb: (peak - before) / 2 ** 20 };
    };
    const whole = await timed();
    console.log(
      `  local copy, whole: ${whole.written} rows in ${whole.s.toFixed(1)} s (the process grew at most ${whole.grewMb.toFixed(0)} MB)`,
    );
    // A few changes at head office: a style's price, five SKUs deactivated, ten members' tiers.
    await seed.query(
      'update styles set base_price = 8900 where id = (select style_id from skus where id = $1)',
      [mine.skuId],
    );
    await seed.query(`update skus set active = 0 where id in (select id from skus order by id limit 5)`);
    await seed.query(
      `update members set tier_id = (select id from tiers order by rank desc limit 1)
       where id in (select id from members order by id limit 10)`,
    );
    const changed = await timed();
    console.log(
      `  local copy, a few changes: ${changed.written} rows in ${(changed.s * 1000).toFixed(0)} ms (whole: ${changed.whole})`,
    );
    const idle = await timed();
    console.log(
      `  local copy, nothing changed: ${idle.written} rows in ${(idle.s * 1000).toFixed(0)} ms (load average ${loadavg()[0]?.toFixed(1)})`,
    );
  } finally {
    await copy.close();
    await chain.close();
  }
  await seed.end();
} finally {
  line.relay?.stop();
  for (const server of servers) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
  await cluster.stop();
  rmSync(root, { recursive: true, force: true });
}
