/**
 * `npm run bench -- --compare <git-ref>`: the checkout benchmark on two source trees in one
 * run — `<git-ref>` (unpacked with `git archive` into a temporary folder, sharing this tree's
 * node_modules) and this tree — each serving its own copy of the same kept chain-size shop,
 * in two server processes started alike. The cases take turns round by round (harness.ts), so
 * load on the machine falls on both; each figure is printed with its ratio this ÷ ref.
 *
 * The shop is seeded by the older of the two trees (normally the ref), so the newer one's
 * server applies its added migrations to its copy at start. `BENCH_CPU_PROF=<folder>` starts
 * both servers with `--cpu-prof` and writes their profiles there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MIGRATIONS } from '../../server/storage/migrations/index.js';
import { type Case, measure, report, type Settings } from './harness.js';
import {
  CLIENTS,
  fsyncFloor,
  loadAverage,
  openTill,
  SALE_SIZES,
  salesPerSecond,
  stockForSales,
  THROUGHPUT_SALES,
  type Till,
} from './sales.bench.js';
import { copyShop, dropFromPageCache, HERE, runShop, schemaOf, seededShop, stopShop } from './sales-data.js';

const print = (text: string) => process.stdout.write(`${text}\n`);

/** `ref` as a plain source tree in `into`, with this tree's node_modules and shop script. */
function unpack(ref: string, into: string): string {
  const commit = execFileSync('git', ['rev-parse', '--short', `${ref}^{commit}`], { cwd: HERE })
    .toString()
    .trim();
  mkdirSync(into, { recursive: true });
  const unpacked = spawnSync('sh', ['-c', `git archive ${commit} | tar -x -C '${into}'`], { cwd: HERE });
  if (unpacked.status !== 0) throw new Error(`git archive ${ref}: ${unpacked.stderr.toString()}`);
  symlinkSync(realpathSync(join(HERE, 'node_modules')), join(into, 'node_modules'));
  // The shop script speaks to this benchmark: the ref gets this tree's copy of it.
  copyFileSync(join(HERE, 'scripts/bench/sales-shop.ts'), join(into, 'scripts/bench/sales-shop.ts'));
  // What `npm install` builds for a tree that has it (the WAL shim): else the ref would run without.
  const build = join(into, 'scripts/build-wal-batch.ts');
  if (existsSync(build)) {
    const built = spawnSync(process.execPath, ['--import', 'tsx', build], { cwd: into });
    if (built.status !== 0) throw new Error(`${build}: ${built.stdout.toString()}${built.stderr.toString()}`);
    print(`  ref ${commit}: ${built.stdout.toString().trim()}`);
  }
  return commit;
}

/** A process's CPU time so far, user and system, all threads (`/proc/<pid>/stat`), in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command's name (in brackets, may hold spaces): utime and stime are 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Linux counts /proc CPU times in clock ticks of 1/100 s (`getconf CLK_TCK`). */
const CLOCK_TICKS = 100;

function ratioLine(what: string, ref: number, mine: number, unit = 'ms'): string {
  const show = (n: number) => (unit === 'ms' ? (n / 1e6).toFixed(3) : n.toFixed(0));
  return `  ${what.padEnd(34)} ref ${show(ref).padStart(9)} ${unit}   this ${show(mine).padStart(9)} ${unit}   this ÷ ref ${(mine / ref).toFixed(2)}×`;
}

export async function compareSales(ref: string, settings: Settings): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'hanger-bench-compare-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const refTree = join(work, 'ref');
    const commit = unpack(ref, refTree);
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: HERE }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: HERE })
      .toString()
      .trim();
    const refSchema = await schemaOf(refTree);
    const mySchema = MIGRATIONS.at(-1)?.version ?? 0;
    print(
      `compare: ref ${ref} (${commit}, schema ${refSchema}) against this tree (${head}${dirty ? ' with uncommitted changes' : ''}, schema ${mySchema}); load ${loadAverage()}`,
    );
    const seeder = refSchema <= mySchema ? refTree : HERE;
    const kept = await seededShop(seeder, SALE_SIZES, Math.min(refSchema, mySchema));

    const profiles = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : null;
    const tills: Till[] = [];
    const shops: { name: string; till: Till; pid: number }[] = [];
    for (const [name, tree] of [
      ['ref', refTree],
      ['this', HERE],
    ] as const) {
      const dataDir = join(work, `${name}-data`);
      mkdirSync(dataDir);
      const begin = Date.now();
      copyShop(kept, dataDir);
      const stock = stockForSales(join(dataDir, 'hanger.db'));
      print(`  ${name}: copied the kept shop in ${((Date.now() - begin) / 1000).toFixed(1)} s`);
      const flags = profiles ? ['--cpu-prof', `--cpu-prof-dir=${join(profiles, name)}`] : [];
      const { child, answer } = await runShop(tree, ['serve', dataDir], 'url', flags);
      stops.push(() => stopShop(child));
      const till = await openTill(String(answer.url), stock);
      stops.push(async () => till.close());
      tills.push(till);
      shops.push({ name, till, pid: child.pid as number });
    }
    // Both servers started: now both copies begin cold.
    for (const name of ['ref', 'this']) dropFromPageCache(join(work, `${name}-data`));
    print('  both copies let go from the page cache: both begin cold');
    const [refTill, myTill] = tills as [Till, Till];
    const floor = fsyncFloor(work);
    stops.push(async () => floor.close());

    const cases: [Case, ...Case[]] = [
      { name: 'bare fsync of a small write (the floor)', reference: true, run: floor.run },
      { name: 'ref: POST /api/sales', run: () => refTill.sell() },
      { name: 'this: POST /api/sales', run: () => myTill.sell() },
      { name: 'ref: POST /api/sales/quote', run: () => refTill.quote() },
      { name: 'this: POST /api/sales/quote', run: () => myTill.quote() },
    ];
    const fixture = { cases, close: async () => {} };
    const cpuBefore = shops.map((shop) => cpuSeconds(shop.pid));
    const results = await measure(fixture, settings);
    // Each server's CPU (all its threads) per sale and quote, warm-up included: unlike a
    // request's time it does not wait on the disk or on the other server.
    const cpuPerPair = shops.map(
      (shop, i) => (cpuSeconds(shop.pid) - (cpuBefore[i] as number)) / (settings.warmup + settings.samples),
    );
    const benchmark = {
      name: `sales/chain --compare ${ref}`,
      summary: 'the same sale, two trees',
      setup: async () => fixture,
    };
    print('');
    print(report(benchmark, results));
    const [, refSale, mySale, refQuote, myQuote] = results;
    if (!refSale || !mySale || !refQuote || !myQuote) return;
    print('');
    print(`  ratios (this ÷ ref; below 1 is faster), load ${loadAverage()}:`);
    print(ratioLine('POST /api/sales median', refSale.median, mySale.median));
    print(ratioLine('POST /api/sales p99', refSale.p99, mySale.p99));
    print(ratioLine('POST /api/sales/quote median', refQuote.median, myQuote.median));
    print(ratioLine('POST /api/sales/quote p99', refQuote.p99, myQuote.p99));
    const [refCpu = 0, myCpu = 0] = cpuPerPair;
    print(ratioLine('server CPU per sale + quote', refCpu * 1e9, myCpu * 1e9));
    // Throughput in turns (ref, this, ref, this) so a burst of load falls on both.
    const rates = { ref: [] as number[], this: [] as number[] };
    for (let turn = 0; turn < 2; turn++) {
      for (const { name, till } of shops) {
        rates[name as 'ref' | 'this'].push(await salesPerSecond(till, THROUGHPUT_SALES / 2));
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    print(
      `${ratioLine(`sales/s from ${CLIENTS} clients`, mean(rates.ref), mean(rates.this), '/s')} (higher is faster)`,
    );
    print(`  load average at the end: ${loadAverage()}`);
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(work, { recursive: true, force: true });
  }
}
