import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const reporter = resolve('scripts/stalled-test-reporter.ts');
const vitestBin = resolve('node_modules/.bin/vitest');
const dir = mkdtempSync(join(tmpdir(), 'hanger-stall-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs vitest on one file of `dir` with this reporter at limits of a second or two. */
function runStalled(file: string, source: string): Promise<{ code: number | null; output: string }> {
  writeFileSync(join(dir, file), source);
  writeFileSync(
    join(dir, `${file}.config.mjs`),
    `export default { test: { include: [${JSON.stringify(file)}], globals: true, pool: 'forks', reporters: ['default', [${JSON.stringify(reporter)}, { warnAfterMs: 500, stopAfterMs: 1500, checkEveryMs: 250 }]] } };`,
  );
  const child = spawn(vitestBin, ['run', '--root', dir, '--config', join(dir, `${file}.config.mjs`)], {
    env: { ...process.env, PID_FILE: join(dir, `${file}.pid`) },
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  return new Promise((done) => child.on('close', (code) => done({ code, output })));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

describe('the stalled-test reporter', () => {
  it('ends a run whose file never finishes, naming it, and leaves no worker spinning', async () => {
    const [spinning, waiting] = await Promise.all([
      runStalled(
        'spins.test.ts',
        `import { writeFileSync } from 'node:fs';
         it('spins', () => { writeFileSync(process.env.PID_FILE, String(process.pid)); for (;;) {} });`,
      ),
      runStalled(
        'waits.test.ts',
        `describe('the till', () => { it('waits for ever', () => new Promise(() => {}), 600_000); });`,
      ),
    ]);

    expect(spinning.code).toBe(1);
    expect(spinning.output).toMatch(/spins\.test\.ts still running after [\d.]+ minutes/);
    expect(spinning.output).toMatch(/spins\.test\.ts stalled: [\d.]+ minutes, .*The run ends here, failed\./);
    const worker = Number(readFileSync(join(dir, 'spins.test.ts.pid'), 'utf8'));
    await expect.poll(() => alive(worker), { timeout: 2000 }).toBe(false);

    expect(waiting.code).toBe(1);
    expect(waiting.output).toContain('waits.test.ts stalled');
    expect(waiting.output).toContain('last reported: test "the till > waits for ever"');
  }, 60_000); // two vitest runs started side by side: a few seconds each here, more on a busy machine
});
