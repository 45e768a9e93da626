import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ExportAbandoned } from '../http/download.js';
import { ownerToken, stalledDownload } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { testEngine } from '../testing/test-database.js';
import { exportTables, withSnapshot, writeCsvExport } from './export.js';

/**
 * An export holds one snapshot of the database for as long as it runs, and while it does the
 * database's log cannot start over: it grows with every sale. So an export whose client went
 * away, or stopped taking it, must end and let its snapshot go.
 */
describe.skipIf(testEngine === 'postgres')('an export its client abandons lets its snapshot go', () => {
  let store: TestStore;
  let owner: string;
  let writer: BetterSqlite3.Database;
  beforeAll(async () => {
    store = await startTestStore();
    owner = await ownerToken(store);
    writer = store.ctx.storage.sqlite as BetterSqlite3.Database;
    // Some 20 MB of audit rows: far more than the sockets between server and client hold.
    const row = writer.prepare(
      `insert into audit_log (id, store_id, at, kind, subject_type, subject_id, detail)
       values (?, ?, '2026-11-24T10:00:00.000Z', 'bench.filler', 'filler', ?, ?)`,
    );
    writer.transaction(() => {
      for (let i = 0; i < 20_000; i++)
        row.run(randomUUID(), store.ctx.store.id, String(i), JSON.stringify({ note: '备注'.repeat(300) }));
    })();
  });
  afterAll(() => store.close());

  /** After a write, can a checkpoint copy the whole log into the file (no reader holds it back)? */
  const logLetGo = () => {
    writer
      .prepare(
        "insert into audit_log (id, store_id, at, kind, detail) values (?, ?, '2026-11-24T10:00:00.000Z', 'x', '{}')",
      )
      .run(randomUUID(), store.ctx.store.id);
    const [state] = writer.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    return state !== undefined && state.checkpointed === state.log;
  };

  it('a client that stops reading and goes away: the export ends and the log is free again', async () => {
    const { status, leave } = await stalledDownload(store, '/api/export?format=csv&table=audit_log', owner);
    expect(status).toBe(200);
    // The export waits for the client, its snapshot held.
    await vi.waitFor(() => expect(logLetGo()).toBe(false), { timeout: 10_000 });
    leave();
    await vi.waitFor(
      () =>
        expect(store.logLines).toContainEqual(
          expect.objectContaining({
            msg: 'export abandoned',
            reason: 'The client went away during the export.',
          }),
        ),
      { timeout: 10_000 },
    );
    expect(logLetGo()).toBe(true);
  });

  it('a client that takes nothing for the stall time: the export ends', async () => {
    const file = writer.name;
    const out = new PassThrough({ highWaterMark: 1024 });
    const error = await withSnapshot(file, async (db) => {
      const table = exportTables(db).find((t) => t.name === 'audit_log');
      if (!table) throw new Error('no audit_log');
      // Nobody reads `out`.
      return writeCsvExport(db, table, out, 50);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportAbandoned);
    expect((error as Error).message).toBe('The client took nothing for 0.05 s.');
    expect(out.destroyed).toBe(true);
    expect(logLetGo()).toBe(true);
  });
});
