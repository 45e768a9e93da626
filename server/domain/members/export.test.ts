import { request } from 'node:http';
import type BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, ownerToken, stalledDownload } from '../../testing/client.js';
import { startTestStore, type TestStore } from '../../testing/harness.js';
import { testEngine } from '../../testing/test-database.js';

/**
 * The member export pages its reads, but it waits for its client to take each page: a client
 * that goes away while it waits (a closed tab, a dropped download) must end the request, not
 * leave it waiting for ever with its page in memory.
 */
describe.skipIf(testEngine === 'postgres')('a member export its client abandons', () => {
  let store: TestStore;
  let owner: string;
  beforeAll(async () => {
    store = await startTestStore();
    owner = await ownerToken(store);
    const first = await call(store, 'POST', '/api/members', {
      token: owner,
      body: { phone: '13900000000', name: '顾客' },
    });
    expect(first.status).toBe(201);
    // 20,000 copies of that member with 1,200 characters of notes that do not compress: some
    // 25 MB of CSV (12 MB as XLSX), far more than the sockets between server and client hold.
    const db = store.ctx.storage.sqlite as BetterSqlite3.Database;
    const columns = (
      db.prepare('select name from pragma_table_info(?)').pluck().all('members') as string[]
    ).filter((c) => !['id', 'number', 'code', 'phone', 'phone_last4', 'notes', 'invite_code'].includes(c));
    db.prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)
       insert into members (id, number, code, phone, phone_last4, notes, ${columns.join(', ')})
       select lower(hex(randomblob(16))), 200000 + i, printf('%016d', 9000000000000000 + i),
              printf('139%08d', i), printf('%04d', i % 10000), hex(randomblob(600)), ${columns.join(', ')}
       from n, members where members.phone = '13900000000'`,
    ).run();
  });
  afterAll(() => store.close());

  const abandoned = (seen: number) =>
    vi.waitFor(
      () =>
        expect(store.logLines.slice(seen)).toContainEqual(
          expect.objectContaining({
            msg: 'export abandoned',
            reason: 'The client went away during the export.',
          }),
        ),
      { timeout: 10_000 },
    );

  /** A wait for the next export to begin: its audit row is written before the first page. */
  const begun = (): (() => Promise<void>) => {
    const db = store.ctx.storage.sqlite as BetterSqlite3.Database;
    const exports = () =>
      db.prepare("select count(*) from audit_log where kind = 'member.exported'").pluck().get() as number;
    const before = exports();
    return () => vi.waitFor(() => expect(exports()).toBe(before + 1), { timeout: 10_000, interval: 5 });
  };

  it('as CSV: a client that stops reading and goes away ends the export', async () => {
    const seen = store.logLines.length;
    const { status, leave } = await stalledDownload(store, '/api/members/export?format=csv', owner);
    expect(status).toBe(200);
    // Let the server fill every buffer between it and the paused client, then leave.
    await new Promise((resolve) => setTimeout(resolve, 500));
    leave();
    await abandoned(seen);
    expect((await call(store, 'GET', '/api/members?phone=13900000000', { token: owner })).status).toBe(200);
  });

  it('as XLSX: a client that goes away while the workbook is built ends the export, logged as no fault', async () => {
    const seen = store.logLines.length;
    const started = begun();
    const asked = request(`${store.url}/api/members/export?format=xlsx`, {
      headers: { authorization: `Bearer ${owner}` },
    });
    asked.on('error', () => undefined);
    asked.end();
    // The export has begun: leave.
    await started();
    asked.destroy();
    await abandoned(seen);
    expect(store.logLines.slice(seen)).not.toContainEqual(expect.objectContaining({ level: 50 }));
  });

  it('as XLSX: the tills are answered while the workbook is built', async () => {
    const started = begun();
    const order: string[] = [];
    // The workbook is committed once every row is built.
    const commit = ExcelJS.stream.xlsx.WorkbookWriter.prototype.commit;
    const built = vi
      .spyOn(ExcelJS.stream.xlsx.WorkbookWriter.prototype, 'commit')
      .mockImplementation(function (this: ExcelJS.stream.xlsx.WorkbookWriter) {
        order.push('rows built');
        return commit.call(this);
      });
    try {
      const exported = fetch(`${store.url}/api/members/export?format=xlsx`, {
        headers: { authorization: `Bearer ${owner}` },
      }).then((res) => res.arrayBuffer());
      await started();
      const looked = await call(store, 'GET', '/api/members?phone=13900000000', { token: owner });
      order.push('till answered');
      expect(looked.status).toBe(200);
      expect((await exported).byteLength).toBeGreaterThan(10_000_000);
      expect(order).toEqual(['till answered', 'rows built']);
    } finally {
      built.mockRestore();
    }
  });
});
