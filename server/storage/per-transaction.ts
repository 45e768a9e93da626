import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * What one write transaction has read already and will not change itself (a setting every
 * step of a sale consults): read once per transaction, not once per step. Never kept across
 * transactions — in a chain another store's server may change it between two of ours.
 */
const memos = new WeakMap<Kysely<Database>, Map<string, Promise<unknown>>>();

/** The database each write transaction's handle works on. */
const databases = new WeakMap<Kysely<Database>, object>();

/**
 * Marks `trx` as one write transaction's handle on `database` (`Storage.write` does, for each
 * try).
 */
export function markTransaction(trx: Kysely<Database>, database: object): void {
  memos.set(trx, new Map());
  databases.set(trx, database);
}

/**
 * What stands for the database `db` works on, to key what outlives one transaction: the
 * storage of a write transaction, else `db` itself (a storage's own handle for reads).
 */
export function databaseOf(db: Kysely<Database>): object {
  return databases.get(db) ?? db;
}

/** `load()` once per write transaction under `key`; outside one (plain reads) every time. */
export function oncePerTransaction<T>(db: Kysely<Database>, key: string, load: () => Promise<T>): Promise<T> {
  const memo = memos.get(db);
  if (!memo) return load();
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = load();
    memo.set(key, value);
  }
  return value;
}

/**
 * Puts `value` under `key` for the rest of this write transaction: one statement read what
 * several later steps would each read (a sale's settings, `server/domain/sales/sale-settings.ts`).
 * Only for what the transaction does not write itself. Outside a write transaction: nothing.
 */
export function keepForTransaction(db: Kysely<Database>, key: string, value: Promise<unknown>): void {
  memos.get(db)?.set(key, value);
}

/** What this write transaction read already under `key`, if a step kept it; else undefined. */
export function keptInTransaction<T>(db: Kysely<Database>, key: string): Promise<T> | undefined {
  return memos.get(db)?.get(key) as Promise<T> | undefined;
}
