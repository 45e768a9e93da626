import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pino from 'pino';
import { boot } from '../../server/boot.js';
import { skuByBarcode } from '../../server/domain/catalog/lookup.js';
import { searchStyles } from '../../server/domain/catalog/search.js';
import { importCatalog } from '../../server/domain/catalog/transfer/import.js';
import { checkStockLedger } from '../../server/domain/inventory/check.js';
import { createLogger } from '../../server/logging.js';
import { serve } from '../../server/server.js';
import { importCsv, seedChain, styleCodeOf } from './catalog-seed.js';
import { httpClient } from './clients.js';
import type { Benchmark } from './harness.js';
import { settingsFrom } from './harness.js';

const STYLES = 20_000;
const MOVEMENTS = 2_000_000;
const IMPORT_ROWS = 100_000;
const OWNER_PASSWORD = 'bench-owner-pass';

const print = (text: string) => process.stdout.write(`${text}\n`);
const ms = (ns: number) => (ns / 1e6).toFixed(3);

/** What a cashier types, letter by letter: pinyin initials, Chinese name parts, style codes. */
const SEARCHES = [
  'l',
  'ly',
  'lyq',
  '连',
  '连衣',
  '连衣裙',
  'fs',
  'fsl',
  '法式',
  'b0',
  'b01',
  'b012',
  'b0123',
  'nzk',
  '牛仔',
  'wy',
  'zz mx',
  'xxl',
];

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

/** Keeps each case's own timings so the absolute goals can be checked after the run. */
function timed(into: number[], run: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    const start = process.hrtime.bigint();
    await run();
    into.push(Number(process.hrtime.bigint() - start));
  };
}

function verdict(name: string, samples: number[], count: number, goalMs: number): string {
  const sorted = samples.slice(-count).sort((a, b) => a - b);
  const p99 = percentile(sorted, 0.99);
  const median = percentile(sorted, 0.5);
  const within = p99 / 1e6 < goalMs ? 'within goal' : 'above goal';
  return `  goal: ${name} p99 under ${goalMs} ms — measured median ${ms(median)} ms, p99 ${ms(p99)} ms (${within})`;
}

/**
 * Catalogue and stock at chain size: 20,000 styles, 300,000 SKUs, 2,000,000 stock
 * movements. Times barcode lookup and search-as-you-type server-side (the domain service,
 * no HTTP) against a bare SQLite barcode read, plus the lookup over HTTP; once, an import of
 * 100,000 SKU rows and the cache-vs-ledger check over every SKU.
 */
export const catalogChain: Benchmark = {
  name: 'catalog/chain',
  summary: `barcode lookup and search-as-you-type over ${STYLES} styles / ${STYLES * 15} SKUs / ${MOVEMENTS} movements`,
  async setup() {
    const dataDir = mkdtempSync(join(tmpdir(), 'hanger-bench-catalog-'));
    const destination = pino.destination({ dest: '/dev/null', sync: true });
    const { ctx } = await boot({
      dataDir,
      log: createLogger(destination, 'info'),
      env: { HANGER_OWNER_PASSWORD: OWNER_PASSWORD },
    });
    const running = await serve(ctx, { port: 0, host: '127.0.0.1' });
    const cleanUp = async () => {
      await running.close();
      destination.end();
      rmSync(dataDir, { recursive: true, force: true });
    };
    try {
      let start = process.hrtime.bigint();
      const { barcodes } = await seedChain(ctx, STYLES, MOVEMENTS);
      print(
        `  seeded ${STYLES} styles, ${barcodes.length} SKUs, ${MOVEMENTS} movements in ${ms(Number(process.hrtime.bigint() - start))} ms`,
      );

      start = process.hrtime.bigint();
      const imported = await importCatalog(
        ctx,
        importCsv(IMPORT_ROWS, STYLES),
        'text/csv',
        { dryRun: false },
        null,
      );
      const importMs = Number(process.hrtime.bigint() - start) / 1e6;
      if (imported.newSkus !== IMPORT_ROWS)
        throw new Error(
          `import made ${imported.newSkus} SKUs: ${JSON.stringify(imported.problems.slice(0, 3))}`,
        );
      const importLine = `  goal: import of ${IMPORT_ROWS} SKU rows (CSV, one transaction) under 30 s — measured ${(importMs / 1000).toFixed(2)} s (${importMs < 30_000 ? 'within goal' : 'above goal'})`;

      start = process.hrtime.bigint();
      const check = await checkStockLedger(ctx.storage.db);
      const checkMs = Number(process.hrtime.bigint() - start) / 1e6;
      const checkLine = `  check: cache vs ledger over ${check.checked} SKU × store pairs — ${check.mismatches.length} mismatches (${check.mismatches.length === 0 ? 'cache equals ledger sum for every SKU' : 'MISMATCH'}), ${(checkMs / 1000).toFixed(2)} s`;

      const response = await fetch(`${running.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'owner', password: OWNER_PASSWORD }),
      });
      const { token } = (await response.json()) as { token: string };

      // The floor: a prepared statement on a second connection, the least work a lookup can be.
      const raw = new BetterSqlite3(join(dataDir, 'hanger.db'), { readonly: true });
      const floor = raw.prepare('select id from skus where barcode = ?');
      let i = 0;
      const nextBarcode = () => {
        i = (i + 7919) % barcodes.length;
        return barcodes[i] ?? '';
      };
      let s = 0;
      const nextSearch = () => {
        s = (s + 1) % SEARCHES.length;
        return SEARCHES[s] ?? '';
      };
      const lookups: number[] = [];
      const searches: number[] = [];
      const stockedSearches: number[] = [];
      // One barcode over and over: the round trip's cost, not the query's.
      const http = httpClient(`${running.url}/api/skus/by-barcode/${nextBarcode()}`, {
        authorization: `Bearer ${token}`,
      });
      // A sanity check before timing: the seeded style is found by its code.
      const hit = await searchStyles(ctx, { q: styleCodeOf(123).toLowerCase(), limit: 20, offset: 0 });
      if (hit.items[0]?.styleCode !== styleCodeOf(123)) throw new Error('search did not find a seeded style');
      return {
        cases: [
          { name: 'bare SQLite barcode read', run: async () => void floor.get(nextBarcode()) },
          { name: 'barcode lookup (service)', run: timed(lookups, () => skuByBarcode(ctx, nextBarcode())) },
          {
            name: 'GET /api/skus/by-barcode (HTTP)',
            run: async () => {
              await http.get();
            },
          },
          {
            name: 'search-as-you-type (service)',
            run: timed(searches, () => searchStyles(ctx, { q: nextSearch(), limit: 20, offset: 0 })),
          },
          {
            name: 'search, in stock, ¥100–300 (service)',
            run: timed(stockedSearches, () =>
              searchStyles(ctx, {
                q: nextSearch(),
                inStock: true,
                minPrice: 10000,
                maxPrice: 30000,
                limit: 20,
                offset: 0,
              }),
            ),
          },
        ],
        async close() {
          const { samples } = settingsFrom(process.argv.slice(2), process.env);
          print(verdict('barcode lookup, server-side', lookups, samples, 2));
          print(verdict('search-as-you-type (name, pinyin, style code), server-side', searches, samples, 20));
          print(verdict('search with in-stock and price filters, server-side', stockedSearches, samples, 20));
          print(importLine);
          print(checkLine);
          http.close();
          raw.close();
          await cleanUp();
        },
      };
    } catch (error) {
      await cleanUp();
      throw error;
    }
  },
};
