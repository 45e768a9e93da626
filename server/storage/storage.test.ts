import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boot } from '../boot.js';
import { createLogger } from '../logging.js';
import { DatabaseOpenError, openSqlite } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { MigrationError, migrate } from './migrator.js';

let dataDir: string;
const quiet = createLogger(undefined, 'silent');
const env = { HANGER_OWNER_PASSWORD: 'owner-secret-1' };
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-storage-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

async function dump(file: string) {
  const storage = openSqlite(file);
  const db = storage.db;
  const result = {
    versions: await db.selectFrom('schema_version').select(['version', 'name']).execute(),
    stores: await db.selectFrom('stores').selectAll().execute(),
    staff: await db.selectFrom('staff').selectAll().execute(),
    audit: await db.selectFrom('audit_log').selectAll().execute(),
  };
  await storage.close();
  return result;
}

describe('migrations', () => {
  it('build the schema from empty, recorded in schema_version, with durable settings', async () => {
    const { ctx } = await boot({ dataDir, log: quiet, env });
    await ctx.storage.close();

    const file = join(dataDir, 'hanger.db');
    const snapshot = await dump(file);
    expect(snapshot.versions).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(snapshot.staff.map((s) => [s.username, s.role])).toEqual([['owner', 'owner']]);
    expect(snapshot.stores).toHaveLength(1);

    const storage = openSqlite(file);
    const raw = await storage.write(async (trx) => {
      const rows = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(trx);
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(trx);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(trx);
      const cache = await sql<{ cache_size: number }>`pragma cache_size`.execute(trx);
      return {
        journal: rows.rows[0]?.journal_mode,
        sync: sync.rows[0]?.synchronous,
        fk: fk.rows[0]?.foreign_keys,
        cacheKib: cache.rows[0]?.cache_size,
      };
    });
    // The writer keeps 128 MiB of pages (negative: KiB), not SQLite's default 2 MiB.
    expect(raw).toEqual({ journal: 'wal', sync: 2, fk: 1, cacheKib: -131072 });
    await storage.close();
  });

  it('a second start changes nothing', async () => {
    const first = await boot({ dataDir, log: quiet, env });
    await first.ctx.storage.close();
    const before = await dump(join(dataDir, 'hanger.db'));
    const config = readFileSync(join(dataDir, 'config.json'), 'utf8');

    const second = await boot({ dataDir, log: quiet, env: { HANGER_OWNER_PASSWORD: 'another-password' } });
    expect(second.generatedOwnerPassword).toBeNull();
    await second.ctx.storage.close();
    expect(await dump(join(dataDir, 'hanger.db'))).toEqual(before);
    expect(readFileSync(join(dataDir, 'config.json'), 'utf8')).toBe(config);
  });

  it("keeps the query planner's statistics: a start analyses the tables that have grown", async () => {
    const first = await boot({ dataDir, log: quiet, env });
    const sqlite = first.ctx.storage.sqlite;
    if (!sqlite) throw new Error('SQLite expected');
    const store = first.ctx.store.id;
    sqlite.exec(`with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000)
      insert into audit_log (id, store_id, at, kind, detail)
      select 'bulk-' || i, '${store}', printf('2026-11-%02dT10:00:00.000Z', 1 + i % 28), 'test.bulk', '{}' from n`);
    const rowsFor = (storage: typeof sqlite) => {
      const row = storage
        .prepare("select stat from sqlite_stat1 where tbl = 'audit_log' and idx = 'audit_log_store_at'")
        .get() as { stat: string } | undefined;
      return row ? Number(row.stat.split(' ')[0]) : 0;
    };
    expect(rowsFor(sqlite)).toBeLessThan(100);
    await first.ctx.storage.close();

    const second = await boot({ dataDir, log: quiet, env });
    const after = second.ctx.storage.sqlite as typeof sqlite;
    const analysed = rowsFor(after);
    const rows = after.prepare('select count(*) from audit_log').pluck().get();
    const samples = after.prepare('select count(*) from sqlite_stat4').pluck().get();
    await second.ctx.storage.close();
    // Every entry counted, and no value samples kept.
    expect(analysed).toBe(rows);
    expect(analysed).toBeGreaterThan(4000);
    expect(samples).toBe(0);
  });

  it("drops the planner's value samples an earlier version's start took", async () => {
    const first = await boot({ dataDir, log: quiet, env });
    const before = first.ctx.storage.sqlite as NonNullable<typeof first.ctx.storage.sqlite>;
    before.exec(`with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000)
      insert into audit_log (id, store_id, at, kind, detail)
      select 'bulk-' || i, '${first.ctx.store.id}', printf('2026-11-%02dT10:00:00.000Z', 1 + i % 28), 'test.bulk', '{}' from n`);
    // What a start of an earlier version left: ANALYZE's value samples.
    before.exec('analyze audit_log');
    expect(before.prepare('select count(*) from sqlite_stat4').pluck().get()).toBeGreaterThan(0);
    await first.ctx.storage.close();

    const second = await boot({ dataDir, log: quiet, env });
    const after = second.ctx.storage.sqlite as typeof before;
    const samples = after.prepare('select count(*) from sqlite_stat4').pluck().get();
    const averages = after.prepare("select count(*) from sqlite_stat1 where tbl = 'audit_log'").pluck().get();
    await second.ctx.storage.close();
    expect(samples).toBe(0);
    expect(averages).toBeGreaterThan(0);
  });

  it('refuses a database from a newer Hanger', async () => {
    const storage = openSqlite(join(dataDir, 'hanger.db'));
    await migrate(storage, MIGRATIONS, () => new Date());
    await storage.write((trx) =>
      trx.insertInto('schema_version').values({ version: 99, name: 'future', applied_at: 'x' }).execute(),
    );
    await expect(migrate(storage, MIGRATIONS, () => new Date())).rejects.toThrow(MigrationError);
    await storage.close();
  });

  it('rolls a failing migration back whole', async () => {
    const storage = openSqlite(join(dataDir, 'hanger.db'));
    const broken = {
      version: (MIGRATIONS.at(-1)?.version ?? 0) + 1,
      name: 'broken',
      async up(db: Parameters<(typeof MIGRATIONS)[number]['up']>[0]) {
        await db.schema.createTable('half_done').addColumn('id', 'text').execute();
        throw new Error('boom');
      },
    };
    await expect(migrate(storage, [...MIGRATIONS, broken], () => new Date())).rejects.toThrow('boom');
    const versions = await storage.db.selectFrom('schema_version').select('version').execute();
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = await storage.db.introspection.getTables();
    expect(tables.map((t) => t.name)).not.toContain('half_done');
    await storage.close();
  });

  it('keeps the audit log append-only in the database itself', async () => {
    const { ctx } = await boot({ dataDir, log: quiet, env });
    await ctx.storage.write((trx) =>
      trx
        .insertInto('audit_log')
        .values({
          id: 'a1',
          store_id: ctx.store.id,
          at: 'x',
          kind: 'auth.login',
          staff_id: null,
          approver_id: null,
          device_id: null,
          subject_type: null,
          subject_id: null,
          detail: '{}',
        })
        .execute(),
    );
    await expect(ctx.storage.write((trx) => trx.deleteFrom('audit_log').execute())).rejects.toThrow(
      /append-only/,
    );
    await expect(
      ctx.storage.write((trx) => trx.updateTable('audit_log').set({ kind: 'x' }).execute()),
    ).rejects.toThrow(/append-only/);
    await ctx.storage.close();
  });
});

describe('reads while a sale is being written (SQLite)', () => {
  it('a read outside the transaction answers at once, from what was committed', async () => {
    const { ctx } = await boot({ dataDir, log: quiet, env });
    const storage = ctx.storage;
    let finish = () => {};
    const held = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let inside = () => {};
    const begun = new Promise<void>((resolve) => {
      inside = resolve;
    });
    const writing = storage.write(async (trx) => {
      await trx.updateTable('stores').set({ name: 'renamed inside' }).execute();
      inside();
      await held;
    });
    await begun;
    const stores = () => storage.db.selectFrom('stores').select('name').execute();
    const waited = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 2_000));
    const answer = await Promise.race([stores(), waited]);
    expect(answer).not.toBe('waited');
    expect(answer).not.toContainEqual({ name: 'renamed inside' });
    // A write asked outside still takes its turn after the transaction.
    const wrote = storage.db.updateTable('stores').set({ name: 'after' }).execute();
    finish();
    await writing;
    await wrote;
    expect(await stores()).toContainEqual({ name: 'after' });
    await storage.close();
  });
});

describe('a database the server cannot read', () => {
  it('stops start-up with a readable message and is left untouched', async () => {
    const file = join(dataDir, 'hanger.db');
    const garbage = Buffer.from('this is not a database, it is a shopping list: 3 shirts'.repeat(100));
    writeFileSync(file, garbage);
    const attempt = boot({ dataDir, log: quiet, env });
    await expect(attempt).rejects.toThrow(DatabaseOpenError);
    await expect(attempt).rejects.toThrow(/Cannot open the database .*hanger\.db.*left untouched/);
    expect(readFileSync(file)).toEqual(garbage);
  });
});
