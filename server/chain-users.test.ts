import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './testing/client.js';
import type { TestStore } from './testing/harness.js';
import { type ServerProcess, startServerProcess } from './testing/process.js';
import { dropDatabaseFor, testEngine } from './testing/test-database.js';

const PASSWORD = 'owner-secret-1';
const SCRIPT = resolve(import.meta.dirname, '../scripts/chain-store-user.sql');

/** The README's per-store PostgreSQL users, set up with `scripts/chain-store-user.sql` as written. */
describe.runIf(testEngine === 'postgres')(
  'a chain whose stores connect as their own PostgreSQL users',
  () => {
    const base = process.env.HANGER_TEST_POSTGRES_URL as string;
    // Made when the tests run: a skipped describe's body still runs, and would leave it behind.
    let chainDir = '';
    beforeAll(() => {
      chainDir = mkdtempSync(join(tmpdir(), 'hanger-chain-users-'));
    });
    const suffix = randomUUID().slice(0, 8);
    const database = `hanger_users_${suffix}`;
    const owner = `hanger_owner_${suffix}`;
    const storeUser = `store_br02_${suffix}`;
    const folders: string[] = [];
    const servers: ServerProcess[] = [];
    const at = (server: ServerProcess) => ({ url: server.url }) as TestStore;
    const urlAs = (user: string, password: string) => {
      const url = new URL(`${base}/${database}`);
      url.username = user;
      url.password = password;
      return url.toString();
    };
    const admin = async (sql: string, db = 'postgres') => {
      const client = new pg.Client({ connectionString: `${base}/${db}` });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    const start = async (code: string, url: string) => {
      const dir = mkdtempSync(join(chainDir, `${code}-`));
      folders.push(dir);
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ store: { code, name: code } }));
      const server = await startServerProcess(dir, {
        HANGER_DATABASE_URL: url,
        HANGER_OWNER_PASSWORD: PASSWORD,
      });
      servers.push(server);
      const login = await call(at(server), 'POST', '/api/auth/login', {
        body: { username: 'owner', password: PASSWORD },
      });
      expect(login.status).toBe(200);
      return { server, token: login.body.token as string };
    };

    beforeAll(async () => {
      await admin(`create role ${owner} login password 'owner-pw'`);
      await admin(`create database ${database} owner ${owner}`);
    });

    afterAll(async () => {
      for (const server of servers) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      await admin(`drop database if exists ${database} with (force)`);
      await admin(`drop role if exists ${storeUser}`);
      await admin(`drop owned by hanger_store cascade`).catch(() => undefined);
      await admin(`drop role if exists ${owner}`).catch(() => undefined);
      for (const dir of folders) await dropDatabaseFor(dir);
      rmSync(chainDir, { recursive: true, force: true });
    });

    it('head office migrates as the owner; a store sells as its own user, which cannot change the schema or the ledgers', async () => {
      const hq = await start('HQ01', urlAs(owner, 'owner-pw'));
      const target = new URL(base);
      execFileSync(
        'psql',
        [
          '-X',
          '-q',
          '-h',
          target.hostname,
          '-p',
          target.port,
          '-U',
          'postgres',
          '-v',
          `db=${database}`,
          '-v',
          `owner=${owner}`,
          '-v',
          `store_user=${storeUser}`,
          '-v',
          'password=store-pw',
          '-f',
          SCRIPT,
          'postgres',
        ],
        { stdio: 'pipe' },
      );
      const branch = await start('BR02', urlAs(storeUser, 'store-pw'));
      const product = await call(at(hq.server), 'POST', '/api/products', {
        token: hq.token,
        body: {
          styleCode: 'US01',
          name: '门店T恤',
          category: '女装/T恤',
          price: 9900,
          colors: ['黑'],
          sizes: ['M'],
        },
      });
      expect(product.status).toBe(201);
      const skuId = product.body.skus[0].id as string;
      const received = await call(at(branch.server), 'POST', '/api/stock/receipts', {
        token: branch.token,
        body: { lines: [{ skuId, qty: 5 }] },
      });
      expect(received.status).toBe(201);
      const sold = await call(at(branch.server), 'POST', '/api/sales', {
        token: branch.token,
        body: { id: randomUUID(), lines: [{ skuId, qty: 1 }], payments: [{ method: 'cash', amount: 9900 }] },
      });
      expect(sold.status).toBe(201);

      const asStore = new pg.Client({ connectionString: urlAs(storeUser, 'store-pw') });
      await asStore.connect();
      try {
        await expect(asStore.query('create table sneaky (id integer)')).rejects.toThrow(/permission denied/);
        await expect(asStore.query('drop table sales cascade')).rejects.toThrow(/must be owner/);
        await expect(asStore.query('alter table stock_movements disable trigger all')).rejects.toThrow(
          /must be owner/,
        );
        await expect(asStore.query('delete from stock_movements')).rejects.toThrow();
      } finally {
        await asStore.end();
      }
    }, 120_000);
  },
);
