import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dropDatabaseFor, openTestDatabase, testEngine } from '../testing/test-database.js';
import { append, REFERRERS_SQL } from './appends.js';
import type { Storage } from './database.js';

interface Tables {
  appended_notes: { id: string; body: string | null; n: number | null };
  appended_parents: { id: string; n: number };
  appended_children: { id: string; parent_id: string };
  appended_grandchildren: { id: string; child_id: string };
}

/** What `append` promises on either engine; PostgreSQL sends the queued rows in one statement. */
describe('rows an action appends', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hanger-appends-'));
  let storage: Storage;
  const write = <T>(action: (trx: Kysely<Tables>) => Promise<T>) =>
    storage.write((trx) => action(trx as unknown as Kysely<Tables>));
  const parents = async () =>
    (
      await sql<{ id: string; n: number }>`select id, n from appended_parents order by id`.execute(storage.db)
    ).rows.map((row) => ({ id: row.id, n: Number(row.n) }));
  const parent = (trx: Kysely<Tables>, id: string, n = 1) => append(trx, 'appended_parents', { id, n });

  beforeAll(async () => {
    storage = await openTestDatabase(dir);
    await storage.write(async (trx) => {
      await sql`create table appended_notes (id text primary key, body text, n integer)`.execute(trx);
      await sql`create table appended_parents (id text primary key, n integer not null)`.execute(trx);
      await sql`create table appended_children (id text primary key,
        parent_id text not null references appended_parents (id))`.execute(trx);
      await sql`create table appended_grandchildren (id text primary key,
        child_id text not null references appended_children (id))`.execute(trx);
    });
  });
  beforeEach(async () => {
    await storage.write(async (trx) => {
      await sql`delete from appended_grandchildren`.execute(trx);
      await sql`delete from appended_children`.execute(trx);
      await sql`delete from appended_parents`.execute(trx);
      await sql`delete from appended_notes`.execute(trx);
    });
  });
  afterAll(async () => {
    await storage.close();
    await dropDatabaseFor(dir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('are there for a later statement that reads their table, or refers to them by a foreign key', async () => {
    const seen = await write(async (trx) => {
      await parent(trx, 'a', 1);
      await parent(trx, 'b', 2);
      // A child row's key refers to a queued parent: the parents go first.
      await trx.insertInto('appended_children').values({ id: 'c', parent_id: 'b' }).execute();
      await parent(trx, 'd', 3);
      return trx
        .selectFrom('appended_parents')
        .select(({ fn }) => fn.sum<number>('n').as('total'))
        .executeTakeFirst();
    });
    expect(Number(seen?.total)).toBe(6);
    expect(await parents()).toEqual([
      { id: 'a', n: 1 },
      { id: 'b', n: 2 },
      { id: 'd', n: 3 },
    ]);
  });

  it('are there for a row that refers to a queued row of a table that itself refers to a queued one', async () => {
    await write(async (trx) => {
      await parent(trx, 'a');
      // Its table refers to the parents' (watched since the parent was queued) and is queued too.
      await append(trx, 'appended_children', { id: 'c', parent_id: 'a' });
      await trx.insertInto('appended_grandchildren').values({ id: 'g', child_id: 'c' }).execute();
    });
    const rows = await sql<{ id: string }>`select id from appended_grandchildren`.execute(storage.db);
    expect(rows.rows).toEqual([{ id: 'g' }]);
  });

  it('are kept only when the action commits; a key used twice fails the whole action', async () => {
    await write((trx) => parent(trx, 'a', 1));
    await expect(
      write(async (trx) => {
        await parent(trx, 'b', 2);
        throw new Error('the action changed its mind');
      }),
    ).rejects.toThrow('changed its mind');
    await expect(
      write(async (trx) => {
        await sql`update appended_parents set n = 10 where id = 'a'`.execute(trx);
        await parent(trx, 'c', 3);
        await parent(trx, 'a', 4);
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/unique|duplicate/i) });
    // Nothing of either failed action is left, and the next action on the connection carries none of it.
    await write((trx) => parent(trx, 'e', 5));
    expect(await parents()).toEqual([
      { id: 'a', n: 1 },
      { id: 'e', n: 5 },
    ]);
  });

  it('may differ in their columns: what a row lacks is null; an expression is computed', async () => {
    const prepared: string[] = [];
    const sqlite = storage.sqlite;
    const prepare = sqlite?.prepare;
    if (sqlite && prepare) {
      sqlite.prepare = ((text: string) => {
        prepared.push(text);
        return prepare.call(sqlite, text);
      }) as typeof prepare;
    }
    try {
      await write(async (trx) => {
        await append(trx, 'appended_notes', [
          { id: 'a', body: '早春 一件' },
          { id: 'b', n: 2, body: undefined },
        ]);
        await append(trx, 'appended_notes', [{ id: 'c', body: sql<string>`upper('cc')` }]);
      });
    } finally {
      if (sqlite && prepare) sqlite.prepare = prepare;
    }
    const notes = await sql<
      Tables['appended_notes']
    >`select id, body, n from appended_notes order by id`.execute(storage.db);
    expect(notes.rows.map((row) => ({ ...row, n: row.n === null ? null : Number(row.n) }))).toEqual([
      { id: 'a', body: '早春 一件', n: null },
      { id: 'b', body: null, n: 2 },
      { id: 'c', body: 'CC', n: null },
    ]);
    // On SQLite plain rows make one text for their shape, kept (Kysely's would spell out the nulls).
    if (sqlite) {
      expect(prepared).toContain(
        'insert into "appended_notes" ("id", "body", "n") values (?, ?, ?), (?, ?, ?)',
      );
      expect(prepared).toContain(`insert into "appended_notes" ("id", "body") values (?, upper('cc'))`);
    }
  });

  it.runIf(testEngine === 'postgres')('go to PostgreSQL as one statement, just before COMMIT', async () => {
    const sent: string[] = [];
    const original = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (typeof args[0] === 'string') sent.push(args[0]);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof original;
    try {
      await write(async (trx) => {
        await parent(trx, 'a', 1);
        await parent(trx, 'b', 2);
        await sql`select 1`.execute(trx);
        await parent(trx, 'c', 3);
      });
    } finally {
      pg.Client.prototype.query = original;
    }
    // (The first append of a pool also reads which tables refer to which, once.)
    const inTransaction = sent
      .slice(sent.findIndex((text) => text.startsWith('begin')))
      .filter((text) => text !== REFERRERS_SQL);
    expect(inTransaction).toHaveLength(4);
    expect(inTransaction[1]).toBe('select 1');
    expect(inTransaction[2]).toMatch(/^with "append0" as \(insert into "appended_parents".*"append2" as/);
    expect(inTransaction[3]).toBe('commit');
    expect(await parents()).toHaveLength(3);
  });
});
