import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throwaway PostgreSQL server of Debian's packaged binaries, in a temporary folder, for
 * tests and benchmarks: nothing of the machine's own clusters is touched. Durability is off
 * (fsync) because the folder is deleted afterwards, unless a benchmark asks for it.
 */
export interface Cluster {
  /** `postgres://postgres@127.0.0.1:<port>` — add `/<database>`. */
  url: string;
  /** Stops the server as a power cut would (`pg_ctl stop -m immediate`): no checkpoint, sessions cut. */
  crash(): Promise<void>;
  /** Starts it again on the same folder and port (after `crash`), recovering from its WAL. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** The postmaster's process id (its backends are its children), while it runs. */
  pid(): number | undefined;
}

function binaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')));
  if (!found) {
    throw new Error(
      'PostgreSQL is not installed: the PostgreSQL half of the tests needs Debian\'s "postgresql" package ' +
        '(apt-get install postgresql), or HANGER_TEST_POSTGRES_URL pointing at a server where it may create databases.',
    );
  }
  return found;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The `postgres` user when we are root: PostgreSQL refuses to run as root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
  };
}

export async function startCluster({ durable = false }: { durable?: boolean } = {}): Promise<Cluster> {
  const bin = binaries();
  const dir = mkdtempSync(join(tmpdir(), 'hanger-pg-'));
  const user = serverUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  execFileSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C.UTF-8', '--no-sync'],
    { stdio: 'pipe', ...user },
  );
  const port = await freePort();
  const settings = [
    'listen_addresses=127.0.0.1',
    `unix_socket_directories=${dir}`,
    ...(durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off']),
    'max_connections=400',
    'shared_buffers=256MB',
  ];
  const url = `postgres://postgres@127.0.0.1:${port}`;
  let child: ChildProcess;
  const run = async () => {
    const server = spawn(
      join(bin, 'postgres'),
      ['-D', data, '-p', String(port), ...settings.flatMap((s) => ['-c', s])],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
        ...user,
      },
    );
    child = server;
    let log = '';
    server.stderr.on('data', (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-4000);
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const client = new pg.Client({ connectionString: `${url}/postgres` });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (server.exitCode !== null || Date.now() > deadline) {
          server.kill('SIGKILL');
          throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  const halt = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  await run();
  return {
    url,
    crash: () => halt('SIGQUIT'), // immediate shutdown
    restart: run,
    pid: () => child.pid,
    async stop() {
      await halt('SIGINT'); // fast shutdown
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
