/**
 * `npm run fuzz`: the full HTTP and WebSocket fuzzer against a fresh store. Every route in
 * ROUTES gets malformed JSON, wrong types, oversized strings, deep nesting, huge arrays,
 * wrong content types and odd path parameters, with the owner's token and with none; every
 * WS command gets malformed params and frames. Fails (exit 1) on any 5xx, dropped
 * connection, `internal` WS error or change in any table's row count.
 * FUZZ_RUNS (default 5000 per token) and FUZZ_SEED choose the run.
 */
import { ROUTES } from '../server/app.js';
import { COMMANDS } from '../server/server.js';
import { ownerToken } from '../server/testing/client.js';
import { fuzzHttp, fuzzWs, stateOf, statuses } from '../server/testing/fuzz.js';
import { startTestStore } from '../server/testing/harness.js';
import { seedShop } from '../server/testing/proofs.js';

const runs = Number(process.env.FUZZ_RUNS ?? 5000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
// Frames go back to back: the fuzzer tests their handling, not the rate limit (amplification.test.ts).
const store = await startTestStore({ messagesPerSecond: 1_000_000 });
try {
  const owner = await ownerToken(store);
  await seedShop(store, owner);
  const before = await stateOf(store);
  const started = performance.now();
  const http = await fuzzHttp(store, ROUTES, [owner, null], runs, seed);
  const ws = await fuzzWs(store, COMMANDS, owner, Math.ceil(runs / 2), seed);
  const after = await stateOf(store);
  const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `Fuzzed ${ROUTES.length} routes × ${runs} requests × 2 tokens and ${COMMANDS.length} commands × ${Math.ceil(runs / 2)} frames (seed ${seed}) in ${seconds} s.`,
  );
  console.log(
    `HTTP statuses: ${[...statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status}×${n}`)
      .join(', ')}`,
  );
  for (const finding of [...http, ...ws])
    console.log(`  FAILED ${finding.status} ${finding.what}\n    ${finding.detail}`);
  if (changed.length > 0)
    console.log(`  CHANGED tables: ${changed.map((t) => `${t} ${before[t]}→${after[t]}`).join(', ')}`);
  const health = await fetch(`${store.url}/api/health`);
  console.log(`Server still up: ${health.status === 200 ? 'yes' : `no (${health.status})`}.`);
  process.exitCode = http.length + ws.length + changed.length === 0 && health.status === 200 ? 0 : 1;
} finally {
  await store.close();
}
