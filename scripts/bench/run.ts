import { bridgeScan, receiptRender } from './bridge.bench.js';
import { catalogChain } from './catalog.bench.js';
import { type Benchmark, runBenchmarks, settingsFrom } from './harness.js';
import { membersChain } from './members.bench.js';
import { httpRoundtrip, wsRoundtrip } from './roundtrip.bench.js';

/** Every benchmark `npm run bench` knows; `--filter <text>` picks by name. */
const BENCHMARKS: readonly Benchmark[] = [
  httpRoundtrip,
  wsRoundtrip,
  catalogChain,
  membersChain,
  bridgeScan,
  receiptRender,
];

await runBenchmarks(BENCHMARKS, settingsFrom(process.argv.slice(2), process.env));
