/**
 * Where a sale's time goes, at chain size: `npx tsx scripts/bench/sale-trace.ts` serves a
 * copy of the checkout benchmark's kept shop (sales-data.ts; seeded first if none is kept),
 * sells the benchmark's sale `BENCH_TRACE_WARMUP` times (2000) untraced, then
 * `BENCH_TRACE_SALES` times (300) with every SQL statement timed, and prints:
 * - per sale: the statements run, each with its count, median time in SQLite and
 *   `EXPLAIN QUERY PLAN` against the big database, in the order a sale runs them;
 * - the request's time as the till saw it, split into before BEGIN, the write transaction
 *   (BEGIN IMMEDIATE to COMMIT done) and after COMMIT; beside the transaction the time its
 *   statements spent in SQLite, and COMMIT's own time (the WAL's fsync);
 * - the indexes each table the sale inserts into maintains;
 * - the pages each sale's commit writes to the WAL (`BENCH_TRACE_PAGES` more sales, 100,
 *   read back from the WAL's frames), by the table or index each page belongs to (SQLite's
 *   `dbstat`, which reads the whole database: a minute or so at chain size).
 * Run it under `node --cpu-prof --import tsx …` for a CPU profile of the same sales.
 */
import { closeSync, fstatSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { boot } from '../../server/boot.js';
import { createLogger } from '../../server/logging.js';
import { serve } from '../../server/server.js';
import { MIGRATIONS } from '../../server/storage/migrations/index.js';
import { loadAverage, openTill, SALE_SIZES, stockForSales } from './sales.bench.js';
import { copyShop, HERE, seededShop, warmShop } from './sales-data.js';

const WARMUP = Number(process.env.BENCH_TRACE_WARMUP) || 2000;
const SALES = Number(process.env.BENCH_TRACE_SALES) || 300;
const PAGE_SALES = Number(process.env.BENCH_TRACE_PAGES) || 100;
const print = (text: string) => process.stdout.write(`${text}\n`);

interface Seen {
  text: string;
  order: number;
  times: number[];
  params: unknown[];
}

/** Every statement's text, first-seen order, times and last parameters, while `tracing`. */
const seen = new Map<string, Seen>();
let tracing = false;
let order = 0;
let inTransaction: bigint | null = null;
const transactions: { total: number; commit: number; begun: bigint; ended: bigint }[] = [];

// Wraps every statement prepared from here on (the server's cache keeps the wrapped ones).
const prepare = BetterSqlite3.prototype.prepare;
const traced = function (this: BetterSqlite3.Database, text: string) {
  const statement = prepare.call(this, text) as BetterSqlite3.Statement;
  for (const method of ['run', 'all', 'get'] as const) {
    const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
    (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      if (!tracing) return original(...args);
      const begin = process.hrtime.bigint();
      if (text.startsWith('begin')) inTransaction = begin;
      const result = original(...args);
      const end = process.hrtime.bigint();
      if (text === 'commit' && inTransaction !== null) {
        transactions.push({
          total: Number(end - inTransaction),
          commit: Number(end - begin),
          begun: inTransaction,
          ended: end,
        });
        inTransaction = null;
      }
      let entry = seen.get(text);
      if (!entry) {
        entry = { text, order: order++, times: [], params: args };
        seen.set(text, entry);
      }
      entry.times.push(Number(end - begin));
      entry.params = args;
      return result;
    };
  }
  return statement;
};
BetterSqlite3.prototype.prepare = traced as typeof prepare;

/**
 * Reads the WAL's frames appended since the last call: the pages of each commit in between.
 * SQLite's WAL is a 32-byte header (page size at byte 8, salts at 16) and frames of a 24-byte
 * header (page number, the database's size after a commit or 0, the salts) and one page; a
 * writer that restarts the WAL writes new salts and begins again after the header.
 */
function walReader(walFile: string) {
  let salts = '';
  let offset = 32;
  let pages: number[] = [];
  const read = (fd: number, at: number, length: number) => {
    const buffer = Buffer.alloc(length);
    return readSync(fd, buffer, 0, length, at) === length ? buffer : null;
  };
  return (): number[][] => {
    const fd = openSync(walFile, 'r');
    try {
      const header = read(fd, 0, 32);
      if (!header) return [];
      const pageSize = header.readUInt32BE(8);
      const now = header.subarray(16, 24).toString('hex');
      if (now !== salts) [salts, offset, pages] = [now, 32, []];
      const commits: number[][] = [];
      const end = fstatSync(fd).size;
      while (offset + 24 + pageSize <= end) {
        const frame = read(fd, offset, 24);
        if (!frame || frame.subarray(8, 16).toString('hex') !== salts) break;
        pages.push(frame.readUInt32BE(0));
        if (frame.readUInt32BE(4) !== 0) {
          commits.push(pages);
          pages = [];
        }
        offset += 24 + pageSize;
      }
      return commits;
    } finally {
      closeSync(fd);
    }
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const us = (ns: number) => `${(ns / 1000).toFixed(1)} µs`;

const dataDir = mkdtempSync(join(tmpdir(), 'hanger-sale-trace-'));
const destination = pino.destination({ dest: '/dev/null', sync: true });
try {
  const kept = await seededShop(HERE, SALE_SIZES, MIGRATIONS.at(-1)?.version ?? 0);
  copyShop(kept, dataDir);
  const stock = stockForSales(join(dataDir, 'hanger.db'));
  warmShop(dataDir);
  const { ctx } = await boot({
    dataDir,
    log: createLogger(destination, 'info'),
    env: { HANGER_OWNER_PASSWORD: 'bench-owner-pass' },
  });
  const running = await serve(ctx, { port: 0, host: '127.0.0.1' });
  const till = await openTill(running.url, stock);
  for (let i = 0; i < WARMUP; i++) await till.sell();
  tracing = true;
  // Each traced sale as its till saw it: from the request sent to the answer read.
  const requests: { sent: bigint; answered: bigint }[] = [];
  for (let i = 0; i < SALES; i++) {
    const sent = process.hrtime.bigint();
    await till.sell();
    requests.push({ sent, answered: process.hrtime.bigint() });
  }
  tracing = false;
  const raw = ctx.storage.sqlite as BetterSqlite3.Database;
  print(`${SALES} sales traced after ${WARMUP} untraced; load ${loadAverage()}`);
  const perSale = [...seen.values()].filter((entry) => entry.times.length >= SALES);
  const statements = perSale.reduce((sum, entry) => sum + entry.times.length / SALES, 0);
  const inSqlite = perSale.reduce((sum, entry) => sum + entry.times.reduce((a, b) => a + b, 0), 0) / SALES;
  print(`statements per sale (its request, all of them): ${statements.toFixed(1)}`);
  // The sale's transaction is the one that ran while its request was out.
  const parts = requests.flatMap(({ sent, answered }) => {
    const t = transactions.find((x) => x.begun >= sent && x.ended <= answered);
    return t ? [{ request: answered - sent, before: t.begun - sent, after: answered - t.ended }] : [];
  });
  print(
    `request (the till's send to its answer read) median ${us(median(parts.map((p) => Number(p.request))))}: ` +
      `before BEGIN ${us(median(parts.map((p) => Number(p.before))))}, ` +
      `after COMMIT ${us(median(parts.map((p) => Number(p.after))))}`,
  );
  print(
    `transaction (BEGIN IMMEDIATE … COMMIT) median ${us(median(transactions.map((t) => t.total)))}, ` +
      `COMMIT ${us(median(transactions.map((t) => t.commit)))}; all statements of a sale in SQLite: ${us(inSqlite)} on average`,
  );
  const tables = new Set<string>();
  for (const entry of [...perSale].sort((a, b) => a.order - b.order)) {
    print('');
    print(`× ${(entry.times.length / SALES).toFixed(1)}  median ${us(median(entry.times))}  ${entry.text}`);
    const insert = /^insert into "(\w+)"/.exec(entry.text);
    if (insert?.[1]) tables.add(insert[1]);
    if (/^(select|insert|update|delete|with)/i.test(entry.text)) {
      try {
        const plan = raw.prepare(`explain query plan ${entry.text}`).all(...entry.params) as {
          detail: string;
        }[];
        for (const step of plan) print(`      plan: ${step.detail}`);
      } catch (error) {
        print(`      plan: (${(error as Error).message})`);
      }
    }
  }
  print('');
  for (const table of tables) {
    const indexes = raw.prepare(`pragma index_list("${table}")`).all() as { name: string }[];
    const columns = indexes.map((index) => {
      const cols = raw.prepare(`pragma index_info("${index.name}")`).all() as { name: string }[];
      return `${index.name}(${cols.map((c) => c.name).join(', ')})`;
    });
    print(`indexes kept on insert into ${table}: ${columns.length} — ${columns.join('; ')}`);
  }
  // Pages per commit, read back from the WAL after each sale (untimed: reading is slow).
  const newCommits = walReader(join(dataDir, 'hanger.db-wal'));
  newCommits();
  const commits: number[][] = [];
  for (let i = 0; i < PAGE_SALES; i++) {
    await till.sell();
    commits.push(...newCommits());
  }
  const owners = new Map<number, string>();
  const written = new Set(commits.flat());
  for (const { name, pageno } of raw.prepare('select name, pageno from dbstat').iterate() as Iterable<{
    name: string;
    pageno: number;
  }>) {
    if (written.has(pageno)) owners.set(pageno, name);
  }
  const byOwner = new Map<string, number>();
  for (const page of commits.flat()) {
    const owner = owners.get(page) ?? (page === 1 ? '(header page)' : '(free list or other)');
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + 1);
  }
  print('');
  print(
    `WAL pages per commit, ${commits.length} commits over ${PAGE_SALES} sales: ` +
      `median ${median(commits.map((c) => c.length))}, ${(commits.flat().length / PAGE_SALES).toFixed(1)} per sale`,
  );
  for (const [owner, count] of [...byOwner].sort((a, b) => b[1] - a[1]))
    print(`  ${(count / PAGE_SALES).toFixed(2).padStart(6)}  ${owner}`);
  till.close();
  await running.close();
} finally {
  destination.end();
  rmSync(dataDir, { recursive: true, force: true });
}
