import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { boot } from '../boot.js';
import type { AppContext } from '../context.js';
import { createLogger } from '../logging.js';
import { type RunningServer, type ServeOptions, serve } from '../server.js';
import type { HubOptions } from '../ws/hub.js';
import { databaseEnvFor, dropDatabaseFor } from './test-database.js';

export const OWNER_PASSWORD = 'owner-secret-1';

/** A clock the test moves by hand. */
export class TestClock {
  private current: number;
  constructor(start = '2026-11-24T10:00:00.000Z') {
    this.current = Date.parse(start);
  }
  now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface TestStore {
  ctx: AppContext;
  running: RunningServer;
  url: string;
  dataDir: string;
  clock: TestClock;
  /** Every log line the server wrote, parsed. */
  logLines: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Starts a real server on a port of its own with a fresh data folder, an owner whose
 * password is OWNER_PASSWORD and a clock the test controls.
 */
export async function startTestStore(
  options: HubOptions & {
    dataDir?: string;
    kioskDir?: string;
    env?: NodeJS.ProcessEnv;
    signInLimits?: ServeOptions['signInLimits'];
  } = {},
): Promise<TestStore> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hanger-test-'));
  const clock = new TestClock();
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) logLines.push(JSON.parse(line));
      done();
    },
  });
  const log = createLogger(sink, 'info');
  const { ctx } = await boot({
    dataDir,
    log,
    now: clock.now,
    env: { HANGER_OWNER_PASSWORD: OWNER_PASSWORD, ...(await databaseEnvFor(dataDir)), ...options.env },
  });
  const running = await serve(ctx, { port: 0, host: '127.0.0.1', ...options });
  return {
    ctx,
    running,
    url: running.url,
    dataDir,
    clock,
    logLines,
    async close() {
      await running.close();
      if (!options.dataDir) {
        rmSync(dataDir, { recursive: true, force: true });
        await dropDatabaseFor(dataDir);
      }
    },
  };
}
