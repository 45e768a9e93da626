import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
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

// Each test starts the real server: on a busy machine one start alone takes seconds.
describe('the server process', { timeout: 60_000 }, () => {
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

  it("keeps its data folder, database, WAL, backups, config and exports to the server's user alone", async () => {
    // A folder left open by an older version, with a backup readable by everyone.
    chmodSync(dataDir, 0o755);
    mkdirSync(join(dataDir, 'backups'), { mode: 0o755 });
    const old = join(dataDir, 'backups', 'hanger-20261101T000000000Z.db');
    writeFileSync(old, 'old', { mode: 0o644 });
    utimesSync(old, new Date('2026-11-01'), new Date('2026-11-01'));
    const server = await startServer({ HANGER_OWNER_PASSWORD: 'owner-secret-1' });
    await expect.poll(() => server.output(), { timeout: 15_000 }).toContain('"msg":"backup written"');
    const modes = (folder: string): Record<string, string> =>
      Object.fromEntries(
        [
          folder,
          ...readdirSync(folder, { recursive: true, encoding: 'utf8' }).map((name) => join(folder, name)),
        ]
          .filter((path) => !path.endsWith('hanger.lock'))
          .map((path) => [path, (statSync(path).mode & 0o777).toString(8)]),
      );
    const open = (folder: string) =>
      Object.entries(modes(folder)).filter(([, mode]) => !['600', '700'].includes(mode));
    const running = modes(dataDir);
    for (const name of ['hanger.db', 'hanger.db-wal', 'hanger.db-shm', 'config.json', 'backups'])
      expect(running).toHaveProperty(join(dataDir, name));
    expect(open(dataDir)).toEqual([]);
    child?.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const exports = mkdtempSync(join(tmpdir(), 'hanger-export-'));
    try {
      chmodSync(exports, 0o755);
      const exported = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/export.ts', exports], {
        env: { ...process.env, HANGER_DATA: dataDir },
        encoding: 'utf8',
      });
      expect(exported.status, exported.stderr).toBe(0);
      const [folder] = readdirSync(exports);
      expect(folder).toMatch(/^hanger-export-/);
      expect(open(join(exports, folder ?? ''))).toEqual([]);
    } finally {
      rmSync(exports, { recursive: true, force: true });
    }
  }, 60_000);

  it('stops on SIGTERM when the reader of its standard output goes away meanwhile', async () => {
    const server = await startServer({ HANGER_OWNER_PASSWORD: 'owner-secret-1' });
    // As `… | head` would: the reader leaves on the line it waited for, the server logs on.
    child?.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('shutting down')) child?.stdout?.destroy();
    });
    child?.kill('SIGTERM');
    expect(await within(server.exited, 20_000)).toBe(0);
  }, 60_000);

  it('stops at once on a second signal, whatever holds the first', async () => {
    const server = await startServer({ HANGER_OWNER_PASSWORD: 'owner-secret-1' });
    // A client that sends half a request holds the shutdown for seconds.
    const client = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    // The server's exit may reset it: what is checked is how the server stops.
    client.on('error', () => {});
    client.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    child?.kill('SIGTERM');
    await expect.poll(() => server.output(), { timeout: 10_000 }).toContain('shutting down');
    child?.kill('SIGINT');
    expect(await within(server.exited, 3_000)).toBe(130);
    client.destroy();
  }, 60_000);
});

/** What `exited` resolves to, or 'still running' after `ms`. */
function within(exited: Promise<number | null>, ms: number): Promise<number | null | string> {
  return Promise.race([
    exited,
    new Promise<string>((resolve) => setTimeout(() => resolve('still running'), ms)),
  ]);
}
