import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Reply } from './testing/client.js';
import type { TestStore } from './testing/harness.js';
import { type Cluster, startCluster } from './testing/postgres-cluster.js';
import { type ServerProcess, startServerProcess } from './testing/process.js';
import { StallingLink } from './testing/stalling-link.js';
import { dropDatabaseFor, testEngine } from './testing/test-database.js';

const PASSWORD = 'owner-secret-1';
const DATABASE = 'hanger_faults';

const at = (server: ServerProcess) => ({ url: server.url }) as TestStore;

/** The store servers of a chain on a PostgreSQL of the test's own, which the test may crash. */
describe.runIf(testEngine === 'postgres')('a chain when PostgreSQL fails under its store servers', () => {
  // Made when the tests run: a skipped describe's body still runs, and would leave it behind.
  let chainDir = '';
  beforeAll(() => {
    chainDir = mkdtempSync(join(tmpdir(), 'hanger-chain-faults-'));
  });
  const folders: string[] = [];
  let cluster: Cluster;
  let link: StallingLink;
  let hq: ServerProcess;
  let branch: ServerProcess;
  let hqOwner: string;
  let branchOwner: string;
  let skuId: string;
  let total: number;
  const members: string[] = [];

  const store = async (code: string, url: string) => {
    const dir = mkdtempSync(join(chainDir, `${code}-`));
    folders.push(dir);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ store: { code, name: code } }));
    const server = await startServerProcess(dir, {
      HANGER_DATABASE_URL: url,
      HANGER_OWNER_PASSWORD: PASSWORD,
      // These are the faults a store without offline selling answers with 503.
      HANGER_OFFLINE: 'off',
    });
    const reply = await call(at(server), 'POST', '/api/auth/login', {
      body: { username: 'owner', password: PASSWORD },
    });
    expect(reply.status).toBe(200);
    return { server, token: reply.body.token as string };
  };

  /** A member sale of one unit paid 5,000 fen by stored value, the rest in cash. */
  const sale = (memberId: string, id = randomUUID()) => ({
    id,
    memberId,
    lines: [{ skuId, qty: 1 }],
    payments: [
      { method: 'stored_value', amount: 5000 },
      { method: 'cash', amount: total - 5000 },
    ],
  });
  const sell = (server: ServerProcess, token: string, body: ReturnType<typeof sale>) =>
    call(at(server), 'POST', '/api/sales', { token, body });

  const expectUnavailable = (reply: Reply) => {
    expect(reply.status).toBe(503);
    expect(reply.body.error.code).toBe('storage_unavailable');
    expect(reply.headers.get('retry-after')).toBeTruthy();
  };

  const terminateSessions = async () => {
    const admin = new pg.Client({ connectionString: `${cluster.url}/postgres` });
    await admin.connect();
    try {
      await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [DATABASE],
      );
    } finally {
      await admin.end();
    }
  };

  beforeAll(async () => {
    cluster = await startCluster();
    const admin = new pg.Client({ connectionString: `${cluster.url}/postgres` });
    await admin.connect();
    await admin.query(`create database ${DATABASE}`);
    await admin.end();
    const port = Number(new URL(cluster.url).port);
    link = new StallingLink(port);
    await link.start();
    ({ server: hq, token: hqOwner } = await store('HQ01', `${cluster.url}/${DATABASE}`));
    ({ server: branch, token: branchOwner } = await store(
      'BR02',
      `postgres://postgres@127.0.0.1:${link.port}/${DATABASE}`,
    ));
    const product = await call(at(hq), 'POST', '/api/products', {
      token: hqOwner,
      body: {
        styleCode: 'FT01',
        name: '故障T恤',
        category: '女装/T恤',
        price: 9900,
        colors: ['黑'],
        sizes: ['M'],
      },
    });
    expect(product.status).toBe(201);
    skuId = product.body.skus[0].id;
    for (const [server, token] of [
      [hq, hqOwner],
      [branch, branchOwner],
    ] as const) {
      const received = await call(at(server), 'POST', '/api/stock/receipts', {
        token,
        body: { lines: [{ skuId, qty: 1000 }] },
      });
      expect(received.status).toBe(201);
    }
    for (let i = 0; i < 3; i++) {
      const made = await call(at(hq), 'POST', '/api/members', {
        token: hqOwner,
        body: { phone: `1370000${String(i).padStart(4, '0')}`, name: `会员${i}` },
      });
      expect(made.status).toBe(201);
      members.push(made.body.id);
      const topUp = await call(at(hq), 'POST', `/api/members/${made.body.id}/top-ups`, {
        token: hqOwner,
        body: { id: `faults-topup-${i}`, amount: 500_000, method: 'cash' },
      });
      expect(topUp.status).toBe(201);
    }
    const quote = await call(at(hq), 'POST', '/api/sales/quote', {
      token: hqOwner,
      body: { memberId: members[0], lines: [{ skuId, qty: 1 }] },
    });
    total = quote.body.total;
  }, 120_000);

  afterAll(async () => {
    link?.stop();
    for (const server of [hq, branch]) {
      server?.child.kill('SIGKILL');
      await server?.exited;
    }
    await cluster?.stop();
    for (const dir of folders) await dropDatabaseFor(dir);
    rmSync(chainDir, { recursive: true, force: true });
  });

  it('PostgreSQL ending busy sessions: the server lives, answers 503 storage_unavailable, and a retry with the same id sells once', async () => {
    const bodies = Array.from({ length: 40 }, (_, i) => sale(members[i % 3] as string));
    const selling = Promise.all(bodies.map((body) => sell(hq, hqOwner, body)));
    for (let i = 0; i < 10; i++) {
      await terminateSessions();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const replies = await selling;
    expect(hq.child.exitCode, hq.output().slice(-2000)).toBeNull();
    for (const reply of replies) {
      if (reply.status !== 201) expectUnavailable(reply);
    }
    const lost = replies.flatMap((reply, i) => (reply.status === 201 ? [] : [bodies[i]]));
    expect(lost.length).toBeGreaterThan(0);
    // A lost answer may hide a saved sale: the same id answers it (200) or makes it now (201).
    for (const body of lost) {
      const again = await sell(hq, hqOwner, body as ReturnType<typeof sale>);
      expect([200, 201]).toContain(again.status);
    }
    const health = await call(at(hq), 'GET', '/api/health');
    expect(health.status).toBe(200);
  }, 60_000);

  it('PostgreSQL stopped at once during sales: 503 and health 503 while it is away, 200 and selling by itself once back', async () => {
    const selling = Promise.all(
      Array.from({ length: 20 }, (_, i) => sell(hq, hqOwner, sale(members[i % 3] as string))),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    await cluster.crash();
    const replies = await selling;
    for (const reply of replies) {
      if (reply.status !== 201) expectUnavailable(reply);
    }
    const health = await call(at(hq), 'GET', '/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: 'storage_unavailable' });
    const refused = await sell(hq, hqOwner, sale(members[0] as string));
    expectUnavailable(refused);
    expect(refused.body.error.message).not.toMatch(/nothing was changed/);
    expect(hq.child.exitCode, hq.output().slice(-2000)).toBeNull();

    await cluster.restart();
    let back: Reply | undefined;
    for (let i = 0; i < 100 && back?.status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      back = await call(at(hq), 'GET', '/api/health');
    }
    expect(back?.body).toMatchObject({ status: 'ok' });
    expect((await sell(hq, hqOwner, sale(members[1] as string))).status).toBe(201);
  }, 90_000);

  it("a store whose link stalls mid-sale delays another store's sale to the same member by at most the lock timeout", async () => {
    // Sessions cut in the earlier test: let the branch find its database again first.
    let ready: Reply | undefined;
    for (let i = 0; i < 50 && ready?.status !== 200; i++) {
      ready = await call(at(branch), 'GET', '/api/health');
      if (ready.status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Held at the sale's own commit: the stalled session keeps the member's row locked.
    link.arm('insert into "sales"');
    const stalledSale = sell(branch, branchOwner, sale(members[2] as string));
    stalledSale.catch(() => undefined);
    for (let i = 0; i < 100 && !link.stalled; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(link.stalled).toBe(true);

    const timed = async (work: Promise<Reply>) => {
      const began = Date.now();
      const reply = await Promise.race([
        work,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000)),
      ]);
      return { reply, ms: Date.now() - began };
    };
    // Another member: nothing shared with the stalled sale.
    const other = await timed(sell(hq, hqOwner, sale(members[0] as string)));
    expect(other.reply?.status).toBe(201);
    // The same member: the stalled session holds the member's row; head office waits the lock
    // timeout (5 s), then answers 503 and the till retries.
    const body = sale(members[2] as string);
    const same = await timed(sell(hq, hqOwner, body));
    expect(same.reply, 'the sale waited on the stalled store for 20 s').not.toBeNull();
    expect(same.ms).toBeLessThan(9_000);
    expectUnavailable(same.reply as Reply);
    // PostgreSQL ends the stalled session after 10 s idle in its transaction: the retry sells.
    let retried: Reply | undefined;
    for (let i = 0; i < 20 && retried?.status !== 201; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      retried = await sell(hq, hqOwner, body);
    }
    expect(retried?.status).toBe(201);
    expect(hq.child.exitCode).toBeNull();
    expect(branch.child.exitCode).toBeNull();
  }, 90_000);
});
