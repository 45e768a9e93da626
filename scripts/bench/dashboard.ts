/**
 * Admin dashboard ready with 5,000,000 sales in the database (issue 6, goal under 1 s): seeds a
 * chain-sized shop (SKUs with stock movements, members with their ledgers, past sales up to and
 * including today), starts the real server on it, opens /admin in headless Chromium signed in as
 * the owner and times, from the start of navigation, until every figure of the dashboard is drawn
 * (members, low stock, devices, today's takings and sales count, member share, new members, the
 * hourly chart and top styles of today, the low-stock and device cards).
 * Each load is a fresh browser profile (the scripts come from the server, not a cache). Baseline:
 * the same page on a second server with an empty shop, in the same process and browser, loads
 * interleaved with the big shop's. Prints the first load, the median of the rest and the ratio.
 *
 * Full mode (default): 5,000,000 sales, 1,000,000 members, 300,000 SKUs, 9 loads each.
 * `BENCH_QUICK=1`: 100,000 sales, 20,000 members, 15,000 SKUs, 5 loads each. Sizes through
 * BENCH_DASHBOARD_SALES, BENCH_DASHBOARD_MEMBERS, BENCH_DASHBOARD_SKUS, BENCH_DASHBOARD_LOADS.
 * Needs a built kiosk (`npm run build`) and Debian's Chromium at /usr/bin/chromium.
 *
 * `npx tsx scripts/bench/dashboard.ts`, or `npm run bench -- --filter dashboard`.
 */

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { type Browser, chromium } from 'playwright-core';
import { boot } from '../../server/boot.js';
import type { AppContext } from '../../server/context.js';
import { businessDay } from '../../server/domain/sales/numbers.js';
import { createLogger } from '../../server/logging.js';
import { type RunningServer, serve } from '../../server/server.js';
import { seedChain } from './catalog-seed.js';
import { seed as seedMembers } from './members.bench.js';

const KIOSK_DIST = resolve(import.meta.dirname, '../../kiosk/dist');
const CHROMIUM = '/usr/bin/chromium';
const GOAL_MS = 1000;
const OWNER_PASSWORD = 'bench-owner-pass';
/** Sales per store day, as the sales benchmark seeds them. */
const PER_DAY = 2000;

const print = (text: string) => process.stdout.write(`${text}\n`);
const seconds = (since: bigint) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);

interface Sizes {
  sales: number;
  members: number;
  skus: number;
  loads: number;
}

function sizesFrom(env: NodeJS.ProcessEnv): Sizes & { quick: boolean } {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  return {
    quick,
    sales: Number(env.BENCH_DASHBOARD_SALES) || (quick ? 100_000 : 5_000_000),
    members: Number(env.BENCH_DASHBOARD_MEMBERS) || (quick ? 20_000 : 1_000_000),
    skus: Number(env.BENCH_DASHBOARD_SKUS) || (quick ? 15_000 : 300_000),
    loads: Number(env.BENCH_DASHBOARD_LOADS) || (quick ? 5 : 9),
  };
}

/**
 * Past sales straight into the tables on a second connection, one line and one payment each,
 * PER_DAY a store day, the last day being today (so the dashboard's "today" is a full day).
 * The same rows as the sales benchmark's seeder, anchored on today instead of 2016.
 */
export function seedSalesUntilToday(file: string, ctx: AppContext, sales: number): void {
  const today = businessDay(ctx, new Date());
  const days = Math.ceil(sales / PER_DAY);
  const first = new Date(Date.parse(`${today}T00:00:00Z`) - (days - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  const members = (db.prepare('select max(rowid) as n from members').get() as { n: number }).n;
  const skus = (db.prepare('select max(rowid) as n from skus').get() as { n: number }).n;
  const staff = (db.prepare('select id from staff limit 1').get() as { id: string }).id;
  const chunk = 250_000;
  const insert = db.transaction((from: number, to: number) => {
    const rows = `with recursive n(i) as (select ${from} union all select i + 1 from n where i < ${to - 1})`;
    const saleId = `printf('00000000-%04x-7000-8000-%012x', i / 1000000000, i)`;
    const day = `date('${first}', '+' || (i / ${PER_DAY}) || ' days')`;
    db.exec(`${rows}
      insert into sales (id, store_id, number, business_day, at, staff_id, approver_id, device_id, member_id, training,
        status, subtotal, discount_total, total, paid, change, rounding, points_earned, points_redeemed, request_hash,
        result, receipt, exchange_of, voided_at, voided_by, void_approver_id, void_reason)
      select ${saleId}, '${ctx.store.id}', printf('${ctx.store.code}-%s-%04d', replace(${day}, '-', ''), i % ${PER_DAY} + 1),
        ${day}, ${day} || 'T04:00:00.000Z', '${staff}', null, null,
        case when i % 3 = 0 then null else (select id from members where rowid = 1 + (i * 7919) % ${members}) end,
        0, 'completed', 19900, 0, 19900, 19900, 0, 0, 199, 0, 'seed', '{}', '{}', null, null, null, null, null
      from n`);
    db.exec(`${rows}
      insert into sale_lines (id, store_id, sale_id, line_no, sku_id, style_id, category_id, barcode, name, color, size,
        qty, list_price, unit_price, price_override, discount_total, total, unit_cost, returned_qty)
      select ${saleId}, '${ctx.store.id}', ${saleId}, 0, k.id, k.style_id, st.category_id, k.barcode, 'seed', k.color,
        k.size, 1, 19900, 19900, null, 0, 19900, st.cost, 0
      from n join skus k on k.rowid = 1 + (i * 104729) % ${skus} join styles st on st.id = k.style_id`);
    db.exec(`${rows}
      insert into sale_payments (id, store_id, sale_id, seq, method, amount, reference, principal, bonus)
      select ${saleId}, '${ctx.store.id}', ${saleId}, 0, case when i % 2 = 0 then 'cash' else 'wechat' end, 19900,
        null, null, null from n`);
  });
  for (let from = 0; from < sales; from += chunk) insert(from, Math.min(sales, from + chunk));
  // One style in five hundred has a low-stock threshold its SKUs are at: the dashboard lists them.
  db.exec(`update styles set low_stock_threshold = 30 where rowid % 500 = 0`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

interface Shop {
  name: string;
  ctx: AppContext;
  running: RunningServer;
  dataDir: string;
  session: { token: string; expiresAt: string; staff: unknown };
  close(): Promise<void>;
}

async function openShop(name: string, seed: ((ctx: AppContext, file: string) => Promise<void>) | null) {
  const dataDir = mkdtempSync(join(tmpdir(), `hanger-bench-dashboard-${name}-`));
  const destination = pino.destination({ dest: '/dev/null', sync: true });
  const { ctx } = await boot({
    dataDir,
    log: createLogger(destination, 'info'),
    env: { HANGER_OWNER_PASSWORD: OWNER_PASSWORD },
  });
  let running: RunningServer | null = null;
  try {
    if (seed) await seed(ctx, join(dataDir, 'hanger.db'));
    running = await serve(ctx, { port: 0, host: '127.0.0.1', kioskDir: KIOSK_DIST });
    const api = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
      const response = await fetch(`${running?.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const session = await api<Shop['session']>('/api/auth/login', {
      username: 'owner',
      password: OWNER_PASSWORD,
    });
    // Two tills, as a shop has: the day report has a part per terminal.
    for (const till of ['1', '2']) {
      const pairing = await api<{ code: string }>('/api/devices/pairings', { kind: 'checkout', name: till });
      await api('/api/devices', { code: pairing.code, name: till }, session.token);
    }
    const shop: Shop = {
      name,
      ctx,
      running,
      dataDir,
      session,
      async close() {
        await running?.close();
        destination.end();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
    return shop;
  } catch (error) {
    if (running) await running.close();
    else await ctx.storage.close();
    destination.end();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Runs in the page (as text: tsx would wrap a function with helpers the page lacks, and the
 * page's CSP forbids the string eval of waitForFunction): resolves, in the first frame in which
 * every figure of the dashboard is drawn, with the time since navigation started.
 */
const READY = `new Promise((done) => {
  const ready = () => {
    const admin = document.querySelector('hg-admin-app')?.shadowRoot;
    const dash = admin?.querySelector('hg-admin-dashboard')?.shadowRoot;
    if (!dash) return false;
    const tiles = [...dash.querySelectorAll('.tile strong')];
    if (tiles.length < 6 || tiles.some((tile) => ['', '…'].includes(tile.textContent.trim()))) return false;
    return Boolean(
      dash.querySelector('[data-sales-count]') &&
        dash.querySelector('[data-chart="by-hour"]:not([aria-busy="true"])') &&
        dash.querySelector('[data-top-styles]:not([aria-busy="true"])'),
    );
  };
  const tick = () => {
    if (!ready()) return requestAnimationFrame(tick);
    const dash = document.querySelector('hg-admin-app').shadowRoot.querySelector('hg-admin-dashboard').shadowRoot;
    const figure = (id) => dash.querySelector('[aria-labelledby="' + id + '"] strong').textContent.trim();
    const figures = ['t-members', 't-low', 't-devices', 't-sales', 't-member-share', 't-new-members'].map(figure);
    done({
      ms: performance.now(),
      figures,
      sales: dash.querySelector('[data-sales-count]').dataset.salesCount,
      hours: dash.querySelectorAll('[data-chart="by-hour"] tr[data-hour]').length,
      styles: dash.querySelectorAll('[data-top-styles] tr[data-style]').length,
    });
  };
  tick();
})`;

interface Load {
  ms: number;
  /** The tiles' figures as drawn: members, low stock, devices, today's takings, member share, new members. */
  figures: string[];
  /** Today's number of sales. */
  sales: string;
  /** Hours of today with a sale in the chart's table, and rows of today's top styles. */
  hours: number;
  styles: number;
}

/** One load of /admin signed in as the owner, in a fresh browser profile: ms until ready. */
async function loadDashboard(browser: Browser, shop: Shop): Promise<Load> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    baseURL: shop.running.url,
  });
  try {
    await context.addInitScript((session) => {
      sessionStorage.setItem('hanger.admin.session', JSON.stringify(session));
    }, shop.session);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
    });
    await page.goto('/admin#/dashboard', { waitUntil: 'commit' });
    const ready = await page.evaluate<Load>(READY);
    if (problems.length > 0) throw new Error(`the dashboard complained: ${problems.join('; ')}`);
    return ready;
  } finally {
    await context.close();
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

export async function printDashboard(): Promise<void> {
  if (!existsSync(resolve(KIOSK_DIST, 'admin/index.html')) || !existsSync(CHROMIUM)) {
    print('dashboard: skipped (needs `npm run build` and /usr/bin/chromium)');
    return;
  }
  const sizes = sizesFrom(process.env);
  const styles = Math.ceil(sizes.skus / 15);
  const shops: Shop[] = [];
  let browser: Browser | null = null;
  try {
    const empty = await openShop('empty', null);
    shops.push(empty);
    const big = await openShop('big', async (ctx, file) => {
      let start = process.hrtime.bigint();
      await seedChain(ctx, styles, styles * 15 * 7);
      print(
        `dashboard: seeded ${styles * 15} SKUs and ${styles * 15 * 7} stock movements in ${seconds(start)} s`,
      );
      start = process.hrtime.bigint();
      seedMembers(file, ctx, sizes.members);
      print(`dashboard: seeded ${sizes.members} members with their ledgers in ${seconds(start)} s`);
      start = process.hrtime.bigint();
      seedSalesUntilToday(file, ctx, sizes.sales);
      print(`dashboard: seeded ${sizes.sales} sales up to today in ${seconds(start)} s`);
    });
    shops.push(big);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const times: Record<string, number[]> = { empty: [], big: [] };
    let shown: Load | null = null;
    for (let i = 0; i < sizes.loads; i++) {
      // Interleaved, the order turning each round: load on the machine falls on both alike.
      for (const shop of i % 2 === 0 ? [empty, big] : [big, empty]) {
        const load = await loadDashboard(browser, shop);
        times[shop.name]?.push(load.ms);
        if (shop === big) shown = load;
      }
    }
    const [emptyFirst = 0, ...emptyRest] = times.empty ?? [];
    const [bigFirst = 0, ...bigRest] = times.big ?? [];
    const base = median(emptyRest);
    const measured = median(bigRest);
    print(
      `dashboard: ${sizes.quick ? 'quick' : 'full'} mode — ${sizes.sales} sales, ${sizes.members} members, ` +
        `${styles * 15} SKUs; ${sizes.loads} loads each, fresh browser profile per load`,
    );
    print(
      `dashboard: figures shown — members ${shown?.figures[0]}, low stock ${shown?.figures[1]}, devices ` +
        `${shown?.figures[2]}, today's takings ${shown?.figures[3]} from ${shown?.sales} sales, member share ` +
        `${shown?.figures[4]}, new members ${shown?.figures[5]}, ${shown?.hours} hour(s) with sales, ` +
        `${shown?.styles} top styles`,
    );
    print(
      `dashboard: empty shop (baseline) first ${emptyFirst.toFixed(0)} ms, median ${base.toFixed(0)} ms; ` +
        `${sizes.sales} sales first ${bigFirst.toFixed(0)} ms, median ${measured.toFixed(0)} ms ` +
        `(${(measured / base).toFixed(2)}× baseline; goal < ${GOAL_MS} ms: ${measured < GOAL_MS ? 'met' : 'NOT met'})`,
    );
  } finally {
    await browser?.close();
    for (const shop of shops.reverse()) await shop.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await printDashboard();
}
