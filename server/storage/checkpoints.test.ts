import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointApart } from './checkpoints.js';
import { openSqlite, type Storage } from './database.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-checkpoints-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);

/** 500 rows of 16 KB in one transaction: some 2000 pages of WAL, twice SQLite's checkpoint mark. */
async function writeMuch(storage: Storage): Promise<void> {
  await storage.write(async (trx) => {
    await sql`create table if not exists filler (id integer primary key, body blob)`.execute(trx);
    for (let i = 0; i < 500; i++)
      await sql`insert into filler (body) values (randomblob(16384))`.execute(trx);
  });
}

async function until(check: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('not within the wait');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WAL checkpoints apart from the sales', () => {
  it('a commit leaves the copying to the checkpoint thread, which copies the WAL into the file', async () => {
    const file = join(dataDir, 'hanger.db');
    const storage = openSqlite(file);
    try {
      const raw = storage.sqlite;
      if (!raw) throw new Error('SQLite expected');
      // SQLite's default (1000) would make the commit below copy 2000 pages and fsync the file.
      expect(raw.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const before = size(file);
      await writeMuch(storage);
      expect(size(`${file}-wal`)).toBeGreaterThan(8_000_000);
      await until(() => size(file) > before + 8_000_000);
    } finally {
      await storage.close();
    }
    // Closed cleanly: nothing left in a WAL beside the file.
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('a reader that keeps an old snapshot does not hold the sales up while the log waits to start over', async () => {
    const file = join(dataDir, 'hanger.db');
    const writer = new BetterSqlite3(file);
    writer.pragma('journal_mode = WAL');
    // A sale that waits a whole second for the write lock gives up (SQLITE_BUSY).
    writer.pragma('busy_timeout = 1000');
    writer.exec('create table notes (id integer primary key, body text)');
    const stop = checkpointApart(writer, file, { everyMs: 10, restartFrames: 20 });
    const reader = new BetterSqlite3(file, { readonly: true });
    try {
      const note = writer.prepare('insert into notes (body) values (?)');
      const logFrames = () => (writer.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log ?? 0;
      // A long report's snapshot, held while the till sells for three seconds: the log passes
      // `restartFrames` at once and the thread tries to start it over again and again. Were its
      // RESTART to wait for this reader as long as a sale may (seconds), holding the write lock,
      // a sale would give up here.
      reader.exec('begin');
      reader.prepare('select count(*) from notes').get();
      const end = Date.now() + 3000;
      let sold = 0;
      // Three seconds, and the log ten times past the mark however slowly this machine runs.
      while (Date.now() < end || logFrames() <= 20 * 10) {
        note.run('一'.repeat(1500));
        sold += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      // Once the report is done, the log starts over.
      reader.exec('commit');
      await until(() => {
        note.run('二');
        sold += 1;
        return logFrames() < 20;
      });
      expect((writer.prepare('select count(*) as n from notes').get() as { n: number }).n).toBe(sold);
    } finally {
      reader.close();
      await stop();
      writer.close();
    }
  });
});
