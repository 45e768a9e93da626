import { type Benchmark, runBenchmarks, settingsFrom } from './harness.js';
import { httpRoundtrip, wsRoundtrip } from './roundtrip.bench.js';

/** Every benchmark `npm run bench` knows; `--filter <text>` picks by name. */
const BENCHMARKS: readonly Benchmark[] = [httpRoundtrip, wsRoundtrip];

await runBenchmarks(BENCHMARKS, settingsFrom(process.argv.slice(2), process.env));
