/**
 * `npm run crash-test`: kills the real server with SIGKILL in the middle of sales, several
 * rounds, and checks that every acknowledged sale survived whole and every ledger agrees.
 * CRASH_ROUNDS (default 5), CRASH_ROUND_MS (default 4000), CRASH_CLIENTS (default 6);
 * HANGER_DATA is not used: the test runs on a fresh folder under the system's temp folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCrashTest } from './crash.js';
import { runScript } from './data-folder.js';

await runScript(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'hanger-crash-'));
  try {
    const summary = await runCrashTest({
      dataDir,
      rounds: Number(process.env.CRASH_ROUNDS ?? 5),
      roundMs: Number(process.env.CRASH_ROUND_MS ?? 4000),
      clients: Number(process.env.CRASH_CLIENTS ?? 6),
      log: (line) => console.log(line),
    });
    console.log(
      `rounds ${summary.rounds} · sales sent ${summary.sent} · acknowledged ${summary.acknowledged} · ` +
        `found after restart ${summary.found} · unanswered resent ${summary.resent} ` +
        `(${summary.resentAlreadyStored} already stored) · sales in the database ${summary.salesInDatabase} · ` +
        `problems ${summary.problems.length}`,
    );
    for (const problem of summary.problems) console.log(`  PROBLEM ${problem}`);
    return summary.problems.length === 0 && summary.found === summary.acknowledged ? 0 : 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
