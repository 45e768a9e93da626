import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import BetterSqlite3 from 'better-sqlite3';

/**
 * An encrypted backup: MAGIC, scrypt salt (16 bytes), GCM nonce (12), the database encrypted
 * with AES-256-GCM, then the GCM tag (16). Anything else is taken to be a plain SQLite file.
 */
const MAGIC = Buffer.from('HANGERBK1\n');
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + SALT_BYTES + IV_BYTES;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

/** Backups are named so that sorting by name sorts by time. */
const NAME = /^hanger-(\d{8}T\d{6}(?:\d{3})?Z)\.db(\.enc)?$/;

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupOptions {
  /** How many backups to keep in the folder; older ones are deleted after a new one is made. */
  keep: number;
  /** Encrypts the backup when given (HANGER_BACKUP_PASSPHRASE). */
  passphrase?: string | undefined;
  now?: () => Date;
}

export interface BackupResult {
  file: string;
  bytes: number;
  encrypted: boolean;
  /** Older backups removed by the rotation. */
  removed: string[];
}

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, SCRYPT, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

const stamp = (at: Date) => at.toISOString().replace(/[-:]/g, '').replace('.', '');

/** The backups in `dir`, oldest first. */
export function listBackups(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => NAME.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Copies the live database into `dir` with SQLite's online backup API (readers and writers
 * carry on meanwhile), encrypts it when a passphrase is given, then keeps only the newest
 * `keep`. The file appears under its final name only when complete.
 */
export async function backupDatabase(
  handle: BetterSqlite3.Database,
  dir: string,
  options: BackupOptions,
): Promise<BackupResult> {
  mkdirSync(dir, { recursive: true });
  const now = options.now ?? (() => new Date());
  const encrypted = Boolean(options.passphrase);
  let name = `hanger-${stamp(now())}.db${encrypted ? '.enc' : ''}`;
  // Two backups within the same millisecond: never overwrite the first.
  for (let n = 1; existsSync(join(dir, name)); n += 1) name = name.replace(/Z\.db/, `${n}Z.db`);
  const file = join(dir, name);
  const plain = join(dir, `.${name}.partial`);
  try {
    await handle.backup(plain);
    if (options.passphrase) {
      const sealed = join(dir, `.${name}.sealing`);
      try {
        await encryptFile(plain, sealed, options.passphrase);
        renameSync(sealed, file);
      } finally {
        rmSync(sealed, { force: true });
      }
    } else {
      renameSync(plain, file);
    }
  } finally {
    rmSync(plain, { force: true });
  }
  const all = listBackups(dir);
  const removed = all.slice(0, Math.max(0, all.length - Math.max(1, options.keep)));
  for (const old of removed) rmSync(old, { force: true });
  return { file, bytes: statSync(file).size, encrypted, removed: removed.map((f) => basename(f)) };
}

async function encryptFile(source: string, target: string, passphrase: string): Promise<void> {
  const salt = randomBytes(SALT_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(passphrase, salt), iv);
  writeFileSync(target, Buffer.concat([MAGIC, salt, iv]), { mode: 0o600 });
  await pipeline(createReadStream(source), cipher, createWriteStream(target, { flags: 'a' }));
  appendFileSync(target, cipher.getAuthTag());
}

/** True when the file starts like an encrypted Hanger backup. */
export function isEncryptedBackup(file: string): boolean {
  const head = Buffer.alloc(MAGIC.length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, MAGIC.length, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(MAGIC);
}

/** Decrypts an encrypted backup into `target`; a wrong passphrase or a damaged file is a BackupError. */
export async function decryptBackup(source: string, target: string, passphrase: string): Promise<void> {
  const size = statSync(source).size;
  if (size < HEADER_BYTES + TAG_BYTES) throw new BackupError(`${source} is too short to be a backup.`);
  const fd = openSync(source, 'r');
  const header = Buffer.alloc(HEADER_BYTES);
  const tag = Buffer.alloc(TAG_BYTES);
  try {
    readSync(fd, header, 0, HEADER_BYTES, 0);
    readSync(fd, tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    closeSync(fd);
  }
  const salt = header.subarray(MAGIC.length, MAGIC.length + SALT_BYTES);
  const iv = header.subarray(MAGIC.length + SALT_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', await deriveKey(passphrase, salt), iv);
  decipher.setAuthTag(tag);
  try {
    await pipeline(
      createReadStream(source, { start: HEADER_BYTES, end: size - TAG_BYTES - 1 }),
      decipher,
      createWriteStream(target, { mode: 0o600 }),
    );
  } catch {
    rmSync(target, { force: true });
    throw new BackupError(
      `${basename(source)} cannot be decrypted: the passphrase is wrong or the file is damaged.`,
    );
  }
}

export interface VerifiedBackup {
  schemaVersion: number;
  tables: number;
}

/**
 * Opens a (decrypted) backup read-only and checks it: a SQLite database, `integrity_check`
 * ok, a Hanger schema no newer than `newestSchema`. Throws a BackupError saying what is wrong.
 */
export function verifyBackup(file: string, newestSchema: number): VerifiedBackup {
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${basename(file)} cannot be opened: ${(error as Error).message}.`);
  }
  try {
    let integrity: string[];
    try {
      integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map(
        (r) => r.integrity_check,
      );
    } catch (error) {
      throw new BackupError(
        `${basename(file)} is not a readable SQLite database: ${(error as Error).message}.`,
      );
    }
    if (integrity.join() !== 'ok') {
      throw new BackupError(`${basename(file)} is damaged: ${integrity.slice(0, 3).join('; ')}.`);
    }
    const hasVersions = db
      .prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'schema_version'")
      .get() as { n: number };
    if (hasVersions.n === 0) throw new BackupError(`${basename(file)} is not a Hanger database.`);
    const { v } = db.prepare('select max(version) as v from schema_version').get() as { v: number | null };
    const schemaVersion = v ?? 0;
    if (schemaVersion < 1) throw new BackupError(`${basename(file)} holds no Hanger schema.`);
    if (schemaVersion > newestSchema) {
      throw new BackupError(
        `${basename(file)} has schema version ${schemaVersion}, newer than this Hanger knows (${newestSchema}).`,
      );
    }
    const { n } = db.prepare("select count(*) as n from sqlite_master where type = 'table'").get() as {
      n: number;
    };
    return { schemaVersion, tables: n };
  } finally {
    db.close();
  }
}

/** When the newest backup in `dir` was made, from its name; null when there is none. */
export function newestBackupAt(dir: string): Date | null {
  const newest = listBackups(dir).at(-1);
  const match = newest ? NAME.exec(basename(newest)) : null;
  if (!match?.[1]) return null;
  const s = match[1];
  return new Date(
    `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`,
  );
}

export interface BackupSchedule {
  dir: string;
  everyHours: number;
  run(): Promise<BackupResult>;
  onResult(result: BackupResult | Error): void;
  now?: () => Date;
  /** How often to look whether a backup is due (10 minutes). */
  checkMs?: number;
  /** When to look first after start (1 s). */
  firstMs?: number;
}

/**
 * Makes a backup whenever the newest one in the folder is older than `everyHours` (so a
 * machine that was off catches up at the next start), looking now and every `checkMs`.
 * Failures go to `onResult`, never thrown. Returns a stop function that waits for a running backup.
 */
export function startBackupSchedule(schedule: BackupSchedule): () => Promise<void> {
  const now = schedule.now ?? (() => new Date());
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy) return;
    const last = newestBackupAt(schedule.dir);
    if (last && now().getTime() - last.getTime() < schedule.everyHours * 3_600_000) return;
    busy = true;
    running = schedule
      .run()
      .then(schedule.onResult, (error: unknown) =>
        schedule.onResult(error instanceof Error ? error : new Error(String(error))),
      )
      .finally(() => {
        busy = false;
      });
  };
  const first = setTimeout(tick, schedule.firstMs ?? 1000);
  const timer = setInterval(tick, schedule.checkMs ?? 600_000);
  first.unref();
  timer.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(timer);
    await running;
  };
}
