import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainLinkView } from './protocol/chain-link.js';
import { addStaff, call, pairDevice } from './testing/client.js';
import type { TestStore } from './testing/harness.js';
import { type Cluster, startCluster } from './testing/postgres-cluster.js';
import { type ServerProcess, startServerProcess } from './testing/process.js';
import { StallingLink } from './testing/stalling-link.js';
import { testEngine } from './testing/test-database.js';

const PASSWORD = 'owner-secret-1';
const DATABASE = 'hanger_offline';
const OFFLINE_NUMBER = /^BR02-\d{8}-L\d{4}$/;

const at = (server: ServerProcess) => ({ url: server.url }) as TestStore;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface AuditRow {
  id: string;
  at: string;
  kind: string;
}

interface Sold {
  id: string;
  number: string;
  at: string;
  memberId: string | null;
  pointsEarned: number;
  skuId: string;
}

/**
 * A chain store whose head office cannot be reached sells on from its local copy, and head
 * office gets every sale exactly once when it is back — PostgreSQL stopped outright, a store's
 * own line cut, the store killed in the middle of sending.
 */
describe.runIf(testEngine === 'postgres')('a chain store selling while head office is out of reach', () => {
  // Made when the tests run: a skipped describe's body still runs, and would leave it behind.
  let chainDir = '';
  beforeAll(() => {
    chainDir = mkdtempSync(join(tmpdir(), 'hanger-offline-'));
  });
  let cluster: Cluster;
  let line: StallingLink;
  let hq: ServerProcess;
  let branch: ServerProcess;
  let branchDir: string;
  let hqOwner: string;
  let branchOwner: string;
  let skuIds: string[];
  let memberId: string;
  /** Asks head office's database directly, on a connection of its own (the cluster is stopped in between). */
  const admin = {
    async query(text: string, values: unknown[]) {
      const client = new pg.Client({ connectionString: databaseUrl() });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return await client.query(text, values);
      } finally {
        await client.end();
      }
    },
  };

  const databaseUrl = () => `${cluster.url}/${DATABASE}`;
  const branchUrl = () => `postgres://postgres@127.0.0.1:${line.port}/${DATABASE}`;
  const env = (url: string, extra: Record<string, string> = {}) => ({
    HANGER_DATABASE_URL: url,
    HANGER_OWNER_PASSWORD: PASSWORD,
    HANGER_LINK_REFRESH_SECONDS: '1',
    ...extra,
  });
  const signIn = async (server: ServerProcess) => {
    const reply = await call(at(server), 'POST', '/api/auth/login', {
      body: { username: 'owner', password: PASSWORD },
    });
    expect(reply.status).toBe(200);
    return reply.body.token as string;
  };
  const linkOf = async (server: ServerProcess, token: string) =>
    (await call(at(server), 'GET', '/api/chain/link', { token })).body as ChainLinkView;
  /** Asks the store until its link is as `wanted` says (or the test's own time runs out). */
  const until = async (server: ServerProcess, token: string, wanted: (link: ChainLinkView) => boolean) => {
    for (let i = 0; i < 600; i++) {
      const link = await linkOf(server, token).catch(() => null);
      if (link && wanted(link)) return link;
      await pause(100);
    }
    throw new Error(`the store's link never came to the wanted state:\n${server.output().slice(-3000)}`);
  };
  const sell = async (token: string, body: { lines: { skuId: string }[] }): Promise<Sold> => {
    const reply = await call(at(branch), 'POST', '/api/sales', { token, body });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const { id, number, at: soldAt, member, pointsEarned } = reply.body;
    return {
      id,
      number,
      at: soldAt,
      memberId: member?.id ?? null,
      pointsEarned,
      skuId: body.lines[0]?.skuId as string,
    };
  };
  const cash = (skuId: string, extra: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    lines: [{ skuId, qty: 1 }],
    payments: [{ method: 'cash', amount: 10_000 }],
    ...extra,
  });
  const card = (skuId: string, extra: Record<string, unknown> = {}) => ({
    id: randomUUID(),
    lines: [{ skuId, qty: 1 }],
    payments: [{ method: 'card', amount: 9900 }],
    ...extra,
  });

  /** The branch's audit rows, every page; offline its audit log is its local copy's, all written offline. */
  const branchAudit = async (token: string) => {
    const rows: AuditRow[] = [];
    for (let before = ''; ; ) {
      const page = await call(at(branch), 'GET', `/api/audit?limit=100${before && `&before=${before}`}`, {
        token,
      });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      rows.push(...page.body.items.map(({ id, at, kind }: AuditRow) => ({ id, at, kind })));
      if (!page.body.nextBefore) return rows;
      before = page.body.nextBefore;
    }
  };
  /** Head office holds each audit row written offline once, by its id, dated when it was written. */
  const expectAuditAtHeadOffice = async (rows: AuditRow[]) => {
    const byId = (a: AuditRow, b: AuditRow) => a.id.localeCompare(b.id);
    const held = await admin.query('select id, at, kind from audit_log where id = any($1)', [
      rows.map((row) => row.id),
    ]);
    expect([...held.rows].sort(byId)).toEqual([...rows].sort(byId));
  };

  /** What head office holds of `sold`: each sale once, with its number and time, its stock and points. */
  const expectAtHeadOffice = async (sold: Sold[]) => {
    const ids = sold.map((sale) => sale.id);
    const sales = await admin.query('select id, number, at, member_id from sales where id = any($1)', [ids]);
    expect(sales.rowCount).toBe(sold.length);
    const byId = new Map(sales.rows.map((row) => [row.id, row]));
    for (const sale of sold) {
      expect(byId.get(sale.id)?.number).toBe(sale.number);
      expect(byId.get(sale.id)?.at).toBe(sale.at);
    }
    // Sold offline: every ledger row dated when the sale was made (online, each row has its own instant).
    const offline = new Set(sold.filter((sale) => OFFLINE_NUMBER.test(sale.number)).map((sale) => sale.id));
    const moves = await admin.query(
      `select ref_id, count(*)::int as n, sum(delta)::int as delta, min(at) as at from stock_movements
       where ref_id = any($1) group by ref_id`,
      [ids],
    );
    expect(moves.rowCount).toBe(sold.length);
    const soldAt = new Map(sold.map((sale) => [sale.id, sale.at]));
    for (const row of moves.rows) {
      expect([row.n, row.delta]).toEqual([1, -1]);
      if (offline.has(row.ref_id)) expect(row.at).toBe(soldAt.get(row.ref_id));
    }
    const earned = await admin.query(
      `select ref_id, count(*)::int as n, sum(delta)::int as points, min(at) as at from points_movements
       where ref_id = any($1) and delta > 0 group by ref_id`,
      [ids],
    );
    const earning = sold.filter((sale) => sale.pointsEarned > 0);
    expect(earned.rowCount).toBe(earning.length);
    const pointsById = new Map(earned.rows.map((row) => [row.ref_id, row]));
    for (const sale of earning)
      expect(pointsById.get(sale.id)).toEqual({
        ref_id: sale.id,
        n: 1,
        points: sale.pointsEarned,
        at: sale.at,
      });
    // Each sale audited once: by the store's own row when sold offline, head office writes none.
    const audited = await admin.query(
      `select subject_id, count(*)::int as n from audit_log
       where kind = 'sale.completed' and subject_id = any($1) group by subject_id`,
      [ids],
    );
    expect(audited.rowCount).toBe(sold.length);
    for (const row of audited.rows) expect(row.n).toBe(1);
    // Not spawnSync: the branch's line (the relay) runs in this process, and a check that blocks
    // it for seconds under load cut the line, and the branch went offline behind the test's back.
    const check = await new Promise<{ status: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/check.ts'],
        {
          env: { ...process.env, HANGER_DATA: branchDir, HANGER_DATABASE_URL: databaseUrl() },
          encoding: 'utf8',
        },
        (error, stdout, stderr) =>
          resolve({ status: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });
    expect(check.status, check.output).toBe(0);
  };

  beforeAll(async () => {
    cluster = await startCluster();
    const postgres = new pg.Client({ connectionString: `${cluster.url}/postgres` });
    await postgres.connect();
    await postgres.query(`create database ${DATABASE}`);
    await postgres.end();
    line = new StallingLink(Number(new URL(cluster.url).port));
    await line.start();
    const folder = (code: string) => {
      const dir = mkdtempSync(join(chainDir, `${code}-`));
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ store: { code, name: code } }));
      return dir;
    };
    hq = await startServerProcess(folder('HQ01'), env(databaseUrl()));
    branchDir = folder('BR02');
    branch = await startServerProcess(branchDir, env(branchUrl()));
    hqOwner = await signIn(hq);
    branchOwner = await signIn(branch);
    const product = await call(at(hq), 'POST', '/api/products', {
      token: hqOwner,
      body: {
        styleCode: 'OF01',
        name: '离线T恤',
        category: '女装/T恤',
        price: 9900,
        colors: ['黑'],
        sizes: ['M', 'L'],
      },
    });
    expect(product.status).toBe(201);
    skuIds = product.body.skus.map((sku: { id: string }) => sku.id);
    const received = await call(at(branch), 'POST', '/api/stock/receipts', {
      token: branchOwner,
      body: { lines: skuIds.map((skuId) => ({ skuId, qty: 1000 })) },
    });
    expect(received.status).toBe(201);
    const member = await call(at(hq), 'POST', '/api/members', {
      token: hqOwner,
      body: { phone: '13700000001', name: '老会员' },
    });
    expect(member.status).toBe(201);
    memberId = member.body.id;
    const topUp = await call(at(hq), 'POST', `/api/members/${memberId}/top-ups`, {
      token: hqOwner,
      body: { id: 'offline-topup', amount: 100_000, method: 'cash' },
    });
    expect(topUp.status).toBe(201);
    // The branch's copy must hold all of that before its line goes.
    const ready = new Date().toISOString();
    await until(branch, branchOwner, (link) => link.mode === 'online' && (link.copiedAt ?? '') > ready);
  }, 240_000);

  afterAll(async () => {
    line?.stop();
    for (const server of [hq, branch]) {
      server?.child.kill('SIGKILL');
      await server?.exited;
    }
    await cluster?.stop();
    rmSync(chainDir, { recursive: true, force: true });
  });

  it('PostgreSQL stopped: the branch sells 50 (cash, card, a new member, a member earning points); once it is back head office holds each once, dated when sold', async () => {
    await cluster.crash();
    const offline = await until(branch, branchOwner, (link) => link.mode === 'offline');
    expect(offline.waiting).toBe(0);

    const sold: Sold[] = [];
    for (let i = 0; i < 20; i++) sold.push(await sell(branchOwner, cash(skuIds[i % 2] as string)));
    for (let i = 0; i < 15; i++) sold.push(await sell(branchOwner, card(skuIds[i % 2] as string)));
    const joined = await call(at(branch), 'POST', '/api/members', {
      token: branchOwner,
      body: { phone: '13800000050', name: '离线新会员' },
    });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    for (let i = 0; i < 5; i++)
      sold.push(await sell(branchOwner, cash(skuIds[0] as string, { memberId: joined.body.id })));
    for (let i = 0; i < 10; i++) sold.push(await sell(branchOwner, card(skuIds[1] as string, { memberId })));
    expect(sold).toHaveLength(50);
    for (const sale of sold) expect(sale.number).toMatch(OFFLINE_NUMBER);
    expect(new Set(sold.map((sale) => sale.number)).size).toBe(50);
    expect(sold.filter((sale) => sale.memberId === memberId).every((sale) => sale.pointsEarned > 0)).toBe(
      true,
    );

    // The till's retry of a sale it already made is answered, not sold again.
    const first = sold[0] as Sold;
    const again = await call(at(branch), 'POST', '/api/sales', {
      token: branchOwner,
      body: {
        id: first.id,
        lines: [{ skuId: first.skuId, qty: 1 }],
        payments: [{ method: 'cash', amount: 10_000 }],
      },
    });
    expect([again.status, again.body.number]).toEqual([200, first.number]);
    // Stored value could be spent at another store meanwhile: refused offline, saying why.
    const storedValue = await call(at(branch), 'POST', '/api/sales', {
      token: branchOwner,
      body: card(skuIds[0] as string, { memberId, payments: [{ method: 'stored_value', amount: 9900 }] }),
    });
    expect(storedValue.status).toBe(422);
    expect(storedValue.body.error.fields).toEqual({ 'payments.0': 'offline: not allowed' });

    expect(await linkOf(branch, branchOwner)).toMatchObject({ mode: 'offline', waiting: 51, held: 0 });
    // The day's figures say what is still out; a shift is not closed on figures that lack it.
    const day = await call(at(branch), 'GET', '/api/reports/day', { token: branchOwner });
    expect(day.body.stillOut).toEqual({ waiting: 51, held: 0 });
    const close = await call(at(branch), 'POST', '/api/shifts/current/close', {
      token: branchOwner,
      body: { countedCash: 0 },
    });
    expect([close.status, close.body.error.fields]).toEqual([
      409,
      { shift: '51 offline sales not at head office yet' },
    ]);
    const audit = await branchAudit(branchOwner);
    expect(audit.filter((row) => row.kind === 'sale.completed')).toHaveLength(50);
    expect(audit.filter((row) => row.kind === 'member.created')).toHaveLength(1);
    await cluster.restart();
    await until(branch, branchOwner, (link) => link.mode === 'online' && link.waiting === 0);
    expect((await linkOf(branch, branchOwner)).held).toBe(0);
    await expectAtHeadOffice(sold);
    await expectAuditAtHeadOffice(audit);
    // The sign-up keeps the identity the customer was given offline: id, card code, invitation code, number.
    const newMember = await admin.query(
      'select id, code, invite_code, number::int as number from members where phone = $1',
      ['13800000050'],
    );
    expect(newMember.rows).toEqual([
      {
        id: joined.body.id,
        code: joined.body.code,
        invite_code: joined.body.inviteCode,
        number: joined.body.number,
      },
    ]);
    // Head office's page shows the branch back, nothing waiting.
    const stores = await call(at(hq), 'GET', '/api/chain/stores', { token: await signIn(hq) });
    expect(stores.body.find((store: { code: string }) => store.code === 'BR02')).toMatchObject({
      mode: 'online',
      waiting: 0,
      held: 0,
    });
  }, 180_000);

  it("the branch's own line cut: a sign-up merged by phone, a sale head office already had, and the store killed mid-sync: still each once", async () => {
    // A sale head office takes before the line breaks; the till, unsure, sends it again offline.
    const before = await sell(branchOwner, cash(skuIds[0] as string));
    expect(before.number).not.toMatch(OFFLINE_NUMBER);
    line.cut();
    await until(branch, branchOwner, (link) => link.mode === 'offline');
    const resent = await call(at(branch), 'POST', '/api/sales', {
      token: branchOwner,
      body: {
        id: before.id,
        lines: [{ skuId: before.skuId, qty: 1 }],
        payments: [{ method: 'cash', amount: 10_000 }],
      },
    });
    expect(resent.status).toBe(201);

    // Head office, still up, signs up a customer the branch's copy does not know; the branch signs her up too.
    hqOwner = await signIn(hq);
    const atHq = await call(at(hq), 'POST', '/api/members', {
      token: hqOwner,
      body: { phone: '13900000077', name: '两边都注册' },
    });
    expect(atHq.status).toBe(201);
    const atBranch = await call(at(branch), 'POST', '/api/members', {
      token: branchOwner,
      body: { phone: '13900000077', name: '两边都注册' },
    });
    expect(atBranch.status).toBe(201);
    expect(atBranch.body.id).not.toBe(atHq.body.id);
    const sold: Sold[] = [];
    for (let i = 0; i < 10; i++)
      sold.push(await sell(branchOwner, card(skuIds[i % 2] as string, { memberId: atBranch.body.id })));

    // The store dies offline; it comes back with its line, and dies again just after head office took a sale.
    branch.child.kill('SIGKILL');
    await branch.exited;
    line.mend();
    const dying = await startServerProcess(
      branchDir,
      env(branchUrl(), { HANGER_FAULT_POINT: 'offline-sync.sale-taken' }),
    );
    await dying.exited;
    branch = await startServerProcess(branchDir, env(branchUrl()));
    branchOwner = await signIn(branch);
    await until(branch, branchOwner, (link) => link.mode === 'online' && link.waiting === 0);
    expect((await linkOf(branch, branchOwner)).held).toBe(0);

    const merged = await admin.query('select id from members where phone = $1', ['13900000077']);
    expect(merged.rows).toEqual([{ id: atHq.body.id }]);
    // The id and card the branch gave her offline lead to the member head office had.
    const given = await call(at(branch), 'GET', `/api/members/${atBranch.body.id}`, { token: branchOwner });
    expect([given.status, given.body.status, given.body.mergedInto]).toEqual([200, 'merged', atHq.body.id]);
    const byCard = await call(at(branch), 'GET', `/api/members?code=${atBranch.body.code}`, {
      token: branchOwner,
    });
    expect(byCard.body.items.map((found: { id: string }) => found.id)).toEqual([atHq.body.id]);
    const owners = await admin.query('select distinct member_id from sales where id = any($1)', [
      sold.map((sale) => sale.id),
    ]);
    expect(owners.rows).toEqual([{ member_id: atHq.body.id }]);
    // The sale head office had keeps the number it was given online.
    await expectAtHeadOffice([before, ...sold.map((sale) => ({ ...sale, memberId: atHq.body.id }))]);
  }, 180_000);

  it('head office down when the store starts: it sells from its copy; the sign-ins, a shift opened and cash put in offline reach head office once, and a shift open before goes on', async () => {
    // Two tills: one with a shift open at head office before the outage, one that opens its shift offline.
    const tills = [
      await pairDevice(at(branch), branchOwner, 'checkout'),
      await pairDevice(at(branch), branchOwner, 'checkout'),
    ];
    const cashier = await addStaff(at(branch), branchOwner, 'cashier');
    const pinIn = async (till: { token: string }) => {
      const reply = await call(at(branch), 'POST', '/api/auth/pin', {
        token: till.token,
        body: { username: cashier.username, pin: cashier.pin },
      });
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      return reply.body.token as string;
    };
    // The branch's copy knows the tills and the cashier before anything else (a link that drops
    // under load must not leave the sign-in to a copy that has never heard of them).
    const paired = new Date().toISOString();
    await until(branch, branchOwner, (link) => link.mode === 'online' && (link.copiedAt ?? '') > paired);
    const before = await pinIn(tills[0] as { token: string });
    const openedBefore = await call(at(branch), 'POST', '/api/shifts', {
      token: before,
      body: { openingFloat: 20_000 },
    });
    expect(openedBefore.status, JSON.stringify(openedBefore.body)).toBe(201);
    const ready = new Date().toISOString();
    await until(branch, branchOwner, (link) => link.mode === 'online' && (link.copiedAt ?? '') > ready);

    const outage = new Date().toISOString();
    branch.child.kill('SIGKILL');
    await branch.exited;
    await cluster.crash();
    branch = await startServerProcess(branchDir, env(branchUrl()));
    expect(branch.output()).toContain('head office does not answer at start: selling from the local copy');
    branchOwner = await signIn(branch);
    expect(await linkOf(branch, branchOwner)).toMatchObject({ mode: 'offline', waiting: 1 });

    // The shift open before the outage goes on: cash put in, a sale.
    const cashIn = await call(at(branch), 'POST', '/api/shifts/current/cash', {
      token: before,
      body: { kind: 'cash_in', amount: 5000, reason: '备用金' },
    });
    expect(cashIn.status, JSON.stringify(cashIn.body)).toBe(201);
    const sold = [await sell(before, cash(skuIds[0] as string))];
    // The other till signs in and opens its shift offline, and sells.
    const after = await pinIn(tills[1] as { token: string });
    const openedOffline = await call(at(branch), 'POST', '/api/shifts', {
      token: after,
      body: { openingFloat: 10_000 },
    });
    expect(openedOffline.status, JSON.stringify(openedOffline.body)).toBe(201);
    sold.push(await sell(after, cash(skuIds[1] as string)));
    for (const sale of sold) expect(sale.number).toMatch(OFFLINE_NUMBER);
    // The sign-ins, the cash put in and the sales were audited offline, at the store.
    const audit = (await branchAudit(branchOwner)).filter((row) => row.at >= outage);
    for (const kind of ['auth.login', 'shift.opened', 'shift.cash_entry', 'sale.completed'])
      expect(audit.map((row) => row.kind)).toContain(kind);

    await cluster.restart();
    // Signed in offline, and still signed in at head office.
    await until(branch, branchOwner, (link) => link.mode === 'online' && link.waiting === 0);
    expect((await linkOf(branch, branchOwner)).held).toBe(0);
    await expectAtHeadOffice(sold);
    await expectAuditAtHeadOffice(audit);
    const shifts = await admin.query(
      'select id, opened_at from shifts where id = any($1) order by opened_at',
      [[openedBefore.body.id, openedOffline.body.id]],
    );
    expect(shifts.rows).toEqual([
      { id: openedBefore.body.id, opened_at: openedBefore.body.openedAt },
      { id: openedOffline.body.id, opened_at: openedOffline.body.openedAt },
    ]);
    const entries = await admin.query(
      'select shift_id, amount::int as amount from shift_cash_entries where shift_id = $1',
      [openedBefore.body.id],
    );
    expect(entries.rows).toEqual([{ shift_id: openedBefore.body.id, amount: 5000 }]);
    // Both close at head office on figures that hold what was done offline.
    for (const [token, expected] of [
      [before, 20_000 + 5000 + 9900],
      [after, 10_000 + 9900],
    ] as const) {
      const closed = await call(at(branch), 'POST', '/api/shifts/current/close', {
        token,
        body: { countedCash: expected },
      });
      expect([closed.status, closed.body.cash?.expected], JSON.stringify(closed.body)).toEqual([
        200,
        expected,
      ]);
    }
  }, 180_000);
});
