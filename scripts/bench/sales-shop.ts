/**
 * The checkout benchmark's shop, as a child process of the benchmark, run inside whichever
 * source tree is being measured (the current one, or an older commit unpacked by
 * `--compare`): it imports only what every tree since the chain-size seeds has, so the same
 * file works in both.
 *
 *   tsx scripts/bench/sales-shop.ts version                   → {"schema": <newest migration>}
 *   tsx scripts/bench/sales-shop.ts seed <dir> <members> <styles> <sales>
 *   tsx scripts/bench/sales-shop.ts serve <dir>               → {"url": "http://127.0.0.1:…"}
 *
 * `serve` runs the real server on the folder until its standard input closes (the benchmark
 * ending, or dying), with logs written synchronously to /dev/null as in the benchmark itself.
 */
import { join } from 'node:path';
import pino from 'pino';
import { boot } from '../../server/boot.js';
import { createLogger } from '../../server/logging.js';
import { serve } from '../../server/server.js';
import { MIGRATIONS } from '../../server/storage/migrations/index.js';
import { seedChain } from './catalog-seed.js';
import { seed as seedMembers } from './members.bench.js';
import { seedSales } from './sales.bench.js';

const OWNER_PASSWORD = 'bench-owner-pass';

const say = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
const seconds = (since: bigint) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);

async function start(dataDir: string) {
  const destination = pino.destination({ dest: '/dev/null', sync: true });
  const { ctx } = await boot({
    dataDir,
    log: createLogger(destination, 'info'),
    env: { HANGER_OWNER_PASSWORD: OWNER_PASSWORD },
  });
  return { ctx, destination };
}

const [mode, dataDir = '', ...sizes] = process.argv.slice(2);
if (mode === 'version') {
  say({ schema: MIGRATIONS.at(-1)?.version ?? 0 });
} else if (mode === 'seed') {
  const [members, styles, sales] = sizes.map(Number) as [number, number, number];
  const { ctx, destination } = await start(dataDir);
  const file = join(dataDir, 'hanger.db');
  let begin = process.hrtime.bigint();
  await seedChain(ctx, styles, styles * 15);
  say({ note: `seeded ${styles * 15} SKUs in ${seconds(begin)} s` });
  begin = process.hrtime.bigint();
  seedMembers(file, ctx, members);
  say({ note: `seeded ${members} members (with ${members * 10} ledger rows) in ${seconds(begin)} s` });
  begin = process.hrtime.bigint();
  seedSales(file, ctx, sales);
  say({ note: `seeded ${sales} sales (with lines and payments) in ${seconds(begin)} s` });
  // The statistics a shop's start gathers once its tables have grown (`Storage.optimize`): kept
  // with the shop, so a copy served does not spend a minute gathering them at each start.
  begin = process.hrtime.bigint();
  ctx.storage.optimize(true);
  say({ note: `gathered the planner's statistics in ${seconds(begin)} s` });
  await ctx.storage.close();
  destination.end();
  say({ schema: MIGRATIONS.at(-1)?.version ?? 0 });
} else if (mode === 'serve') {
  const { ctx, destination } = await start(dataDir);
  const running = await serve(ctx, { port: 0, host: '127.0.0.1' });
  say({ url: running.url, pid: process.pid });
  process.stdin.resume();
  process.stdin.on('close', async () => {
    await running.close();
    destination.end();
    process.exit(0);
  });
} else {
  process.stderr.write(
    'usage: sales-shop.ts version | seed <dir> <members> <styles> <sales> | serve <dir>\n',
  );
  process.exit(2);
}
