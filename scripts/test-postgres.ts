/**
 * `npm run test:postgres`: the whole test suite again, on PostgreSQL. Starts a throwaway
 * PostgreSQL server of Debian's binaries (or uses HANGER_TEST_POSTGRES_URL, a server where
 * the tests may create and drop databases), runs vitest with any arguments given, stops it.
 */
import { spawn } from 'node:child_process';
import { startCluster } from '../server/testing/postgres-cluster.js';

const given = process.env.HANGER_TEST_POSTGRES_URL;
const cluster = given ? null : await startCluster();
const url = given ?? cluster?.url;
console.log(`tests on PostgreSQL at ${url}`);
const vitest = spawn('npx', ['vitest', 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, HANGER_TEST_POSTGRES_URL: url },
});
const code = await new Promise<number>((resolve) => vitest.on('exit', (status) => resolve(status ?? 1)));
await cluster?.stop();
process.exit(code);
