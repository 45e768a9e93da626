import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from './app.js';
import { COMMANDS } from './server.js';
import { ownerToken } from './testing/client.js';
import { fuzzHttp, fuzzWs, stateOf } from './testing/fuzz.js';
import { startTestStore, type TestStore } from './testing/harness.js';
import { seedShop } from './testing/proofs.js';

/** Scaled down for `npm test`; `npm run fuzz` runs the full count. */
const HTTP_RUNS = 1000;
const WS_RUNS = 500;
const SEED = 20261124;

let store: TestStore;
let owner: string;
beforeAll(async () => {
  // The fuzzer sends its frames back to back: it tests their handling, not the rate limit.
  store = await startTestStore({ messagesPerSecond: 1_000_000 });
  owner = await ownerToken(store);
  await seedShop(store, owner);
});
afterAll(() => store.close());

describe('fuzzing with malformed, oversized and wrongly-typed input', () => {
  it(`HTTP: ${HTTP_RUNS} requests over every route, with the owner's token and with none: no 5xx, no change`, async () => {
    const before = await stateOf(store);
    const findings = await fuzzHttp(store, ROUTES, [owner, null], HTTP_RUNS, SEED);
    expect(findings).toEqual([]);
    expect(await stateOf(store)).toEqual(before);
    expect((await fetch(`${store.url}/api/health`)).status).toBe(200);
  }, 60_000);

  it(`WebSocket: ${WS_RUNS} frames over every command: error results only, never internal, still answering`, async () => {
    const before = await stateOf(store);
    const findings = await fuzzWs(store, COMMANDS, owner, WS_RUNS, SEED);
    expect(findings).toEqual([]);
    expect(await stateOf(store)).toEqual(before);
  }, 60_000);
});
