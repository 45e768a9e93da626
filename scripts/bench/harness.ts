/**
 * A small benchmark harness: each benchmark sets up a baseline and one or more candidates,
 * warms them up, then times single operations in interleaved rounds so that machine load
 * falls on every case alike. It prints figures and ratios; it never passes or fails.
 */

import { availableParallelism, loadavg } from 'node:os';

/** One operation to time, e.g. one request/response round trip. */
export interface Case {
  name: string;
  run(): Promise<void>;
  /** A reference point printed for context (e.g. a bare framework); the goal is not judged on it. */
  reference?: boolean;
}

/** What a benchmark's setup returns. The first case is the baseline the others are compared with. */
export interface Fixture {
  cases: readonly [Case, ...Case[]];
  close(): Promise<void>;
}

/** The target, printed next to the measured ratio (never enforced). */
export interface Goal {
  /** Median of each candidate ÷ median of the baseline should be at most this. */
  maxRatio: number;
  text: string;
}

export interface Benchmark {
  name: string;
  summary: string;
  goal?: Goal;
  setup(): Promise<Fixture>;
}

export interface Settings {
  quick: boolean;
  /** Untimed operations per case before timing starts. */
  warmup: number;
  /** Timed operations per case. */
  samples: number;
  /** Operations per case in one round; cases take turns round by round. */
  round: number;
  /** Case-insensitive substring of the benchmark names to run; null runs all. */
  filter: string | null;
}

export interface CaseResult {
  name: string;
  /** Nanoseconds, sorted ascending. */
  samples: Float64Array;
  median: number;
  p99: number;
  mean: number;
  min: number;
  /** median ÷ baseline median; 1 for the baseline itself. */
  ratio: number;
  reference: boolean;
}

/** Reads `BENCH_QUICK`, `BENCH_SAMPLES`, `BENCH_WARMUP` and `--filter <text>` / `--filter=<text>`. */
export function settingsFrom(argv: readonly string[], env: NodeJS.ProcessEnv): Settings {
  const quick = env.BENCH_QUICK === '1' || env.BENCH_QUICK === 'true';
  let filter: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--filter') filter = argv[++i] ?? null;
    else if (arg.startsWith('--filter=')) filter = arg.slice('--filter='.length);
  }
  const samples = Number(env.BENCH_SAMPLES) || (quick ? 1000 : 5000);
  return {
    quick,
    samples,
    // Quick mode cuts samples more than warm-up: Hanger's Express + Kysely path needs some
    // 3000 requests before the JIT settles, and a cold JIT would inflate every figure.
    warmup: Number(env.BENCH_WARMUP) || (quick ? 3000 : 5000),
    round: Math.min(50, samples),
    filter: filter ? filter.toLowerCase() : null,
  };
}

function percentile(sorted: Float64Array, p: number): number {
  // Nearest rank: the smallest sample with at least p of all samples at or below it.
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

function summarise(
  { name, reference = false }: Case,
  raw: number[],
  baselineMedian: number | null,
): CaseResult {
  const samples = Float64Array.from(raw).sort();
  const median = percentile(samples, 0.5);
  let sum = 0;
  for (const sample of samples) sum += sample;
  return {
    name,
    samples,
    median,
    p99: percentile(samples, 0.99),
    mean: sum / samples.length,
    min: samples[0] ?? Number.NaN,
    ratio: baselineMedian === null ? 1 : median / baselineMedian,
    reference,
  };
}

/**
 * Runs every case `settings.samples` times, timing each operation on its own. Cases take
 * turns in rounds of `settings.round` operations and the order rotates every round, so a
 * burst of load or a GC pause lands on all of them alike.
 */
export async function measure(fixture: Fixture, settings: Settings): Promise<CaseResult[]> {
  const { cases } = fixture;
  for (let done = 0; done < settings.warmup; done += settings.round) {
    for (const c of cases) for (let i = 0; i < settings.round; i++) await c.run();
  }
  const timings: number[][] = cases.map(() => []);
  const rounds = Math.ceil(settings.samples / settings.round);
  for (let round = 0; round < rounds; round++) {
    const count = Math.min(settings.round, settings.samples - round * settings.round);
    for (let turn = 0; turn < cases.length; turn++) {
      const index = (round + turn) % cases.length;
      const c = cases[index];
      const into = timings[index];
      if (!c || !into) continue;
      for (let i = 0; i < count; i++) {
        const start = process.hrtime.bigint();
        await c.run();
        into.push(Number(process.hrtime.bigint() - start));
      }
    }
  }
  const baseline = summarise(cases[0], timings[0] ?? [], null);
  return [baseline, ...cases.slice(1).map((c, i) => summarise(c, timings[i + 1] ?? [], baseline.median))];
}

const us = (ns: number): string => (ns / 1000).toFixed(1);

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join('  '),
    )
    .join('\n');
}

/** The results of one benchmark as a table, with the goal (if any) beside each candidate's ratio. */
export function report(benchmark: Benchmark, results: readonly CaseResult[]): string {
  const rows = [
    ['case', 'median µs', 'p99 µs', 'mean µs', 'min µs', '× baseline (median)', '× baseline (p99)'],
    ...results.map((r, i) => [
      i === 0 ? `${r.name} (baseline)` : r.name,
      us(r.median),
      us(r.p99),
      us(r.mean),
      us(r.min),
      `${r.ratio.toFixed(2)}×`,
      `${(r.p99 / (results[0]?.p99 ?? Number.NaN)).toFixed(2)}×`,
    ]),
  ];
  const lines = [`▸ ${benchmark.name} — ${benchmark.summary}`, table(rows)];
  const { goal } = benchmark;
  if (goal) {
    for (const r of results.slice(1)) {
      if (r.reference) continue;
      const verdict = r.ratio <= goal.maxRatio ? 'within goal' : 'above goal';
      lines.push(
        `  goal: ${goal.text} (≤ ${goal.maxRatio.toFixed(2)}×) — measured ${r.name}: ${r.ratio.toFixed(2)}× (${verdict})`,
      );
    }
  }
  return lines.join('\n');
}

function environment(settings: Settings): string {
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
  return (
    `Node ${process.version} ${process.platform}/${process.arch}, ${availableParallelism()} cores, load ${load}; ` +
    `${settings.quick ? 'quick mode' : 'full mode'}: ${settings.warmup} warm-up + ${settings.samples} timed ` +
    `operations per case, rounds of ${settings.round}, interleaved` +
    (settings.filter ? `; filter "${settings.filter}"` : '')
  );
}

/** Runs the benchmarks the filter selects, one after another, printing each table as it is done. */
export async function runBenchmarks(
  benchmarks: readonly Benchmark[],
  settings: Settings,
  print: (text: string) => void = (text) => process.stdout.write(`${text}\n`),
): Promise<void> {
  const selected = benchmarks.filter(
    (b) => !settings.filter || b.name.toLowerCase().includes(settings.filter),
  );
  print(environment(settings));
  for (const benchmark of selected) {
    const fixture = await benchmark.setup();
    try {
      const results = await measure(fixture, settings);
      print('');
      print(report(benchmark, results));
    } finally {
      await fixture.close();
    }
  }
}
