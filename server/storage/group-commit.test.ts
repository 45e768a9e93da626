import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type Storage } from './database.js';
import type { Database } from './schema.js';

/**
 * SQLite's write actions that wait for the writer together share one transaction (group
 * commit, `Storage.grouped`): these are the promises that sharing must keep.
 */
let dir: string;
let storage: Storage;
let file: string;
/**
 * Each COMMIT the writer ran and SQLite took, with the statements since its BEGIN (unlike
 * `recordTransactions`, which keeps what was asked: a COMMIT that fails is not one here).
 */
let transactions: string[][];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hanger-group-'));
  file = join(dir, 'shop.db');
  storage = openSqlite(file);
  const sqlite = storage.sqlite as BetterSqlite3.Database;
  sqlite.exec(`create table notes (id text primary key, body text not null);
    create table parents (id text primary key);
    create table children (id text primary key,
      parent_id text references parents (id) deferrable initially deferred)`);
  transactions = [];
  let running: string[] | null = null;
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((text: string) => {
    const statement = prepare(text);
    const run = statement.run.bind(statement);
    statement.run = ((...args: unknown[]) => {
      if (text.startsWith('begin')) running = [];
      running?.push(text);
      const result = run(...args);
      if (text === 'commit' && running) {
        transactions.push(running);
        running = null;
      }
      return result;
    }) as typeof statement.run;
    return statement;
  }) as typeof sqlite.prepare;
});

afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

// The test's tables are not in the schema's types.
const note = (trx: Kysely<Database>, id: string) =>
  sql`insert into notes (id, body) values (${id}, ${`note ${id}`})`.execute(trx);

/** A write that may share its commit, as a sale's does. */
const shared = <T>(action: (trx: Kysely<Database>) => Promise<T>) =>
  storage.write(action, 'serializable', { shareCommit: true });

/** What is committed, read on a connection of its own. */
function committed(table = 'notes'): string[] {
  const reader = new BetterSqlite3(file, { readonly: true });
  try {
    return (reader.prepare(`select id from ${table} order by id`).all() as { id: string }[]).map((r) => r.id);
  } finally {
    reader.close();
  }
}

describe('write actions that share their commit and wait together (SQLite)', () => {
  it('commit together, and each answers only once what it wrote is committed', async () => {
    const seenAtAnswer: string[][] = [];
    await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((id) =>
        shared(async (trx) => {
          await note(trx, id);
          return id;
        }).then((answer) => {
          expect(answer).toBe(id);
          seenAtAnswer.push(committed());
        }),
      ),
    );
    // The first answer already sees the last action's row: they were one commit.
    expect(seenAtAnswer[0]).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]?.filter((text) => text.startsWith('savepoint'))).toHaveLength(4);

    // One at a time, each is a transaction of its own, without savepoints.
    await shared((trx) => note(trx, 'f'));
    await shared((trx) => note(trx, 'g'));
    expect(transactions.slice(1).map((statements) => statements.length)).toEqual([3, 3]);
  });

  it('leave an action that does not share its commit alone in its transaction, in its turn', async () => {
    const order: string[] = [];
    const noted = (id: string) => async (trx: Kysely<Database>) => {
      await note(trx, id);
      order.push(id);
    };
    await Promise.all([
      shared(noted('a')),
      storage.write(noted('b')),
      shared(noted('c')),
      shared(noted('d')),
      storage.write(noted('e')),
    ]);
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(
      transactions.map((statements) => statements.filter((text) => text.startsWith('insert')).length),
    ).toEqual([1, 1, 2, 1]);
  });

  it('roll back an action that fails alone; the others commit', async () => {
    const failing = (id: string) =>
      shared(async (trx) => {
        await note(trx, id);
        throw new Error(`${id} refused`);
      });
    const results = await Promise.allSettled([
      failing('a'), // the first of the transaction, without a savepoint
      shared((trx) => note(trx, 'b')),
      failing('c'), // in the middle of the next
      shared((trx) => note(trx, 'd')),
      failing('e'), // the last
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'rejected',
    ]);
    expect((results[2] as PromiseRejectedResult).reason.message).toBe('c refused');
    expect(committed()).toEqual(['b', 'd']);
    // 'a' failed alone; 'b' to 'e' were one transaction.
    expect(transactions).toHaveLength(1);
  });

  it('answer a refused action after the COMMIT of those before it, so what refused it can be looked up', async () => {
    // Two resends of one note: the second fails on the first's key, and looks for the first as a
    // resend does (on another connection, from what is committed).
    const resend = () =>
      shared(async (trx) => {
        await note(trx, 'a');
      }).catch((error: unknown) => ({ error, found: committed() }));
    const [first, second] = await Promise.all([
      resend(),
      resend(),
      // The transaction goes on after the refusal for a while.
      shared(() => new Promise((resolve) => setTimeout(resolve, 50))),
    ]);
    expect(first).toBeUndefined();
    expect(String((second as { error: unknown }).error)).toMatch(/UNIQUE/);
    expect((second as { found: string[] }).found).toEqual(['a']);
    expect(transactions).toHaveLength(1);
  });

  it('fail a refused action with the fault when the COMMIT after it fails', async () => {
    const results = await Promise.allSettled([
      shared((trx) => note(trx, 'a')),
      shared((trx) => note(trx, 'a')), // refused: the key is the first's
      shared((trx) => sql`insert into children (id, parent_id) values ('c1', 'nobody')`.execute(trx)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    // The first action's key is gone with the COMMIT: what refused the second is not so.
    for (const result of results)
      expect(String((result as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(committed()).toEqual([]);
  });

  it('fail every action of a COMMIT that fails', async () => {
    const results = await Promise.allSettled([
      shared((trx) => note(trx, 'a')),
      // Checked only at COMMIT: the parent does not exist.
      shared((trx) => sql`insert into children (id, parent_id) values ('c1', 'nobody')`.execute(trx)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(committed()).toEqual([]);
    expect(committed('children')).toEqual([]);
    expect(transactions).toHaveLength(0);
    // The writer goes on.
    await shared((trx) => note(trx, 'c'));
    expect(committed()).toEqual(['c']);
  });

  it('fail the actions before one after which SQLite rolled the whole transaction back', async () => {
    // SQLite ends the transaction itself after some faults (a full disk, an I/O error).
    const fault = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const results = await Promise.allSettled([
      shared((trx) => note(trx, 'a')),
      shared(async (trx) => {
        await note(trx, 'b');
        await sql`rollback`.execute(trx);
        throw fault;
      }),
      shared((trx) => note(trx, 'c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toBe(fault);
    expect(committed()).toEqual(['c']);
  });
});

describe("the writer's statement journal (SQLite)", () => {
  /** The temporary files this process holds open: SQLite deletes each as it opens it. */
  const temporaryFiles = () =>
    readdirSync('/proc/self/fd')
      .map((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          return ''; // closed meanwhile (the directory's own descriptor)
        }
      })
      .filter((target) => target.includes('etilqs_'));

  it('stays in memory for the actions that share their commit, in a file for every other', async () => {
    // 3,000 notes of 300 characters (some 250 pages): changing them all in one statement keeps
    // ~1 MB of their former pages, past the 64 KiB SQLite keeps in memory by default.
    (
      storage.sqlite as BetterSqlite3.Database
    ).exec(`with recursive n(i) as (select 1 union all select i + 1 from n where i < 3000)
      insert into notes (id, body) select 'n' || i, printf('%300d', i) from n`);
    const seen: string[][] = [];
    const changeEvery = async (trx: Kysely<Database>) => {
      await sql`update notes set body = body || '.'`.execute(trx);
      seen.push(temporaryFiles());
    };
    await shared(changeEvery);
    await storage.write(changeEvery);
    await shared(changeEvery);
    expect(seen.map((files) => files.length)).toEqual([0, 1, 0]);
    expect(temporaryFiles()).toEqual([]);
    const body = (storage.sqlite as BetterSqlite3.Database)
      .prepare(`select body from notes where id = 'n1'`)
      .pluck()
      .get() as string;
    expect(body.endsWith('...')).toBe(true);
  });
});
