/**
 * `npm run test:postgres`: the tests whose outcome can depend on the database engine, again on
 * PostgreSQL — every test of the server and the scripts, and the browser tests that name the
 * engine (the chain's pages, promotions across stores). The other browser tests, about the
 * pages, and the bridge's, about the devices, run on SQLite only. Files named as arguments are
 * run instead (`… test-postgres.ts kiosk/fit.test.ts`); other arguments go to vitest. Starts a
 * throwaway PostgreSQL server of Debian's binaries (or uses HANGER_TEST_POSTGRES_URL, a server
 * where the tests may create and drop databases), runs vitest, stops it.
 */
import { spawn } from 'node:child_process';
import { startCluster } from '../server/testing/postgres-cluster.js';

const ENGINE_DEPENDENT = ['server/', 'scripts/', 'kiosk/chain-', 'kiosk/admin-promotions.test.ts'];

const given = process.env.HANGER_TEST_POSTGRES_URL;
const cluster = given ? null : await startCluster();
const url = given ?? cluster?.url;
console.log(`tests on PostgreSQL at ${url}`);
const args = process.argv.slice(2);
const filesGiven = args.some((arg) => !arg.startsWith('-'));
const vitest = spawn('npx', ['vitest', 'run', ...args, ...(filesGiven ? [] : ENGINE_DEPENDENT)], {
  stdio: 'inherit',
  env: { ...process.env, HANGER_TEST_POSTGRES_URL: url },
});
const code = await new Promise<number>((resolve) => vitest.on('exit', (status) => resolve(status ?? 1)));
await cluster?.stop();
process.exit(code);
