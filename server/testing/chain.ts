import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownerToken } from './client.js';
import { OWNER_PASSWORD } from './harness.js';
import { type ServerProcess, startServerProcess } from './process.js';
import { databaseEnvFor, dropDatabaseFor } from './test-database.js';

/** A chain of two store servers, head office (HQ01 总店) and a branch (BR02 二店), each signed in as the owner. */
export interface TwoStores {
  /** The chain's PostgreSQL database. */
  url: string;
  hq: ServerProcess;
  branch: ServerProcess;
  hqOwner: string;
  branchOwner: string;
  /** Stops both servers and drops the database. */
  stop(): Promise<void>;
}

/** Starts head office first (it makes the tables), then the branch, as separate processes on one throwaway database. */
export async function startTwoStores(
  name: string,
  {
    branchEnv = async () => ({}),
  }: {
    /** More of the branch's environment, from the chain's database URL (its own line to it, say). */
    branchEnv?: (url: string) => Promise<Record<string, string>>;
  } = {},
): Promise<TwoStores> {
  const chainDir = mkdtempSync(join(tmpdir(), `hanger-${name}-`));
  const storeFolder = (code: string, storeName: string) => {
    const dir = mkdtempSync(join(chainDir, `${code}-`));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ store: { code, name: storeName } }));
    return dir;
  };
  const url = (await databaseEnvFor(chainDir)).HANGER_DATABASE_URL as string;
  const env = { HANGER_DATABASE_URL: url, HANGER_OWNER_PASSWORD: OWNER_PASSWORD };
  const hq = await startServerProcess(storeFolder('HQ01', '总店'), env);
  const branch = await startServerProcess(storeFolder('BR02', '二店'), { ...env, ...(await branchEnv(url)) });
  return {
    url,
    hq,
    branch,
    hqOwner: await ownerToken(hq),
    branchOwner: await ownerToken(branch),
    async stop() {
      for (const server of [hq, branch]) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await dropDatabaseFor(chainDir);
      rmSync(chainDir, { recursive: true, force: true });
    },
  };
}
