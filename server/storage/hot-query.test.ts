import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boot } from '../boot.js';
import type { AppContext } from '../context.js';
import { createLogger } from '../logging.js';
import { databaseEnvFor, dropDatabaseFor } from '../testing/test-database.js';
import { hotQuery } from './hot-query.js';

let dataDir: string;
let ctx: AppContext;
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-hot-query-'));
  const env = { HANGER_OWNER_PASSWORD: 'owner-secret-1', ...(await databaseEnvFor(dataDir)) };
  ({ ctx } = await boot({ dataDir, log: createLogger(undefined, 'silent'), env }));
});
afterEach(async () => {
  await ctx.storage.close();
  await dropDatabaseFor(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('hotQuery', () => {
  it('builds each shape once, then runs it with each call’s values, in write transactions and out', async () => {
    const builds: string[] = [];
    // `series` fixed in the build: it stays what the build made it.
    const count = hotQuery((trx, value) => {
      builds.push('count');
      return trx
        .insertInto('receipt_counters')
        .values({ store_id: value('storeId'), day: value('day'), series: 'training', value: 1 })
        .onConflict((oc) =>
          oc
            .columns(['store_id', 'day', 'series'])
            .doUpdateSet((eb) => ({ value: eb('receipt_counters.value', '+', value('step')) })),
        )
        .returning('value');
    });
    const counters = hotQuery((db, value, shape: 'one day' | 'every day') => {
      builds.push(shape);
      return db
        .selectFrom('receipt_counters')
        .select(['day', 'series', 'value'])
        .where('store_id', '=', value('storeId'))
        .$if(shape === 'one day', (query) => query.where('day', '=', value('day')))
        .orderBy('day');
    });
    const storeId = ctx.store.id;
    const counted: (number | undefined)[] = [];
    for (const [day, step] of [
      ['2026-12-01', 5],
      ['2026-12-01', 5],
      ['2026-12-02', 1],
      ['2026-12-01', 10],
    ] as const) {
      const row = await ctx.storage.write((trx) => count.first(trx, { storeId, day, step }));
      counted.push(row?.value);
    }
    expect(counted).toEqual([1, 6, 1, 16]);

    expect(await counters.all(ctx.storage.db, { storeId, day: '2026-12-02' }, 'one day')).toEqual([
      { day: '2026-12-02', series: 'training', value: 1 },
    ]);
    expect(await counters.all(ctx.storage.db, { storeId, day: '2026-12-01' }, 'one day')).toEqual([
      { day: '2026-12-01', series: 'training', value: 16 },
    ]);
    expect(await counters.all(ctx.storage.db, { storeId }, 'every day')).toEqual([
      { day: '2026-12-01', series: 'training', value: 16 },
      { day: '2026-12-02', series: 'training', value: 1 },
    ]);
    expect(builds).toEqual(['count', 'one day', 'every day']);
  });

  it('builds a bulk statement each time rather than keep it', async () => {
    let builds = 0;
    const addDays = hotQuery((trx, value, days: number) => {
      builds++;
      return trx.insertInto('receipt_counters').values(
        Array.from({ length: days }, (_, i) => ({
          store_id: value('storeId'),
          day: value(`day${i}`),
          series: 'training',
          value: 1,
        })),
      );
    });
    for (const [first, days] of [
      [1000, 200],
      [2000, 200],
      [3000, 2],
      [4000, 2],
    ] as const) {
      const values: Record<string, unknown> = { storeId: ctx.store.id };
      for (let i = 0; i < days; i++) values[`day${i}`] = String(first + i);
      await ctx.storage.write((trx) => addDays.all(trx, values, days));
    }
    const rows = await ctx.storage.db.selectFrom('receipt_counters').select('day').execute();
    expect(rows).toHaveLength(404);
    // 200 rows have 800 parameters, more than a kept query has: built for each run; 2 rows once.
    expect(builds).toBe(3);
  });

  it('refuses to run without a value its query takes, and writes nothing', async () => {
    const add = hotQuery((trx, value) =>
      trx
        .insertInto('receipt_counters')
        .values({ store_id: value('storeId'), day: value('day'), series: 'training', value: 1 }),
    );
    await expect(ctx.storage.write((trx) => add.all(trx, { storeId: ctx.store.id }))).rejects.toThrow(
      'A hot query was run without its value day.',
    );
    const rows = await ctx.storage.db.selectFrom('receipt_counters').selectAll().execute();
    expect(rows).toEqual([]);
  });
});
