import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
});
