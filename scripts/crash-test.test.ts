import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCrashTest } from './crash.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hanger-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('crash safety (npm run crash-test, scaled down)', () => {
  it('kill -9 in the middle of sales, twice: every acknowledged sale is there, whole, and the ledgers agree', async () => {
    const summary = await runCrashTest({ dataDir, rounds: 2, roundMs: 1500, clients: 4 });
    expect(summary.problems).toEqual([]);
    expect(summary.acknowledged).toBeGreaterThan(0);
    expect(summary.found).toBe(summary.acknowledged);
    // Every sale stored was acknowledged (before the crash or on the resend after it).
    expect(summary.salesInDatabase).toBe(summary.acknowledged);
  }, 120_000);
});
