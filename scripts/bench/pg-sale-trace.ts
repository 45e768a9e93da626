/**
 * Where a sale's time goes on PostgreSQL: `npx tsx scripts/bench/pg-sale-trace.ts` starts a
 * throwaway durable cluster (fsync on) with `pg_stat_statements`, serves a store on it in this
 * process (the benchmark's shop of postgres.bench.ts), sells its 5-line member sale
 * `BENCH_TRACE_WARMUP` times (200) untimed, then `BENCH_TRACE_SALES` times (300) one after the
 * other, and prints for each statement of a sale: how many per sale, its median as the client
 * saw it (node-postgres asked → answered) and its means as the server spent it, planning and
 * running (`pg_stat_statements`); then a sale's request time beside the sum of its statements as
 * the client saw them — the rest is the server's own JavaScript (routing, zod, pricing, Kysely
 * building each query).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { boot } from '../../server/boot.js';
import { createLogger } from '../../server/logging.js';
import { serve } from '../../server/server.js';
import { startCluster } from '../../server/testing/postgres-cluster.js';
import { members, must, saleBody, stock } from './postgres.bench.js';

const WARMUP = Number(process.env.BENCH_TRACE_WARMUP) || 200;
const SALES = Number(process.env.BENCH_TRACE_SALES) || 300;
const print = (text: string) => process.stdout.write(`${text}\n`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const us = (ns: number) => `${(ns / 1000).toFixed(0)} µs`;

/**
 * Each statement the store's connections sent while `tracing`, by its shape (a multi-row insert's
 * text differs with its number of rows: a sale's points ledger rows vary with the lots it uses),
 * with the texts of that shape and the client's times.
 */
const seen = new Map<string, { order: number; times: number[]; texts: Set<string> }>();
const shapeOf = (text: string) =>
  text.replace(/\$\d+/g, '$').replace(/\((?:\$, )*\$\)(?:, \((?:\$, )*\$\))+/g, '(…), …');
let tracing = false;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const answer = (query as (...a: unknown[]) => unknown).apply(this, args);
  // A text, or a prepared statement's config (`{ name, text, values }`, server/storage/database.ts).
  const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
  if (!tracing || typeof text !== 'string' || !(answer instanceof Promise)) return answer;
  const begin = process.hrtime.bigint();
  const time = () => {
    const shape = shapeOf(text);
    let entry = seen.get(shape);
    if (!entry) {
      entry = { order: seen.size, times: [], texts: new Set() };
      seen.set(shape, entry);
    }
    entry.texts.add(text);
    entry.times.push(Number(process.hrtime.bigint() - begin));
  };
  answer.then(time, time);
  return answer;
} as typeof query;

const cluster = await startCluster({ durable: true });
const dataDir = mkdtempSync(join(tmpdir(), 'hanger-pg-sale-trace-'));
const destination = pino.destination({ dest: '/dev/null', sync: true });
try {
  const admin = new pg.Client({ connectionString: `${cluster.url}/postgres` });
  await admin.connect();
  await admin.query(`alter system set shared_preload_libraries = 'pg_stat_statements'`);
  await admin.end();
  // The library loads at start: the fresh cluster is restarted once.
  await cluster.crash();
  await cluster.restart();
  const setup = new pg.Client({ connectionString: `${cluster.url}/postgres` });
  await setup.connect();
  // Known once the library is loaded; a reload is enough for it.
  await setup.query('alter system set pg_stat_statements.track_planning = on');
  await setup.query('select pg_reload_conf()');
  await setup.query('create database hanger_trace');
  await setup.end();
  const url = `${cluster.url}/hanger_trace`;
  const stats = new pg.Client({ connectionString: url });
  // The cluster's stop ends this session too; that is no fault of the run's.
  stats.on('error', () => undefined);
  await stats.connect();
  await stats.query('create extension pg_stat_statements');

  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ store: { code: 'HQ01', name: 'HQ01' } }));
  const { ctx } = await boot({
    dataDir,
    log: createLogger(destination, 'info'),
    env: { HANGER_OWNER_PASSWORD: 'bench-owner-pass', HANGER_DATABASE_URL: url },
  });
  const running = await serve(ctx, { port: 0, host: '127.0.0.1' });
  const { token } = await must(running.url, null, 'POST', '/api/auth/login', {
    username: 'owner',
    password: 'bench-owner-pass',
  });
  const shop = {
    ...(await stock(running.url, token, true)),
    memberIds: await members(running.url, token, '3'),
  };
  const sell = async (n: number) => {
    const begin = process.hrtime.bigint();
    await must(running.url, token, 'POST', '/api/sales', saleBody(shop, n));
    return Number(process.hrtime.bigint() - begin);
  };
  for (let i = 0; i < WARMUP; i++) await sell(i);
  await stats.query('select pg_stat_statements_reset()');
  tracing = true;
  const requests: number[] = [];
  for (let i = 0; i < SALES; i++) requests.push(await sell(WARMUP + i));
  tracing = false;
  const server = await stats.query<{ query: string; calls: string; mean: number; plan: number }>(
    `select s.query, s.calls, s.mean_exec_time * 1000000 as mean, s.mean_plan_time * 1000000 as plan
     from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = 'hanger_trace'`,
  );
  const serverTime = new Map(server.rows.map((row) => [row.query, row]));
  print(
    `${SALES} sales traced after ${WARMUP} untimed; load ${loadavg()
      .map((n) => n.toFixed(2))
      .join(' ')}`,
  );
  const perSale = [...seen].filter(([, entry]) => entry.times.length >= SALES);
  const statements = perSale.reduce((sum, [, entry]) => sum + entry.times.length / SALES, 0);
  const clientSum =
    perSale.reduce((sum, [, entry]) => sum + entry.times.reduce((a, b) => a + b, 0), 0) / SALES;
  let serverSum = 0;
  for (const [shape, entry] of perSale.sort((a, b) => a[1].order - b[1].order)) {
    // pg_stat_statements keys by the text with constants as $n: the driver's text already is.
    const spent = [...entry.texts].flatMap((text) => serverTime.get(text) ?? []);
    const calls = spent.reduce((sum, row) => sum + Number(row.calls), 0);
    const plan = spent.reduce((sum, row) => sum + row.plan * Number(row.calls), 0) / calls;
    const mean = spent.reduce((sum, row) => sum + row.mean * Number(row.calls), 0) / calls;
    if (calls > 0) serverSum += ((mean + plan) * calls) / SALES;
    const server = calls > 0 ? `${us(plan).padStart(7)} + ${us(mean).padStart(7)}` : '      ?         ';
    print(
      `× ${(entry.times.length / SALES).toFixed(1)}  client ${us(median(entry.times)).padStart(8)}  server plan + run ${server}  ${shape.slice(0, 100).replace(/\s+/g, ' ')}`,
    );
  }
  print('');
  print(`statements per sale: ${statements.toFixed(1)}`);
  print(
    `a sale's request: median ${us(median(requests))}; its statements as the client saw them ${us(clientSum)} ` +
      `on average, as the server planned and ran them ${us(serverSum)} (a statement PostgreSQL could not match ` +
      "to its text, shown ?, not counted; COMMIT's WAL flush is not in its run time)",
  );
  await stats.end();
  await running.close();
} finally {
  destination.end();
  rmSync(dataDir, { recursive: true, force: true });
  await cluster.stop();
}
