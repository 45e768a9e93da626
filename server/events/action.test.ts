import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, type Storage } from '../storage/database.js';
import { runAction } from './action.js';

/**
 * A business action's events are published once its transaction committed, and only then: on
 * SQLite several actions share one transaction (group commit), and one of them may be refused
 * alone, or the COMMIT holding them all may fail.
 */
describe('runAction (SQLite, actions sharing their commit)', () => {
  let dir: string;
  let storage: Storage;
  let published: string[];
  let ctx: Parameters<typeof runAction>[0];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hanger-action-'));
    storage = openSqlite(join(dir, 'shop.db'));
    (storage.sqlite as BetterSqlite3.Database).exec(`create table notes (id text primary key);
      create table parents (id text primary key);
      create table children (id text primary key,
        parent_id text references parents (id) deferrable initially deferred)`);
    published = [];
    ctx = {
      storage,
      bus: {
        publish: (_type: string, _store: string, data: { staffId: string }) => published.push(data.staffId),
      },
      store: { id: 's' },
    } as never;
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An action noting `id` and telling of it; `refuse`: it fails after both. */
  const noting = (id: string, refuse = false) =>
    runAction(
      ctx,
      async (trx, outbox) => {
        await sql`insert into notes (id) values (${id})`.execute(trx);
        outbox.add('staff.changed', { staffId: id, active: true });
        if (refuse) throw new Error(`${id} refused`);
      },
      { shareCommit: true },
    );

  it('publishes the events of the actions that committed, none of those refused', async () => {
    const results = await Promise.allSettled([
      noting('a', true), // the first of the transaction: alone, the rest go on in the next
      noting('b'),
      noting('c', true), // in the middle of a transaction of several
      noting('d'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'fulfilled']);
    expect(published).toEqual(['b', 'd']);
  });

  it('publishes nothing when the COMMIT holding the actions fails', async () => {
    const orphan = runAction(
      ctx,
      async (trx, outbox) => {
        // Checked only at COMMIT: the parent does not exist.
        await sql`insert into children (id, parent_id) values ('c1', 'nobody')`.execute(trx);
        outbox.add('staff.changed', { staffId: 'orphan', active: true });
      },
      { shareCommit: true },
    );
    const results = await Promise.allSettled([noting('a'), orphan]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(published).toEqual([]);
    // The writer goes on, and tells of what it commits.
    await noting('b');
    expect(published).toEqual(['b']);
  });
});
