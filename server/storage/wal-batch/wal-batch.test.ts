import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointApart } from '../checkpoints.js';
import { openSqlite } from '../database.js';
import { batchWalWrites, loadWalBatch, WAL_BATCH_LIBRARY } from './wal-batch.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-wal-batch-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** The write() calls this process has made so far (Linux counts them in /proc/self/io). */
const writeCalls = () => Number(/syscw: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);

/** A connection as the server's writer has it: WAL, synchronous FULL, no checkpoint on commit. */
function writerAt(file: string, batched: boolean): BetterSqlite3.Database {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('wal_autocheckpoint = 0');
  if (batched) expect(batchWalWrites(db)).toBe(true);
  db.exec('create table if not exists rows (id integer primary key, body blob, n integer)');
  return db;
}

/** Write calls per commit of `pages` pages or so, over 50 commits. */
function writesPerCommit(db: BetterSqlite3.Database, pages: number): number {
  const insert = db.prepare('insert into rows (body, n) values (randomblob(3000), 1)');
  const commit = db.transaction(() => {
    for (let i = 0; i < pages; i++) insert.run();
  });
  const before = writeCalls();
  for (let i = 0; i < 50; i++) commit();
  return (writeCalls() - before) / 50;
}

describe.runIf(process.platform === 'linux')('a commit written to the WAL in a few writes', () => {
  it('npm install built the shim and the server writer uses it', async () => {
    expect(loadWalBatch(), WAL_BATCH_LIBRARY).toEqual({ loaded: true });
    const storage = openSqlite(join(dataDir, 'hanger.db'));
    try {
      expect(storage.sqlite?.pragma('hanger_wal_batch', { simple: true })).toBe('1');
    } finally {
      await storage.close();
    }
  });

  it('a commit of 100 pages takes a few write calls instead of two per page, and reads back whole', () => {
    loadWalBatch();
    const plain = writerAt(join(dataDir, 'plain.db'), false);
    const batched = writerAt(join(dataDir, 'batched.db'), true);
    try {
      const asSqliteWrites = writesPerCommit(plain, 100);
      const gathered = writesPerCommit(batched, 100);
      // ~100 pages: SQLite writes a frame's header and its page apart.
      expect(asSqliteWrites).toBeGreaterThan(190);
      // ~400 KiB in chunks of 120 KiB, and the first commit's WAL header.
      expect(gathered).toBeLessThan(6);
      for (const db of [plain, batched]) {
        expect(db.prepare('select count(*) as n, sum(length(body)) as bytes from rows').get()).toEqual({
          n: 5000,
          bytes: 5000 * 3000,
        });
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      }
    } finally {
      plain.close();
      batched.close();
    }
  });

  it('only for a connection with synchronous = FULL', () => {
    loadWalBatch();
    const db = new BetterSqlite3(join(dataDir, 'normal.db'));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      expect(() => batchWalWrites(db)).toThrow(/synchronous = FULL/);
      expect(db.pragma('hanger_wal_batch', { simple: true })).toBe('0');
    } finally {
      db.close();
    }
  });

  it('what the writer commits, a reader and the checkpoint thread see at once, through spills and big commits', async () => {
    loadWalBatch();
    const file = join(dataDir, 'hanger.db');
    const writer = writerAt(file, true);
    // A small page cache: a big transaction spills pages to the WAL before its commit, and a
    // page written again is rewritten in place there (SQLite then recomputes the checksums).
    writer.pragma('cache_size = 50');
    const stop = checkpointApart(writer, file, { everyMs: 5, restartFrames: 500 });
    const reader = new BetterSqlite3(file, { readonly: true });
    const insert = writer.prepare('insert into rows (body, n) values (randomblob(?), ?)');
    const bump = writer.prepare('update rows set n = n + 1 where id = ?');
    const count = reader.prepare('select count(*) as n, total(n) as sum from rows');
    let rows = 0;
    let sum = 0;
    try {
      for (let round = 0; round < 120; round++) {
        // Mostly a sale's size; every tenth more than the shim gathers (4 MiB) at once.
        const many = round % 10 === 9 ? 1500 : 1 + (round % 7) * 15;
        writer.transaction(() => {
          for (let i = 0; i < many; i++) insert.run(3000, 1);
          for (let i = 0; i < many; i++) bump.run(1 + ((i * 7919) % (rows + many)));
        })();
        rows += many;
        sum += 2 * many;
        expect(count.get()).toEqual({ n: rows, sum });
        if (round % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await stop();
      writer.pragma('wal_checkpoint(TRUNCATE)');
      expect(writer.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      reader.close();
      writer.close();
    }
    const after = new BetterSqlite3(file, { readonly: true });
    try {
      expect(after.prepare('select count(*) as n, total(n) as sum from rows').get()).toEqual({
        n: rows,
        sum,
      });
    } finally {
      after.close();
    }
  });

  it('a commit that cannot be written fails, and the database keeps every commit before it', () => {
    // A child process whose files may not grow past 2 MiB (`ulimit -f`, the signal ignored so
    // the write fails with EFBIG): it commits ~400 KiB at a time until a commit fails.
    const file = join(dataDir, 'hanger.db');
    const script = join(dataDir, 'child.mjs');
    const here = (path: string) => pathToFileURL(path).href;
    writeFileSync(
      script,
      CHILD.replace('BETTER_SQLITE3', here(createRequire(import.meta.url).resolve('better-sqlite3'))).replace(
        'WAL_BATCH',
        here(join(import.meta.dirname, 'wal-batch.ts')),
      ),
    );
    const child = spawnSync(
      'sh',
      [
        '-c',
        `trap '' XFSZ; ulimit -f 4096; exec "$0" --import tsx "$1" "$2"`,
        process.execPath,
        script,
        file,
      ],
      { encoding: 'utf8' },
    );
    const said = JSON.parse(child.stdout.trim() || '{}') as { committed?: number; failed?: string };
    expect(said, child.stderr).toHaveProperty('committed');
    expect(said.committed).toBeGreaterThan(0);
    expect(said.failed).toMatch(/^SQLITE_(IOERR|FULL)/);
    // Opened again without the limit: whole, with exactly the commits that succeeded.
    loadWalBatch();
    const db = writerAt(file, true);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('select count(*) as n from rows').get()).toEqual({ n: (said.committed ?? 0) * 100 });
    } finally {
      db.close();
    }
  });
});

/** The child of the failing-commit test: commits 100 rows of 3000 bytes at a time until one fails. */
const CHILD = `
import BetterSqlite3 from 'BETTER_SQLITE3';
import { batchWalWrites, loadWalBatch } from 'WAL_BATCH';
loadWalBatch();
const db = new BetterSqlite3(process.argv[2]);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('wal_autocheckpoint = 0');
if (!batchWalWrites(db)) throw new Error('not batched');
db.exec('create table rows (id integer primary key, body blob, n integer)');
const insert = db.prepare('insert into rows (body, n) values (randomblob(3000), 1)');
let committed = 0;
try {
  for (;;) {
    db.transaction(() => { for (let i = 0; i < 100; i++) insert.run(); })();
    committed += 1;
  }
} catch (error) {
  process.stdout.write(JSON.stringify({ committed, failed: error.code }) + '\\n');
}
`;
