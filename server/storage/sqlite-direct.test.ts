import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { append } from './appends.js';
import { openSqlite, type Storage } from './database.js';
import { hotQuery } from './hot-query.js';
import type { Database } from './schema.js';
import { writesDirectly } from './sqlite-direct.js';

/**
 * A SQLite write transaction's hot queries and appends, and hot reads on a database read apart,
 * run on their connection without Kysely's executor (`sqlite-direct.ts`): with Kysely's results,
 * and only where no turn is skipped.
 */
let dir: string;
let storage: Storage;

// A table of the schema with no foreign keys: a receipt counter per store, day and series.
const bump = hotQuery((db, value) =>
  db
    .insertInto('receipt_counters')
    .values({ store_id: value('storeId'), day: value('day'), series: 'sale', value: 1 })
    .onConflict((oc) =>
      oc
        .columns(['store_id', 'day', 'series'])
        .doUpdateSet((eb) => ({ value: eb('receipt_counters.value', '+', 1) })),
    )
    .returning('value'),
);
const counter = hotQuery((db, value) =>
  db
    .selectFrom('receipt_counters')
    .select('value')
    .where('store_id', '=', value('storeId'))
    .where('day', '=', value('day')),
);
const setCounter = hotQuery((db, value) =>
  db
    .updateTable('receipt_counters')
    .set({ value: value('value') })
    .where('store_id', '=', value('storeId')),
);
const counterOf = async (db: Kysely<Database>, day: string) =>
  (await counter.first(db, { storeId: 's1', day }))?.value ?? null;

async function open(file: string): Promise<void> {
  storage = openSqlite(file);
  (storage.sqlite as BetterSqlite3.Database).exec(
    'create table receipt_counters (store_id text, day text, series text, value integer not null, primary key (store_id, day, series))',
  );
}

/** A write transaction that has counted a sale on 2026-12-07 and waits, uncommitted, for `release`. */
async function countedAndHeld(): Promise<{ release: () => void; selling: Promise<void> }> {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let counted = () => {};
  const held = new Promise<void>((resolve) => {
    counted = resolve;
  });
  const selling = storage.write(async (trx) => {
    await bump.first(trx, { storeId: 's1', day: '2026-12-07' });
    counted();
    await gate;
  });
  await held;
  return { release, selling };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hanger-direct-'));
});
afterEach(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('statements run directly on SQLite', () => {
  it('runs a write transaction’s hot queries and appends on its connection, with the rows Kysely gives', async () => {
    await open(join(dir, 'shop.db'));
    let kept: Kysely<Database> | null = null;
    const values = await storage.write(async (trx) => {
      kept = trx;
      const viaKysely = vi.spyOn(trx, 'executeQuery');
      const first = await bump.first(trx, { storeId: 's1', day: '2026-12-07' });
      const second = await bump.first(trx, { storeId: 's1', day: '2026-12-07' });
      await append(trx, 'receipt_counters', [
        { store_id: 's1', day: '2026-12-08', series: 'sale', value: 7 },
        { store_id: 's1', day: '2026-12-09', series: 'sale', value: 9 },
      ]);
      const read = await counterOf(trx, '2026-12-08');
      expect(viaKysely).not.toHaveBeenCalled();
      return [first?.value, second?.value, read];
    });
    expect(values).toEqual([1, 2, 7]);
    expect(await counterOf(storage.db, '2026-12-09')).toBe(9);
    // Its transaction over, a kept `trx` goes through Kysely again.
    expect(writesDirectly(kept as unknown as Kysely<Database>)).toBe(false);
  });

  it('rolls back what a failed action ran directly, and reports its error', async () => {
    await open(join(dir, 'shop.db'));
    await expect(
      storage.write(async (trx) => {
        await bump.first(trx, { storeId: 's1', day: '2026-12-07' });
        await append(trx, 'receipt_counters', {
          store_id: 's1',
          day: '2026-12-07',
          series: 'sale',
          value: 3,
        });
      }),
    ).rejects.toThrow(/UNIQUE constraint failed: receipt_counters/);
    expect(await counterOf(storage.db, '2026-12-07')).toBeNull();
  });

  it('reads apart directly, never what a transaction has not committed; writes still go to the writer', async () => {
    await open(join(dir, 'shop.db'));
    const viaKysely = vi.spyOn(storage.db, 'executeQuery');
    const { release, selling } = await countedAndHeld();
    expect(await counterOf(storage.db, '2026-12-07')).toBeNull();
    expect(viaKysely).not.toHaveBeenCalled();
    release();
    await selling;
    expect(await counterOf(storage.db, '2026-12-07')).toBe(1);
    // An update asked of the reads' database is not a read: it goes through Kysely to the writer.
    await setCounter.all(storage.db, { storeId: 's1', value: 5 });
    expect(viaKysely).toHaveBeenCalledTimes(1);
    expect(await counterOf(storage.db, '2026-12-07')).toBe(5);
  });

  it('takes its turn on a database in memory, whose reads and writes share one connection', async () => {
    await open(':memory:');
    const viaKysely = vi.spyOn(storage.db, 'executeQuery');
    const { release, selling } = await countedAndHeld();
    // The read waits for the transaction holding the one connection, then sees what it committed.
    let answered = false;
    const reading = counterOf(storage.db, '2026-12-07').then((value) => {
      answered = true;
      return value;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    release();
    await selling;
    expect(await reading).toBe(1);
    expect(viaKysely).toHaveBeenCalledTimes(1);
  });
});
