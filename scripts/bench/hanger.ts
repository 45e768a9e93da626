import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { boot } from '../../server/boot.js';
import type { AppContext } from '../../server/context.js';
import { createLogger } from '../../server/logging.js';
import { serve } from '../../server/server.js';

export const OWNER_PASSWORD = 'bench-owner-pass';

export interface BenchStore {
  url: string;
  port: number;
  /** A staff (owner) bearer token. */
  token: string;
  /** The server's context, for a benchmark that times from an event on its bus. */
  ctx: AppContext;
  close(): Promise<void>;
}

/**
 * Starts the real Hanger server in this process on a free port with a fresh data folder,
 * and signs the owner in. Logs go to /dev/null synchronously, as the production logger
 * writes to stdout synchronously, so each log line's cost is still paid.
 */
export async function startHanger(): Promise<BenchStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hanger-bench-'));
  const destination = pino.destination({ dest: '/dev/null', sync: true });
  const cleanUp = () => {
    destination.end();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { ctx } = await boot({
      dataDir,
      log: createLogger(destination, 'info'),
      env: { HANGER_OWNER_PASSWORD: OWNER_PASSWORD },
    });
    // The round trips go back to back: a benchmark measures the work, not the rate limit.
    const running = await serve(ctx, { port: 0, host: '127.0.0.1', messagesPerSecond: 1_000_000 });
    try {
      const response = await fetch(`${running.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'owner', password: OWNER_PASSWORD }),
      });
      if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
      const { token } = (await response.json()) as { token: string };
      return {
        url: running.url,
        port: running.port,
        token,
        ctx,
        async close() {
          await running.close();
          cleanUp();
        },
      };
    } catch (error) {
      await running.close();
      throw error;
    }
  } catch (error) {
    cleanUp();
    throw error;
  }
}
