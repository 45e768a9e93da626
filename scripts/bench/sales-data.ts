/**
 * The checkout benchmark's seeded chain-size shop, kept between runs: seeding 5,000,000 sales
 * takes 8–11 minutes, copying the kept database seconds. A kept shop is a folder under
 * `data/bench-cache/` (git-ignored; `BENCH_CACHE` moves it) named by the seed's sizes and the
 * schema version that seeded it. A tree uses the kept shop of its sizes with the newest schema
 * no newer than its own: its server applies the migrations added since to its copy at start.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** This source tree. */
export const HERE = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE = resolve(process.env.BENCH_CACHE ?? join(HERE, 'data', 'bench-cache'));
const SHOP_SCRIPT = 'scripts/bench/sales-shop.ts';

export interface ShopSizes {
  members: number;
  styles: number;
  sales: number;
}

const print = (text: string) => process.stdout.write(`${text}\n`);

/**
 * Runs `sales-shop.ts` in `tree` (node with tsx, `nodeFlags` before it, e.g. `--cpu-prof`),
 * resolves with the child and the first answer line carrying `key`; notes are printed.
 */
export function runShop(
  tree: string,
  args: readonly string[],
  key: 'schema' | 'url',
  nodeFlags: readonly string[] = [],
): Promise<{ child: ChildProcess; answer: Record<string, unknown> }> {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', SHOP_SCRIPT, ...args], {
    cwd: tree,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  return new Promise((done, fail) => {
    let answered = false;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const message = JSON.parse(line) as Record<string, unknown>;
      if (typeof message.note === 'string') print(`  ${message.note}`);
      if (key in message && !answered) {
        answered = true;
        done({ child, answer: message });
      }
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (!answered) fail(new Error(`sales-shop.ts ${args[0]} in ${tree} stopped (exit ${code})`));
    });
  });
}

/** Ends a `serve` child (its standard input closing) and waits for it; at once if it ended already. */
export async function stopShop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.stdin?.end();
  await exited;
}

/** The newest migration `tree` knows. */
export async function schemaOf(tree: string): Promise<number> {
  const { answer } = await runShop(tree, ['version'], 'schema');
  return Number(answer.schema);
}

const prefix = ({ members, styles, sales }: ShopSizes) => `sales-m${members}-k${styles * 15}-s${sales}-v`;

/** The kept shop of these sizes seeded at schema `schema` or older, or null. */
function keptShop(sizes: ShopSizes, schema: number): string | null {
  if (!existsSync(CACHE)) return null;
  const start = prefix(sizes);
  const versions = readdirSync(CACHE)
    .filter((name) => name.startsWith(start) && existsSync(join(CACHE, name, 'hanger.db')))
    .map((name) => Number(name.slice(start.length)))
    .filter((version) => Number.isInteger(version) && version <= schema);
  return versions.length > 0 ? join(CACHE, `${start}${Math.max(...versions)}`) : null;
}

/**
 * The kept shop of `sizes` for a tree whose newest migration is `schema`; seeded by `tree`
 * (whose schema must be `schema`) when none is kept yet.
 */
export async function seededShop(tree: string, sizes: ShopSizes, schema: number): Promise<string> {
  const kept = keptShop(sizes, schema);
  if (kept) {
    print(`  the shop seeded with these sizes, kept in ${kept}`);
    return kept;
  }
  const partial = join(CACHE, `.seeding-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const { child, answer } = await runShop(
      tree,
      ['seed', partial, String(sizes.members), String(sizes.styles), String(sizes.sales)],
      'schema',
    );
    await new Promise((done) => child.once('exit', done));
    const folder = join(CACHE, `${prefix(sizes)}${Number(answer.schema)}`);
    rmSync(folder, { recursive: true, force: true });
    renameSync(partial, folder);
    print(`  kept for the next run in ${folder}`);
    return folder;
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Runs each command (`file` → command and arguments) on every file of a copy's database. */
function onDatabaseFiles(dataDir: string, commands: (file: string) => [string, string[]][]): void {
  for (const name of readdirSync(dataDir).filter((file) => file.startsWith('hanger.db'))) {
    const file = join(dataDir, name);
    for (const [command, args] of commands(file)) {
      const done = spawnSync(command, args);
      if (done.status !== 0) throw new Error(`${command} ${file}: ${done.stderr.toString()}`);
    }
  }
}

/**
 * Writes what the operating system holds of a copy's database out and lets it go from its page
 * cache (GNU `sync` and `dd … iflag=nocache count=0`), so the next read of a page comes from
 * the disk. Two copies of the chain-size shop do not both fit in memory: the one copied last
 * would otherwise start warmer.
 */
export function dropFromPageCache(dataDir: string): void {
  onDatabaseFiles(dataDir, (file) => [
    ['sync', [file]],
    ['dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']],
  ]);
}

/**
 * Reads a copy's database through once (`dd` to /dev/null), so the operating system holds it:
 * as a shop's server that has run a while holds the pages it reads, and as each copy was held
 * while the kept shop had no planner statistics (the start's gathering read every table). The
 * copying itself leaves the file's first gigabytes out of memory — two copies' worth does not fit.
 */
export function warmShop(dataDir: string): void {
  onDatabaseFiles(dataDir, (file) => [['dd', [`if=${file}`, 'of=/dev/null', 'bs=1M', 'status=none']]]);
}

/** A working copy of a kept shop (the database and its config) in `dataDir`. */
export function copyShop(kept: string, dataDir: string): void {
  for (const name of readdirSync(kept)) {
    if (name === 'config.json' || name.startsWith('hanger.db'))
      copyFileSync(join(kept, name), join(dataDir, name));
  }
}
