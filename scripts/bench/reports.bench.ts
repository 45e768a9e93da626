/**
 * Report queries over the sales benchmark's seeded chain: the admin dashboard's day report
 * and the reports of `GET /api/reports/*` over HTTP, each timed cold-ish (first call) and as
 * the median of a few more. Prints figures against the issue's goals; never fails on a number.
 *
 * `npx tsx scripts/bench/reports.bench.ts`; sizes through the environment:
 * BENCH_REPORTS_SALES (5,000,000), BENCH_REPORTS_MEMBERS (1,000,000), BENCH_REPORTS_SKUS (300,000),
 * BENCH_REPORTS_RUNS (5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { boot } from '../../server/boot.js';
import { createLogger } from '../../server/logging.js';
import { serve } from '../../server/server.js';
import { seedChain } from './catalog-seed.js';
import { seed as seedMembers } from './members.bench.js';
import { seedSales } from './sales.bench.js';

const SALES = Number(process.env.BENCH_REPORTS_SALES) || 5_000_000;
const MEMBERS = Number(process.env.BENCH_REPORTS_MEMBERS) || 1_000_000;
const STYLES = Math.ceil((Number(process.env.BENCH_REPORTS_SKUS) || 300_000) / 15);
const RUNS = Number(process.env.BENCH_REPORTS_RUNS) || 5;
const OWNER_PASSWORD = 'bench-owner-pass';

const print = (text: string) => process.stdout.write(`${text}\n`);
const seconds = (since: bigint) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);

/** The seeder puts 2000 sales on each day from 2016-01-01: the last seeded day. */
function lastDay(sales: number): string {
  const days = Math.max(0, Math.ceil(sales / 2000) - 1);
  return new Date(Date.parse('2016-01-01T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
}
const before = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

const dataDir = mkdtempSync(join(tmpdir(), 'hanger-bench-reports-'));
const destination = pino.destination({ dest: '/dev/null', sync: true });
const { ctx } = await boot({
  dataDir,
  log: createLogger(destination, 'info'),
  env: { HANGER_OWNER_PASSWORD: OWNER_PASSWORD },
});
let running: Awaited<ReturnType<typeof serve>> | null = null;
try {
  const file = join(dataDir, 'hanger.db');
  let start = process.hrtime.bigint();
  await seedChain(ctx, STYLES, STYLES * 15);
  print(`seeded ${STYLES * 15} SKUs in ${seconds(start)} s`);
  start = process.hrtime.bigint();
  seedMembers(file, ctx, MEMBERS);
  print(`seeded ${MEMBERS} members in ${seconds(start)} s`);
  start = process.hrtime.bigint();
  seedSales(file, ctx, SALES);
  print(`seeded ${SALES} sales (one line and one payment each) in ${seconds(start)} s`);

  running = await serve(ctx, { port: 0, host: '127.0.0.1' });
  const login = await fetch(`${running.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'owner', password: OWNER_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const to = lastDay(SALES);
  const month = `from=${before(to, 29)}&to=${to}`;
  const cases: [string, string, number][] = [
    ['dashboard: day report (Z)', `/api/reports/day?date=${to}`, 1000],
    ['sales-by-day, 30 days', `/api/reports/sales-by-day?${month}`, 500],
    ['sales-by-hour, 30 days', `/api/reports/sales-by-hour?${month}`, 500],
    ['sales-by-category, 30 days', `/api/reports/sales-by-category?${month}`, 500],
    ['sales-by-style, 30 days', `/api/reports/sales-by-style?${month}`, 500],
    ['size-curve, 30 days', `/api/reports/size-curve?${month}`, 500],
    ['sales-by-payment, 30 days', `/api/reports/sales-by-payment?${month}`, 500],
    ['discounts, 30 days', `/api/reports/discounts?${month}`, 500],
    ['best-sellers, 30 days', `/api/reports/best-sellers?${month}`, 500],
    ['stock-value', `/api/reports/stock-value?${month}`, 500],
    ['sales-by-day, 30 days, XLSX', `/api/reports/sales-by-day?${month}&format=xlsx`, 500],
    ['members summary, 30 days', `/api/reports/members?${month}`, 500],
    ['rfm-segments (all members)', `/api/reports/rfm-segments?${month}`, 10_000],
  ];
  print(
    `\nreports — ${SALES} sales, ${MEMBERS} members, ${STYLES * 15} SKUs; range ${before(to, 29)}..${to}`,
  );
  print(
    `${'case'.padEnd(32)} ${'first ms'.padStart(9)} ${'median ms'.padStart(10)} ${'goal ms'.padStart(8)}  verdict`,
  );
  for (const [name, path, goal] of cases) {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      const reply = await fetch(running.url + path, { headers: { authorization: `Bearer ${token}` } });
      if (!reply.ok) throw new Error(`${path}: ${reply.status} ${await reply.text()}`);
      await reply.arrayBuffer();
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const first = times[0] ?? Number.NaN;
    const rest = times.slice(1).sort((a, b) => a - b);
    const median = rest[Math.floor(rest.length / 2)] ?? first;
    const verdict = median <= goal ? 'within goal' : 'above goal';
    print(
      `${name.padEnd(32)} ${first.toFixed(1).padStart(9)} ${median.toFixed(1).padStart(10)} ${String(goal).padStart(8)}  ${verdict}`,
    );
  }
} finally {
  if (running) await running.close();
  else await ctx.storage.close();
  destination.end();
  rmSync(dataDir, { recursive: true, force: true });
}
