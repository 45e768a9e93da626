import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../events/action.js';
import { dropDatabaseFor, openTestDatabase, testEngine } from '../testing/test-database.js';
import type { Storage } from './database.js';

/** What `storage.write` promises on PostgreSQL, where transactions really run side by side. */
describe.runIf(testEngine === 'postgres')('PostgreSQL write transactions', () => {
  // Made when the tests run: a skipped describe's body still runs, and would leave it behind.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hanger-pg-storage-'));
  });
  let storage: Storage;
  beforeAll(async () => {
    storage = await openTestDatabase(dir);
    await sql`create table counter (id integer primary key, n integer not null)`.execute(storage.db);
    await sql`insert into counter values (1, 0)`.execute(storage.db);
  });
  afterAll(async () => {
    await storage.close();
    await dropDatabaseFor(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs an action again after a serialisation conflict, leaving its first try behind', async () => {
    let runs = 0;
    const published: unknown[] = [];
    const ctx = {
      storage,
      bus: { publish: (_type: string, _store: string, data: unknown) => published.push(data) },
      store: { id: 's' },
    } as never;
    const bump = () =>
      runAction(ctx, async (trx, outbox) => {
        runs += 1;
        outbox.add('staff.changed', { staffId: `run-${runs}`, active: true });
        const { rows } = await sql<{ n: number }>`select n from counter where id = 1`.execute(trx);
        // Both read the same value before either writes: one of them must lose and run again.
        await new Promise((resolve) => setTimeout(resolve, 100));
        await sql`update counter set n = ${Number(rows[0]?.n) + 1} where id = 1`.execute(trx);
      });
    await Promise.all([bump(), bump()]);
    const { rows } = await sql<{ n: number }>`select n from counter where id = 1`.execute(storage.db);
    expect(Number(rows[0]?.n)).toBe(2);
    expect(runs).toBeGreaterThan(2);
    // Only the two committed tries' events were published.
    expect(published).toHaveLength(2);
  });

  it('gives every one of 30 conflicting writes its turn', async () => {
    await Promise.all(
      Array.from({ length: 30 }, () =>
        storage.write(async (trx) => {
          const { rows } = await sql<{ n: number }>`select n from counter where id = 1`.execute(trx);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await sql`update counter set n = ${Number(rows[0]?.n) + 1} where id = 1`.execute(trx);
        }),
      ),
    );
    const { rows } = await sql<{ n: number }>`select n from counter where id = 1`.execute(storage.db);
    expect(Number(rows[0]?.n)).toBe(32);
  });

  it('keeps a statement it sends often prepared, and runs an action again when a column change made it stale', async () => {
    await sql`create table kept (id integer primary key, a integer not null)`.execute(storage.db);
    await sql`insert into kept values (1, 10)`.execute(storage.db);
    const read = () =>
      storage.write(
        async (trx) =>
          (await sql<Record<string, number>>`select * from kept where id = ${1}`.execute(trx)).rows[0],
      );
    // The third time the text is named; sessions keep it from then on.
    for (let i = 0; i < 5; i++) expect(await read()).toEqual({ id: 1, a: 10 });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements`.execute(
      storage.db,
    );
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    await sql`alter table kept add column b integer not null default 7`.execute(storage.db);
    // PostgreSQL refuses the kept statement on its session ("cached plan must not change result
    // type"); the action runs again on a new session, which prepares it anew.
    expect(await read()).toEqual({ id: 1, a: 10, b: 7 });
    expect(await read()).toEqual({ id: 1, a: 10, b: 7 });
  });
});
