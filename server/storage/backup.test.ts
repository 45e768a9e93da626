import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, ownerToken } from '../testing/client.js';
import { startTestStore, type TestStore } from '../testing/harness.js';
import { seedShop, tableCounts } from '../testing/proofs.js';
import { testEngine } from '../testing/test-database.js';
import { BackupError, backupDatabase, listBackups, startBackupSchedule, verifyBackup } from './backup.js';
import { LOCK_FILE, lockDataFolder } from './lock.js';
import { MIGRATIONS } from './migrations/index.js';
import { restoreBackup } from './restore.js';

const NEWEST = MIGRATIONS.at(-1)?.version ?? 0;
let store: TestStore;
let owner: string;
let memberId: string;
let work: string;
const sleepers: ChildProcess[] = [];

beforeAll(async () => {
  store = await startTestStore();
  owner = await ownerToken(store);
  memberId = (await seedShop(store, owner)).memberId;
});
afterAll(() => store.close());
afterEach(() => {
  for (const child of sleepers.splice(0)) child.kill('SIGKILL');
  if (work) rmSync(work, { recursive: true, force: true });
});

const handle = () => {
  const sqlite = store.ctx.storage.sqlite;
  if (!sqlite) throw new Error('SQLite only');
  return sqlite;
};
const fresh = () => {
  work = mkdtempSync(join(tmpdir(), 'hanger-backup-'));
  return work;
};
function membersIn(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.prepare('select id from members').pluck().all() as string[];
  } finally {
    db.close();
  }
}

// SQLite's own files: on PostgreSQL, backups and exports are head office's (pg_dump, a standby).
describe.skipIf(testEngine === 'postgres')('online backups', () => {
  it('copy the live database while it serves, and keep only the newest N', async () => {
    const dir = join(fresh(), 'backups');
    let t = Date.parse('2026-11-24T10:00:00Z');
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      // A write between backups: the server keeps working while it is copied.
      await call(store, 'PATCH', `/api/members/${memberId}`, { token: owner, body: { notes: `v${i}` } });
      const result = await backupDatabase(handle(), dir, { keep: 3, now: () => new Date(t) });
      made.push(basename(result.file));
      t += 3_600_000;
    }
    expect(listBackups(dir).map((f) => basename(f))).toEqual(made.slice(2));
    const newest = listBackups(dir).at(-1) ?? '';
    expect(verifyBackup(newest, NEWEST)).toMatchObject({ schemaVersion: NEWEST });
    expect(membersIn(newest)).toEqual([memberId]);
    // No half-written file is ever left in the folder.
    expect(readdirSync(dir).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('are encrypted with a passphrase (AES-256-GCM): no SQLite header, no readable text', async () => {
    const dir = join(fresh(), 'backups');
    const { file, encrypted } = await backupDatabase(handle(), dir, { keep: 3, passphrase: 'correct horse' });
    expect(encrypted).toBe(true);
    expect(file.endsWith('.db.enc')).toBe(true);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toContain('SQLite format');
    expect(bytes.includes(Buffer.from(memberId))).toBe(false);
  });

  it('run on a schedule when the newest is older than the interval', async () => {
    const dir = join(fresh(), 'backups');
    let now = Date.parse('2026-11-24T10:00:00Z');
    const results: unknown[] = [];
    const stop = startBackupSchedule({
      dir,
      everyHours: 24,
      firstMs: 0,
      checkMs: 20,
      now: () => new Date(now),
      run: () => backupDatabase(handle(), dir, { keep: 2, now: () => new Date(now) }),
      onResult: (result) => results.push(result),
    });
    await expect.poll(() => listBackups(dir).length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(listBackups(dir)).toHaveLength(1); // not due again yet
    now += 25 * 3_600_000;
    await expect.poll(() => listBackups(dir).length).toBe(2);
    await stop();
    expect(results.every((r) => !(r instanceof Error))).toBe(true);
  });
});

describe.skipIf(testEngine === 'postgres')('restore', () => {
  /** A data folder with a database of its own, as after a day's trading. */
  async function target(): Promise<{ dataDir: string; dbFile: string }> {
    const dataDir = fresh();
    const dbFile = join(dataDir, 'hanger.db');
    const db = new BetterSqlite3(dbFile);
    db.exec('create table schema_version (version integer primary key, name text, applied_at text)');
    db.exec("insert into schema_version values (1, 'foundation', 'x')");
    db.close();
    return { dataDir, dbFile };
  }

  it('puts a checked backup in place and keeps the current database aside', async () => {
    const { dataDir, dbFile } = await target();
    const { file } = await backupDatabase(handle(), join(dataDir, 'backups'), { keep: 3, passphrase: 'pw' });
    const before = readFileSync(dbFile);
    const result = await restoreBackup({
      dataDir,
      dbFile,
      source: file,
      passphrase: 'pw',
      newestSchema: NEWEST,
    });
    expect(result.schemaVersion).toBe(NEWEST);
    expect(membersIn(dbFile)).toEqual([memberId]);
    expect(result.setAside).toMatch(/hanger\.db\.before-restore-/);
    expect(readFileSync(result.setAside ?? '')).toEqual(before);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('refuses a wrong passphrase, a missing one, a damaged file and a non-database, touching nothing', async () => {
    const { dataDir, dbFile } = await target();
    const dir = join(dataDir, 'backups');
    const sealed = (await backupDatabase(handle(), dir, { keep: 5, passphrase: 'pw' })).file;
    const plain = (await backupDatabase(handle(), dir, { keep: 5 })).file;
    const damaged = join(dataDir, 'damaged.db');
    copyFileSync(plain, damaged);
    const bytes = readFileSync(damaged);
    // Scribble over the middle pages (keep the header so it still opens as SQLite).
    for (let i = 4096; i < bytes.length - 4096; i += 7) bytes[i] = (bytes[i] ?? 0) ^ 0x5a;
    writeFileSync(damaged, bytes);
    const flipped = join(dataDir, 'flipped.db.enc');
    const enc = readFileSync(sealed);
    enc[enc.length >> 1] = (enc[enc.length >> 1] ?? 0) ^ 1;
    writeFileSync(flipped, enc);
    const text = join(dataDir, 'notes.db');
    writeFileSync(text, 'not a database at all, just text '.repeat(200));
    const before = readFileSync(dbFile);
    const cases: [string, string | undefined, RegExp][] = [
      [sealed, 'wrong', /passphrase is wrong or the file is damaged/],
      [sealed, undefined, /encrypted: set HANGER_BACKUP_PASSPHRASE/],
      [flipped, 'pw', /passphrase is wrong or the file is damaged/],
      [damaged, undefined, /damaged|not a readable SQLite database|malformed/],
      [text, undefined, /not a readable SQLite database|cannot be opened|not a database/],
      [join(dataDir, 'nowhere.db'), undefined, /No backup at/],
    ];
    for (const [source, passphrase, message] of cases) {
      const error = await restoreBackup({ dataDir, dbFile, source, passphrase, newestSchema: NEWEST }).catch(
        (e: unknown) => e,
      );
      expect(error, basename(source)).toBeInstanceOf(BackupError);
      expect((error as Error).message, basename(source)).toMatch(message);
    }
    expect(readFileSync(dbFile)).toEqual(before);
    expect(readdirSync(dataDir).filter((n) => n.includes('before-restore') || n.startsWith('.'))).toEqual([]);
  });

  it('refuses a backup from a newer Hanger', async () => {
    const { dataDir, dbFile } = await target();
    const { file } = await backupDatabase(handle(), join(dataDir, 'backups'), { keep: 3 });
    const error = await restoreBackup({ dataDir, dbFile, source: file, newestSchema: NEWEST - 1 }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).message).toMatch(/newer than this Hanger knows/);
  });

  it('refuses while a server holds the data folder, and takes over a stale lock', async () => {
    const { dataDir, dbFile } = await target();
    const { file } = await backupDatabase(handle(), join(dataDir, 'backups'), { keep: 3 });
    const alive = spawn('sleep', ['30']);
    sleepers.push(alive);
    writeFileSync(
      join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: alive.pid, startedAt: 'earlier', host: 'x' }),
    );
    await expect(restoreBackup({ dataDir, dbFile, source: file, newestSchema: NEWEST })).rejects.toThrow(
      new RegExp(`Refused: Another Hanger server \\(PID ${alive.pid}`),
    );
    expect(() => lockDataFolder(dataDir)).toThrow(/Another Hanger server/);
    // The holder dies (kill -9): its lock is stale and the next one takes it over.
    alive.kill('SIGKILL');
    await new Promise((resolve) => alive.once('exit', resolve));
    const release = lockDataFolder(dataDir);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    release();
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });

  it('works as `npm run backup` and `npm run restore -- <file>` on the command line', () => {
    const dataDir = fresh();
    const run = (script: string, args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], {
        env: { ...process.env, HANGER_DATA: dataDir, ...env },
        encoding: 'utf8',
      });
    copyFileSync(listBackupsOrMake(dataDir), join(dataDir, 'hanger.db'));
    const backup = run('backup', [], { HANGER_BACKUP_PASSPHRASE: 'secret words' });
    expect(backup.status, backup.stderr).toBe(0);
    const file = /Backup written: (\S+) /.exec(backup.stdout)?.[1] ?? '';
    expect(statSync(file).size).toBeGreaterThan(0);
    const wrong = run('restore', [file], { HANGER_BACKUP_PASSPHRASE: 'other words' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/passphrase is wrong or the file is damaged/);
    const right = run('restore', [file], { HANGER_BACKUP_PASSPHRASE: 'secret words' });
    expect(right.status, right.stderr).toBe(0);
    expect(right.stdout).toMatch(/integrity ok/);
    expect(right.stdout).toMatch(/kept as .*hanger\.db\.before-restore-/);
    expect(membersIn(join(dataDir, 'hanger.db'))).toEqual([memberId]);
  });

  function listBackupsOrMake(dataDir: string): string {
    const file = join(dataDir, 'seed.db');
    handle().exec(`vacuum into '${file.replace(/'/g, "''")}'`);
    return file;
  }
});

describe.skipIf(testEngine === 'postgres')("the owner's full export", () => {
  it('holds every table as JSON without password, PIN or token hashes, and is audited', async () => {
    const before = await tableCounts(store.ctx);
    const reply = await call(store, 'GET', '/api/export', { token: owner });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-disposition')).toMatch(/attachment; filename="?hanger-S001-.*\.json/);
    const tables = reply.body.tables as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(tables)).toEqual(
      expect.arrayContaining(['members', 'staff', 'stock_movements', 'audit_log']),
    );
    expect(Object.keys(tables)).not.toContain('staff_sessions');
    expect(Object.keys(tables)).not.toContain('device_pairings');
    for (const [name, rows] of Object.entries(tables)) {
      for (const row of rows)
        for (const column of Object.keys(row)) expect(`${name}.${column}`).not.toMatch(/hash|secret|token/);
      if (name !== 'audit_log') expect(rows.length, name).toBe(before[name]);
    }
    expect(tables.members?.map((m) => m.id)).toContain(memberId);
    expect(JSON.stringify(reply.body)).not.toMatch(/scrypt|\$[0-9a-f]{32}|hgs_/);
    const audit = await call(store, 'GET', '/api/audit?kind=data.exported', { token: owner });
    expect(audit.body.items[0]).toMatchObject({ kind: 'data.exported', detail: { format: 'json' } });
  });

  it('gives one table as CSV with formula-safe cells; a CSV without a table is a 400', async () => {
    await call(store, 'PATCH', `/api/members/${memberId}`, {
      token: owner,
      body: { notes: '=HYPERLINK("http://evil","点我")' },
    });
    const csv = await call(store, 'GET', '/api/export?format=csv&table=members', { token: owner });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.body).toContain(`"'=HYPERLINK(""http://evil"",""点我"")"`);
    expect(csv.body).not.toMatch(/pin_hash/);
    const staff = await call(store, 'GET', '/api/export?format=csv&table=staff', { token: owner });
    expect(staff.body.split('\n')[0]).not.toMatch(/hash/);
    const missing = await call(store, 'GET', '/api/export?format=csv', { token: owner });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields['query.table']).toMatch(/one of .*members/);
    const secret = await call(store, 'GET', '/api/export?format=csv&table=staff_sessions', { token: owner });
    expect(secret.status).toBe(400);
    const odd = await call(store, 'GET', '/api/export?format=csv&table=../../etc/passwd', { token: owner });
    expect(odd.status).toBe(400);
  });
});
