import type { ChildProcess } from 'node:child_process';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../server/context.js';
import { MIGRATIONS } from '../../server/storage/migrations/index.js';
import { mainThreadCpuSeconds } from './cpu.js';
import type { Benchmark } from './harness.js';
import { settingsFrom } from './harness.js';
import { copyShop, HERE, runShop, type ShopSizes, seededShop, stopShop, warmShop } from './sales-data.js';

/** The sizes by default; smaller ones through the environment for a quick run. */
const MEMBERS = Number(process.env.BENCH_SALES_MEMBERS) || 1_000_000;
const STYLES = Math.ceil((Number(process.env.BENCH_SALES_SKUS) || 300_000) / 15);
const SALES = Number(process.env.BENCH_SALES_SALES) || 5_000_000;
const LOWDB_MEMBERS = Number(process.env.BENCH_SALES_LOWDB_MEMBERS) || 200_000;
const LOWDB_WRITES = Number(process.env.BENCH_SALES_LOWDB_WRITES) || 30;
const THROUGHPUT_SALES = Number(process.env.BENCH_SALES_THROUGHPUT) || 4000;
const CLIENTS = 8;
const OWNER_PASSWORD = 'bench-owner-pass';

const print = (text: string) => process.stdout.write(`${text}\n`);
const ms = (ns: number) => (ns / 1e6).toFixed(3);
const seconds = (since: bigint) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Past sales straight into the tables on a second connection, in SQL, spread over the days
 * before the benchmark (2,000 a day from 2016-01-01) so that the indexes a sale or a report
 * touches (number, member history, day) are chain-sized. Each sale has `lines` lines of
 * different SKUs (category from the style) at 199.00; seven in ten have a member; the hour
 * runs from 10:00 to 20:00 store time; cash, WeChat, Alipay and card take turns; every fourth
 * sale has a 20.00 promotion discount on its first line, and one sale in a hundred had that
 * line returned and refunded in cash the same day.
 */
export function seedSales(file: string, ctx: AppContext, sales: number, lines = 1): void {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('foreign_keys = OFF');
  const members = (db.prepare('select max(rowid) as n from members').get() as { n: number }).n;
  const skus = (db.prepare('select max(rowid) as n from skus').get() as { n: number }).n;
  const staff = (db.prepare('select id from staff limit 1').get() as { id: string }).id;
  const store = `'${ctx.store.id}'`;
  const chunk = 250_000;
  const id = (kind: string, line = '0') =>
    `printf('00000000-%04x-7${kind}-8%03x-%012x', i / 1000000000, ${line}, i)`;
  const day = `date('2016-01-01', '+' || (i / 2000) || ' days')`;
  const at = `${day} || printf('T%02d:%02d:00.000Z', 2 + i % 11, i % 60)`;
  const off = 'case when i % 4 = 0 then 2000 else 0 end';
  const total = `(${lines} * 19900 - ${off})`;
  const returned = 'i % 100 = 50';
  const insert = db.transaction((from: number, to: number) => {
    const rows = `with recursive n(i) as (select ${from} union all select i + 1 from n where i < ${to - 1})`;
    const lineNos = `line_nos(j) as (select 0 union all select j + 1 from line_nos where j < ${lines - 1})`;
    db.exec(`${rows}
      insert into sales (id, store_id, number, business_day, at, staff_id, approver_id, device_id, member_id, training,
        status, subtotal, discount_total, total, paid, change, rounding, points_earned, points_redeemed, request_hash,
        result, receipt, exchange_of, voided_at, voided_by, void_approver_id, void_reason)
      select ${id('000')}, ${store}, printf('${ctx.store.code}-%s-%04d', replace(${day}, '-', ''), i % 2000 + 1),
        ${day}, ${at}, '${staff}', null, null,
        case when i % 10 < 7 then (select id from members where rowid = 1 + (i * 7919) % ${members}) end,
        0, 'completed', ${lines} * 19900, ${off}, ${total}, ${total}, 0, 0,
        case when i % 10 < 7 then ${total} / 100 else 0 end, 0, 'seed', '{}', '{}', null, null, null, null, null
      from n`);
    db.exec(`${rows}, ${lineNos}
      insert into sale_lines (id, store_id, sale_id, line_no, sku_id, style_id, category_id, barcode, name, color, size,
        qty, list_price, unit_price, price_override, discount_total, total, unit_cost, returned_qty)
      select ${id('001', 'j')}, ${store}, ${id('000')}, j, k.id, k.style_id, st.category_id, k.barcode, 'seed', k.color,
        k.size, 1, 19900, 19900, null, case when j = 0 then ${off} else 0 end,
        19900 - case when j = 0 then ${off} else 0 end, st.cost, case when j = 0 and ${returned} then 1 else 0 end
      from n cross join line_nos join skus k on k.rowid = 1 + ((i * ${lines} + j) * 104729) % ${skus}
        join styles st on st.id = k.style_id`);
    db.exec(`${rows}
      insert into sale_line_discounts (id, store_id, sale_id, line_id, seq, source, ref, label, amount)
      select ${id('002')}, ${store}, ${id('000')}, ${id('001')}, 0, 'promotion', 'bench-promotion', '满199减20', 2000
      from n where i % 4 = 0`);
    db.exec(`${rows}
      insert into sale_payments (id, store_id, sale_id, seq, method, amount, reference, principal, bonus)
      select ${id('003')}, ${store}, ${id('000')}, 0,
        case i % 5 when 0 then 'cash' when 2 then 'alipay' when 4 then 'card' else 'wechat' end,
        ${total}, null, null, null from n`);
    const refund = `19900 - ${off}`;
    db.exec(`${rows}
      insert into returns (id, store_id, sale_id, number, business_day, at, kind, staff_id, approver_id, device_id,
        member_id, training, amount, points_taken, points_shortfall, kept_back, points_given_back, refund_total,
        reason, request_hash, result, receipt)
      select ${id('004')}, ${store}, ${id('000')}, printf('${ctx.store.code}-R%09d', i), ${day},
        ${day} || 'T12:30:00.000Z', 'return', '${staff}', null, null, null, 0, ${refund}, 0, 0, 0, 0, ${refund},
        '尺码不合适', 'seed', '{}', '{}'
      from n where ${returned}`);
    db.exec(`${rows}
      insert into return_lines (id, store_id, return_id, sale_line_id, sku_id, qty, amount, points_discount)
      select ${id('005')}, ${store}, ${id('004')}, ${id('001')}, l.sku_id, 1, ${refund}, 0
      from n join sale_lines l on l.id = ${id('001')} where ${returned}`);
    db.exec(`${rows}
      insert into refunds (id, store_id, return_id, seq, method, amount, reference)
      select ${id('006')}, ${store}, ${id('004')}, 0, 'cash', ${refund}, null from n where ${returned}`);
  });
  for (let from = 0; from < sales; from += chunk) insert(from, Math.min(sales, from + chunk));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** JSON over one kept-alive connection per client. */
function poster(base: string, token: string) {
  const { hostname, port } = new URL(base);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    post: (path: string, body: unknown) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const payload = JSON.stringify(body);
        const req = request(
          {
            agent,
            hostname,
            port,
            path,
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              text += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      }),
    close: () => agent.destroy(),
  };
}

/** The naive design: every member in one lowdb JSON file, rewritten whole on each sale. */
async function lowdbReference(dir: string): Promise<number[]> {
  interface Data {
    members: { id: string; phone: string; points: number; storedValue: number }[];
    sales: unknown[];
  }
  const db = new Low<Data>(new JSONFile(join(dir, 'lowdb.json')), { members: [], sales: [] });
  for (let i = 0; i < LOWDB_MEMBERS; i++) {
    db.data.members.push({
      id: `m${i}`,
      phone: `138${String(i).padStart(8, '0')}`,
      points: 200,
      storedValue: 35000,
    });
  }
  await db.write();
  const samples: number[] = [];
  for (let n = 0; n < LOWDB_WRITES; n++) {
    const start = process.hrtime.bigint();
    const member = db.data.members.find((m) => m.id === `m${(n * 7919) % LOWDB_MEMBERS}`);
    if (!member) throw new Error('lowdb member missing');
    member.points += 99;
    member.storedValue -= 1000;
    db.data.sales.push({ id: uuidv4(), memberId: member.id, lines: 5, total: 99000 });
    await db.write();
    samples.push(Number(process.hrtime.bigint() - start));
  }
  return samples.sort((a, b) => a - b);
}

/** What the timed sales use in a seeded shop, chosen (and stocked) on its file before it serves. */
export interface SaleStock {
  skuIds: string[];
  memberIds: string[];
}

/** Five SKUs of different styles, with stock enough for every sale of the run; members in turn. */
export function stockForSales(file: string): SaleStock {
  const raw = new BetterSqlite3(file);
  try {
    const skuIds = (
      raw
        .prepare('select id from skus where rowid in (11, 2222, 33333, 144444, 255555) or rowid <= 5 limit 5')
        .all() as { id: string }[]
    ).map((row) => row.id);
    raw
      .prepare(
        `update stock_levels set on_hand = 100000000 where sku_id in (${skuIds.map(() => '?').join(',')})`,
      )
      .run(...skuIds);
    const memberIds = (
      raw.prepare('select id from members where rowid % 97 = 1 limit 20000').all() as { id: string }[]
    ).map((r) => r.id);
    return { skuIds, memberIds };
  } finally {
    raw.close();
  }
}

/** A signed-in till on a running shop: the timed sale and quote, over `CLIENTS` connections. */
export interface Till {
  clients: ReturnType<typeof poster>[];
  sell(via?: ReturnType<typeof poster>): Promise<void>;
  quote(): Promise<void>;
  close(): void;
}

/** Signs the owner in on `url`, adds the two promotions and checks that the quote applies both. */
export async function openTill(url: string, { skuIds, memberIds }: SaleStock): Promise<Till> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'owner', password: OWNER_PASSWORD }),
  });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  const clients: ReturnType<typeof poster>[] = [];
  for (let i = 0; i < CLIENTS; i++) clients.push(poster(url, token));
  const client = clients[0] as ReturnType<typeof poster>;
  const close = () => {
    for (const each of clients) each.close();
  };
  try {
    // Two promotions that both apply: 9折 on everything, then 满500减50.
    for (const promotion of [
      { kind: 'percent_off', label: '全场9折', offBp: 1000, priority: 10 },
      { kind: 'spend_save', label: '满500减50', steps: [{ threshold: 50000, off: 5000 }], priority: 20 },
    ]) {
      const reply = await client.post('/api/promotions', promotion);
      if (reply.status !== 201) throw new Error(`promotion: ${reply.body}`);
    }
    const lines = skuIds.map((skuId) => ({ skuId, qty: 1 }));
    let m = 0;
    const nextMember = () => {
      m = (m + 1) % memberIds.length;
      return memberIds[m] as string;
    };
    const quoteBody = (memberId: string) => ({ memberId, lines, redeemPoints: 100 });
    const quoted = await client.post('/api/sales/quote', quoteBody(memberIds[0] as string));
    if (quoted.status !== 200) throw new Error(`quote: ${quoted.body}`);
    const quote = JSON.parse(quoted.body) as { total: number; appliedPromotions: string[] };
    if (quote.appliedPromotions.length !== 2) throw new Error(`expected two promotions, got ${quoted.body}`);
    // What each member's bill came to last time: a member whose tier rose since pays less and
    // gets change, which must stay under a ¥100 note (else the sale is over-tendered).
    const lastTotal = new Map<string, number>();
    // The sale's id made as the till makes it (`newRequestId`, kiosk/src/data/http.ts): time-ordered.
    const saleBody = (memberId: string) => ({
      id: uuidv7(),
      ...quoteBody(memberId),
      payments: [
        { method: 'stored_value', amount: 1000 },
        { method: 'cash', amount: (lastTotal.get(memberId) ?? quote.total) - 1000 },
      ],
    });
    return {
      clients,
      async sell(via = client) {
        const memberId = nextMember();
        const reply = await via.post('/api/sales', saleBody(memberId));
        if (reply.status !== 201) throw new Error(`sale: ${reply.status} ${reply.body}`);
        lastTotal.set(memberId, (JSON.parse(reply.body) as { total: number }).total);
      },
      async quote() {
        const reply = await client.post('/api/sales/quote', quoteBody(nextMember()));
        if (reply.status !== 200) throw new Error(`quote: ${reply.body}`);
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/** Sales per second from every client of `till` selling at once, `total` sales in all. */
export async function salesPerSecond(till: Till, total: number): Promise<number> {
  let done = 0;
  const begin = process.hrtime.bigint();
  await Promise.all(
    till.clients.map(async (via) => {
      while (done < total) {
        done++;
        await till.sell(via);
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - begin) / 1e9);
}

/** The disk's bare fsync of a small write, on a file in `dir`: the floor of a durable sale. */
export function fsyncFloor(dir: string): { run(): Promise<void>; close(): void } {
  const fd = openSync(join(dir, 'fsync-probe'), 'w');
  const probe = Buffer.from('hanger fsync probe\n');
  return {
    run: async () => {
      writeSync(fd, probe, 0, probe.length, 0);
      fsyncSync(fd);
    },
    close: () => closeSync(fd),
  };
}

/** Pages a sale's commit writes to the WAL at chain size (`sale-trace.ts`: 100–103). */
const SALE_WAL_PAGES = 100;

/** The most the server writes to the WAL in one call (`server/storage/wal-batch/wal-batch.c`). */
const WAL_BATCH_WRITE = 30 * 4096;

/**
 * The disk's part of a sale's commit, `times` over: `SALE_WAL_PAGES` WAL frames (a 24-byte
 * header and a 4 KiB page each) written over the same stretch of a file in `dir`, as the WAL is
 * reused from its start after a checkpoint, and one fsync. `batched`: in writes of up to
 * 120 KiB, as the server's WAL shim writes them; else one write per header and one per page,
 * as SQLite alone does. Measured apart from the timed cases: interleaved with them, its writing
 * slowed the sales and the floor.
 */
function walCommitTimes(dir: string, times: number, batched: boolean): number[] {
  const fd = openSync(join(dir, 'wal-probe'), 'w');
  const frame = 24 + 4096;
  const commit = Buffer.alloc(SALE_WAL_PAGES * frame, 0x5a);
  const took: number[] = [];
  try {
    for (let round = 0; round <= times; round++) {
      const begin = process.hrtime.bigint();
      if (batched) {
        for (let at = 0; at < commit.length; at += WAL_BATCH_WRITE)
          writeSync(fd, commit, at, Math.min(WAL_BATCH_WRITE, commit.length - at), at);
      } else {
        for (let at = 0; at < commit.length; at += frame) {
          writeSync(fd, commit, at, 24, at);
          writeSync(fd, commit, at + 24, 4096, at + 24);
        }
      }
      fsyncSync(fd);
      // The first round allocates the file's blocks; the WAL's are allocated once too.
      if (round > 0) took.push(Number(process.hrtime.bigint() - begin));
    }
  } finally {
    closeSync(fd);
  }
  return took.sort((a, b) => a - b);
}

export const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

export const SALE_SIZES: ShopSizes = { members: MEMBERS, styles: STYLES, sales: SALES };
export { CLIENTS, THROUGHPUT_SALES };

/**
 * Checkout at chain size: a 5-line sale with a member, two promotions, points and stored
 * value over HTTP (synchronous=FULL, the server's own settings), and its quote; against the
 * disk's bare fsync (the floor). Once per run: the disk's time for a sale's ~100 WAL pages,
 * throughput from 8 concurrent clients, and the same sale written to a lowdb JSON store of
 * 200,000 members (the naive design). The seeded shop is kept between runs (`sales-data.ts`);
 * each run works on a copy of it.
 */
export const salesChain: Benchmark = {
  name: 'sales/chain',
  summary: `5-line member sale over HTTP on ${MEMBERS} members / ${STYLES * 15} SKUs / ${SALES} sales`,
  async setup() {
    const dataDir = mkdtempSync(join(tmpdir(), 'hanger-bench-sales-'));
    let shop: ChildProcess | null = null;
    let till: Till | null = null;
    const floor = fsyncFloor(dataDir);
    const cleanUp = async () => {
      till?.close();
      floor.close();
      if (shop) await stopShop(shop);
      rmSync(dataDir, { recursive: true, force: true });
    };
    try {
      const kept = await seededShop(HERE, SALE_SIZES, MIGRATIONS.at(-1)?.version ?? 0);
      const start = process.hrtime.bigint();
      copyShop(kept, dataDir);
      const stock = stockForSales(join(dataDir, 'hanger.db'));
      warmShop(dataDir);
      print(`  copied the kept shop and read it through in ${seconds(start)} s`);
      // The server in a process of its own, as `npm start` runs it at the shop: the tills'
      // HTTP clients (this process) do not share its event loop.
      const profiles = process.env.BENCH_CPU_PROF;
      const flags = profiles ? ['--cpu-prof', `--cpu-prof-dir=${resolve(profiles)}`] : [];
      const served = await runShop(HERE, ['serve', dataDir], 'url', flags);
      shop = served.child;
      const opened = await openTill(String(served.answer.url), stock);
      till = opened;
      const salesTimes: number[] = [];
      const quoteTimes: number[] = [];
      const timed = (into: number[], run: () => Promise<unknown>) => async () => {
        const begin = process.hrtime.bigint();
        await run();
        into.push(Number(process.hrtime.bigint() - begin));
      };
      return {
        cases: [
          { name: 'bare fsync of a small write (the floor)', reference: true, run: floor.run },
          {
            name: 'POST /api/sales (5 lines, member, 2 promotions, points, stored value)',
            run: timed(salesTimes, () => opened.sell()),
          },
          { name: 'POST /api/sales/quote (same cart)', run: timed(quoteTimes, () => opened.quote()) },
        ],
        async close() {
          try {
            const { samples } = settingsFrom(process.argv.slice(2), process.env);
            const sorted = (xs: number[]) => xs.slice(-samples).sort((a, b) => a - b);
            const saleSorted = sorted(salesTimes);
            const quoteSorted = sorted(quoteTimes);
            const p50 = percentile(saleSorted, 0.5) / 1e6;
            const p99 = percentile(saleSorted, 0.99) / 1e6;
            const q99 = percentile(quoteSorted, 0.99) / 1e6;
            const verdict = (ok: boolean) => (ok ? 'within goal' : 'above goal');
            print(`  goal: sale p50 under 3 ms — measured ${p50.toFixed(3)} ms (${verdict(p50 < 3)})`);
            print(`  goal: sale p99 under 15 ms — measured ${p99.toFixed(3)} ms (${verdict(p99 < 15)})`);
            print(`  goal: quote p99 under 5 ms — measured ${q99.toFixed(3)} ms (${verdict(q99 < 5)})`);

            for (const [batched, how] of [
              [true, 'in writes of up to 120 KiB, as the server writes them'],
              [false, 'a write per header and per page, as SQLite alone writes them'],
            ] as const) {
              const disk = walCommitTimes(dataDir, 300, batched);
              const diskMedian = percentile(disk, 0.5);
              print(
                `  reference: the disk alone for a sale's ${SALE_WAL_PAGES} WAL pages (${how}, then fsync) — median ${ms(diskMedian)} ms, p99 ${ms(percentile(disk, 0.99))} ms over ${disk.length} = ${((100 * diskMedian) / 1e6 / p50).toFixed(0)}% of the sale's median`,
              );
            }

            const pid = served.child.pid as number;
            const cpuBefore = mainThreadCpuSeconds(pid);
            const perSecond = await salesPerSecond(opened, THROUGHPUT_SALES);
            const mainCpu = mainThreadCpuSeconds(pid) - cpuBefore;
            print(
              `  goal: at least 300 sales/s from ${CLIENTS} concurrent clients — measured ${perSecond.toFixed(0)} sales/s over ${THROUGHPUT_SALES} sales (${verdict(perSecond >= 300)})`,
            );
            print(
              `  the server's main thread meanwhile: ${((1000 * mainCpu) / THROUGHPUT_SALES).toFixed(2)} ms of CPU a sale, busy ${((100 * mainCpu * perSecond) / THROUGHPUT_SALES).toFixed(0)}% of the time`,
            );

            const lowdb = await lowdbReference(dataDir);
            const lowMedian = percentile(lowdb, 0.5);
            print(
              `  reference: the same sale into a lowdb JSON store of ${LOWDB_MEMBERS} members (whole file rewritten) — median ${ms(lowMedian)} ms, p99 ${ms(percentile(lowdb, 0.99))} ms over ${lowdb.length} writes = ${(lowMedian / 1e6 / p50).toFixed(1)}× Hanger's median`,
            );
            print(`  load average at the end: ${loadAverage()}`);
          } finally {
            await cleanUp();
          }
        },
      };
    } catch (error) {
      await cleanUp();
      throw error;
    }
  },
};
