import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dataDir: string;
let child: ChildProcess | null = null;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-process-'));
});
afterEach(() => {
  child?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `server/index.ts` as `npm start` does (after the build) and waits until it listens. */
async function startServer(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    env: { ...process.env, HANGER_DATA: dataDir, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const match = /"port":(\d+),"store"/.exec(stdout);
      if (match) {
        clearInterval(timer);
        resolve(Number(match[1]));
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`server exited early: ${stderr}`));
    });
  });
  return { port, exited, output: () => stdout + stderr };
}

describe('the server process', () => {
  it('prints a generated owner password once, then serves it', async () => {
    const server = await startServer({});
    const password = /密码 password: (\S+)/.exec(server.output())?.[1];
    expect(password).toBeTruthy();
    const login = await fetch(`http://127.0.0.1:${server.port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password }),
    });
    expect(login.status).toBe(200);
    // The password appears on the console banner only, never in a log line.
    const logLines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(password);
  });

  it('logs one line per request without secrets or full phone numbers', async () => {
    const server = await startServer({ HANGER_OWNER_PASSWORD: 'owner-secret-1' });
    const base = `http://127.0.0.1:${server.port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'owner', password: 'owner-secret-1' }),
    });
    const { token } = (await login.json()) as { token: string };
    await fetch(`${base}/api/members?phone=13800138000`, { headers: { authorization: `Bearer ${token}` } });
    const requestLines = () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"request"'));
    await expect.poll(requestLines).toHaveLength(2);
    const logs = server.output();
    expect(logs).toContain('138****8000');
    for (const secret of ['owner-secret-1', token, '13800138000']) expect(logs).not.toContain(secret);
  });

  it('shuts down cleanly on SIGTERM: exit 0, database closed', async () => {
    const server = await startServer({ HANGER_OWNER_PASSWORD: 'owner-secret-1' });
    const health = await fetch(`http://127.0.0.1:${server.port}/api/health`);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    child?.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
    // A cleanly closed SQLite database in WAL mode leaves no -wal file behind.
    expect(existsSync(join(dataDir, 'hanger.db-wal'))).toBe(false);
  });
});
