import { bridgeScan, receiptRender } from './bridge.bench.js';
import { catalogChain } from './catalog.bench.js';
import { chainCheckout } from './chain.bench.js';
import { printDashboard } from './dashboard.js';
import { type Benchmark, runBenchmarks, settingsFrom } from './harness.js';
import { printKioskSize } from './kiosk-size.js';
import { membersChain } from './members.bench.js';
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
  salesChain,
  chainCheckout,
];

const settings = settingsFrom(process.argv.slice(2), process.env);
await runBenchmarks(BENCHMARKS, settings);
// Bundle size is a figure, not a timing: measured once, outside the timing harness.
if (!settings.filter || 'kiosk-size'.includes(settings.filter)) await printKioskSize();
// Reports, RFM and a 100,000-recipient campaign over a seeded chain: figures, outside the harness.
if (!settings.filter || 'reports'.includes(settings.filter)) await printReportsBench();
// Scan to line on the checkout screen: a browser figure, also measured outside the harness.
if (!settings.filter || 'scan-to-line'.includes(settings.filter)) await printScanToLine();
// The admin dashboard in Chromium over 5,000,000 sales (BENCH_QUICK=1: 100,000): also a browser figure.
if (!settings.filter || 'dashboard'.includes(settings.filter)) await printDashboard();
