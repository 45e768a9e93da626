/**
 * Report queries over the sales benchmark's seeded chain: the admin dashboard's day report
 * and the reports of `GET /api/reports/*` over HTTP, each timed cold-ish (first call) and as
 * the median of a few more; then a campaign to 100,000 consenting members queued (one
 * `POST /api/campaigns`). Prints figures against the issue's goals; never fails on a number.
 *
 * `npx tsx scripts/bench/reports.bench.ts` or `npm run bench -- --filter reports`; sizes
 * through the environment: BENCH_REPORTS_SALES (5,000,000), BENCH_REPORTS_MEMBERS (1,000,000),
 * BENCH_REPORTS_SKUS (300,000), BENCH_REPORTS_RUNS (5), BENCH_REPORTS_RECIPIENTS (100,000).
 *
 * Seeding the full set takes about ten minutes. BENCH_REPORTS_DATA=<folder> keeps a copy of
 * the seeded shop there and, on later runs with the same sizes, starts from a copy of it
 * instead of seeding again (the campaign writes to the copy, never to the kept shop).
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
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
const LINES = 3;
const RUNS = Number(process.env.BENCH_REPORTS_RUNS) || 5;
const RECIPIENTS = Math.min(MEMBERS, Number(process.env.BENCH_REPORTS_RECIPIENTS) || 100_000);
const OWNER_PASSWORD = 'bench-owner-pass';
const KEEP = process.env.BENCH_REPORTS_DATA ? resolve(process.env.BENCH_REPORTS_DATA) : null;
const SIZES = JSON.stringify({
  sales: SALES,
  lines: LINES,
  members: MEMBERS,
  styles: STYLES,
  recipients: RECIPIENTS,
});

const print = (text: string) => process.stdout.write(`${text}\n`);
const seconds = (since: bigint) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);

/** The seeder puts 2000 sales on each day from 2016-01-01: the last seeded day. */
function lastDay(sales: number): string {
  const days = Math.max(0, Math.ceil(sales / 2000) - 1);
  return new Date(Date.parse('2016-01-01T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
}
const before = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

/**
 * What the checkout keeps on each member in the sale's transaction (spend and visits, which
 * lifetime value reads), made to agree with the seeded sales; and `RECIPIENTS` members tagged
 * and consenting to SMS for the campaign.
 */
function seedMemberFigures(file: string, recipients: number): void {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.exec(`create temp table bench_totals (id text primary key, visits integer, spend integer)`);
  db.exec(`insert into bench_totals select member_id, count(*), sum(total) from sales
    where member_id is not null and training = 0 and status <> 'voided' group by member_id`);
  db.exec(`update members set
    visits = coalesce((select visits from bench_totals t where t.id = members.id), 0),
    spend_lifetime = coalesce((select spend from bench_totals t where t.id = members.id), 0)`);
  db.prepare(`update members set tags = '["bench-campaign"]', consents = ? where rowid <= ?`).run(
    JSON.stringify({ sms: { given: true, at: '2026-01-10T02:00:00.000Z' } }),
    recipients,
  );
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** True when `KEEP` holds a shop seeded with these sizes (copied into `dataDir`). */
function reuseKept(dataDir: string): boolean {
  if (!KEEP || !existsSync(join(KEEP, 'sizes.json'))) return false;
  if (readFileSync(join(KEEP, 'sizes.json'), 'utf8') !== SIZES) return false;
  for (const name of ['hanger.db', 'config.json']) copyFileSync(join(KEEP, name), join(dataDir, name));
  return true;
}

/** A consistent copy of the seeded shop (and its config) in `KEEP`, for the next run. */
function keep(dataDir: string): void {
  if (!KEEP) return;
  mkdirSync(KEEP, { recursive: true });
  rmSync(join(KEEP, 'sizes.json'), { force: true });
  rmSync(join(KEEP, 'hanger.db'), { force: true });
  const db = new BetterSqlite3(join(dataDir, 'hanger.db'));
  db.prepare('vacuum into ?').run(join(KEEP, 'hanger.db'));
  db.close();
  copyFileSync(join(dataDir, 'config.json'), join(KEEP, 'config.json'));
  writeFileSync(join(KEEP, 'sizes.json'), SIZES);
}

export async function printReportsBench(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hanger-bench-reports-'));
  const reused = reuseKept(dataDir);
  const destination = pino.destination({ dest: '/dev/null', sync: true });
  const { ctx } = await boot({
    dataDir,
    log: createLogger(destination, 'info'),
    env: { HANGER_OWNER_PASSWORD: OWNER_PASSWORD },
  });
  let running: Awaited<ReturnType<typeof serve>> | null = null;
  let closed = false;
  try {
    if (reused) {
      print(`the shop seeded with these sizes, copied from ${KEEP}`);
    } else {
      const file = join(dataDir, 'hanger.db');
      let start = process.hrtime.bigint();
      await seedChain(ctx, STYLES, STYLES * 15);
      print(`seeded ${STYLES * 15} SKUs in ${seconds(start)} s`);
      start = process.hrtime.bigint();
      seedMembers(file, ctx, MEMBERS);
      print(`seeded ${MEMBERS} members in ${seconds(start)} s`);
      start = process.hrtime.bigint();
      seedSales(file, ctx, SALES, LINES);
      print(`seeded ${SALES} sales (${SALES * LINES} lines, ${SALES / 100} returns) in ${seconds(start)} s`);
      start = process.hrtime.bigint();
      seedMemberFigures(file, RECIPIENTS);
      print(
        `members' spend and visits from the sales, ${RECIPIENTS} tagged for the campaign, in ${seconds(start)} s`,
      );
      keep(dataDir);
    }

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
      ['dashboard: day report (Z)', `/api/reports/day?date=${to}`, 500],
      ['dashboard: members of the day', `/api/reports/members?from=${to}&to=${to}`, 500],
      ['dashboard: the day by hour', `/api/reports/sales-by-hour?from=${to}&to=${to}`, 500],
      ['dashboard: the day by style', `/api/reports/sales-by-style?from=${to}&to=${to}`, 500],
      ['dashboard: member count', '/api/members/count', 500],
      ['dashboard: low stock', '/api/stock/low', 500],
      ['dashboard: feedback', '/api/feedback?limit=10', 500],
      ['dashboard: devices', '/api/devices', 500],
      ['sales-by-day, 30 days', `/api/reports/sales-by-day?${month}`, 500],
      ['sales-by-hour, 30 days', `/api/reports/sales-by-hour?${month}`, 500],
      ['sales-by-weekday, 30 days', `/api/reports/sales-by-weekday?${month}`, 500],
      ['sales-by-category, 30 days', `/api/reports/sales-by-category?${month}`, 500],
      ['sales-by-style, 30 days', `/api/reports/sales-by-style?${month}`, 500],
      ['sales-by-colour, 30 days', `/api/reports/sales-by-colour?${month}`, 500],
      ['sales-by-staff, 30 days', `/api/reports/sales-by-staff?${month}`, 500],
      ['size-curve, 30 days', `/api/reports/size-curve?${month}`, 500],
      ['sales-by-payment, 30 days', `/api/reports/sales-by-payment?${month}`, 500],
      ['discounts, 30 days', `/api/reports/discounts?${month}`, 500],
      ['best-sellers, 30 days', `/api/reports/best-sellers?${month}`, 500],
      ['slow-sellers, 30 days', `/api/reports/slow-sellers?${month}`, 500],
      ['gross-margin, 30 days', `/api/reports/gross-margin?${month}`, 500],
      ['returns, 30 days', `/api/reports/returns?${month}`, 500],
      ['promotions, 30 days', `/api/reports/promotions?${month}`, 500],
      ['coupons, 30 days', `/api/reports/coupons?${month}`, 500],
      ['stock-value', `/api/reports/stock-value?${month}`, 500],
      ['sales-by-day, 30 days, XLSX', `/api/reports/sales-by-day?${month}&format=xlsx`, 500],
      ['members summary, 30 days', `/api/reports/members?${month}`, 500],
      ['tiers, 30 days', `/api/reports/tiers?${month}`, 500],
      ['liabilities', `/api/reports/liabilities?${month}`, 500],
      ['rfm-segments (all members)', `/api/reports/rfm-segments?${month}`, 10_000],
      ['dormant (all members)', `/api/reports/dormant?${month}`, 10_000],
      ['rfm (all members, top 1000)', `/api/reports/rfm?${month}`, 10_000],
      ['rfm CSV, every member', `/api/reports/rfm?${month}&format=csv`, 10_000],
    ];
    print(
      `\nreports — ${SALES} sales, ${MEMBERS} members, ${STYLES * 15} SKUs; range ${before(to, 29)}..${to}; ` +
        `load ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
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

    // A campaign to RECIPIENTS consenting members through an SMS gateway: the time to queue it
    // (segment, consent, cap, the send log and the outbox in one transaction). The server's
    // worker starts sending right after; the gateway here only says yes.
    const sink = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
    });
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    try {
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const gateway = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/sms`;
      const set = await fetch(`${running.url}/api/marketing/channels/sms`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ url: gateway }),
      });
      if (!set.ok) throw new Error(`channel: ${set.status} ${await set.text()}`);
      const t0 = process.hrtime.bigint();
      const sent = await fetch(`${running.url}/api/campaigns`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: 'bench',
          channel: 'sms',
          template: '{{name}}，您有 {{points}} 积分，{{expiringPoints}} 分即将过期',
          definition: { tags: ['bench-campaign'] },
        }),
      });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (!sent.ok) throw new Error(`campaign: ${sent.status} ${await sent.text()}`);
      const result = (await sent.json()) as { queued: number };
      print(
        `${`campaign queued (${result.queued} recipients)`.padEnd(32)} ${ms.toFixed(1).padStart(9)} ${'—'.padStart(10)} ${String(10_000).padStart(8)}  ${ms <= 10_000 ? 'within goal' : 'above goal'}`,
      );
    } finally {
      // The worker is still sending to the sink: stop the server (and its worker) first.
      await running.close();
      running = null;
      closed = true;
      sink.closeAllConnections();
      await new Promise((resolve) => sink.close(resolve));
    }
  } finally {
    if (running) await running.close();
    else if (!closed) await ctx.storage.close();
    destination.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await printReportsBench();
