import { bridgeScan, printerBack, receiptRaster, receiptRender } from './bridge.bench.js';
import { catalogChain } from './catalog.bench.js';
import { compareSales } from './compare.js';
import { printDashboard } from './dashboard.js';
import { type Benchmark, runBenchmarks, settingsFrom } from './harness.js';
import { printKioskSize } from './kiosk-size.js';
import { membersChain } from './members.bench.js';
import { printPaymentsBench } from './payments.bench.js';
import { poleAfterSale } from './pole.bench.js';
import { postgresCheckout } from './postgres.bench.js';
import { printReportsBench } from './reports.bench.js';
import { httpRoundtrip, wsRoundtrip } from './roundtrip.bench.js';
import { salesChain } from './sales.bench.js';
import { printScanToLine } from './scan-to-line.js';

/** Every benchmark `npm run bench` knows; `--filter <text>` picks by name. */
const BENCHMARKS: readonly Benchmark[] = [
  httpRoundtrip,
  wsRoundtrip,
  catalogChain,
  membersChain,
  bridgeScan,
  receiptRender,
  poleAfterSale,
  receiptRaster,
  printerBack,
  salesChain,
  postgresCheckout,
];

/**
 * Figures measured once each, outside the timing harness: bundle size; reports, RFM and a
 * 100,000-recipient campaign over a seeded chain; scan to line on the checkout screen and the
 * admin dashboard over 5,000,000 sales (BENCH_QUICK=1: 100,000) in Chromium.
 */
const FIGURES: readonly [string, () => Promise<void>][] = [
  ['kiosk-size', printKioskSize],
  ['reports', printReportsBench],
  ['payments', printPaymentsBench],
  ['scan-to-line', printScanToLine],
  ['dashboard', printDashboard],
];

const settings = settingsFrom(process.argv.slice(2), process.env);
const compareAt = process.argv.indexOf('--compare');
if (compareAt >= 0) {
  // Only the checkout benchmark runs on two trees so far (compare.ts).
  const ref = process.argv[compareAt + 1];
  if (!ref) throw new Error('--compare needs a git ref, e.g. --compare main');
  await compareSales(ref, settings);
  process.exit(0);
}
const chosen = (name: string) => !settings.filter || name.toLowerCase().includes(settings.filter);
await runBenchmarks(BENCHMARKS, settings);
for (const [name, measure] of FIGURES) if (chosen(name)) await measure();
const known = [...BENCHMARKS.map((b) => b.name), ...FIGURES.map(([name]) => name)];
if (!known.some(chosen))
  process.stdout.write(`No benchmark matches "${settings.filter}". Known: ${known.join(', ')}\n`);
