import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { databaseEnvFor } from './test-database.js';

const ROOT = resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  exited: Promise<number | null>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Starts `server/index.ts` as `npm start` does (after the build) on a free port with its data in
 * `dataDir`, and waits until it listens. Rejects with its output if it exits first.
 */
export async function startServerProcess(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      HANGER_DATA: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...(await databaseEnvFor(dataDir)),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  const port = await new Promise<number>((done, fail) => {
    const timer = setInterval(() => {
      const match = /"port":(\d+),"store"/.exec(out);
      if (match) {
        clearInterval(timer);
        done(Number(match[1]));
      }
    }, 25);
    void exited.then((code) => {
      clearInterval(timer);
      fail(
        Object.assign(new Error(`server exited (${code}) before listening:\n${out}`), { output: out, code }),
      );
    });
  });
  return { child, port, url: `http://127.0.0.1:${port}`, exited, output: () => out };
}
