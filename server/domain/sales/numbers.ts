import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { hotQuery } from '../../storage/hot-query.js';
import type { Database } from '../../storage/schema.js';
import { storeDate } from '../loyalty/calendar.js';

/**
 * The series a receipt number belongs to; each counts from 1 every day. `offline` is a chain
 * store's sales made from its local copy while head office was out of reach (`…-L0001`): only
 * that store's local copy counts it, and head office keeps the number the sale came with, so
 * it never meets a number head office gave.
 */
export type NumberSeries = 'sale' | 'training' | 'return' | 'offline';

const PREFIX: Record<NumberSeries, string> = { sale: '', training: 'T', return: 'R', offline: 'L' };

/** The store's local calendar day of `at`, `YYYY-MM-DD`: the business day a sale belongs to. */
export function businessDay(ctx: AppContext, at: Date): string {
  return storeDate(at, ctx.store.timeZone);
}

/** Counts one more in a store's (`storeId`) series on a day, answering the count. */
const countOne = hotQuery((trx, value) =>
  trx
    .insertInto('receipt_counters')
    .values({ store_id: value('storeId'), day: value('day'), series: value('series'), value: 1 })
    .onConflict((oc) =>
      oc
        .columns(['store_id', 'day', 'series'])
        .doUpdateSet((eb) => ({ value: eb('receipt_counters.value', '+', 1) })),
    )
    .returning('value'),
);

/**
 * The next receipt number of the day, e.g. `S001-20261124-0001` (training `…-T0001`, returns
 * `…-R0001`). Allocated inside the sale's transaction, so a sale that rolls back gives its
 * number back and the day's numbers have no gaps.
 */
export async function nextNumber(
  trx: Kysely<Database>,
  ctx: AppContext,
  series: NumberSeries,
  day: string,
): Promise<string> {
  const row = await countOne.first(trx, { storeId: ctx.store.id, day, series });
  if (!row) throw new Error('The receipt counter answered no row.');
  return `${ctx.store.code}-${day.replaceAll('-', '')}-${PREFIX[series]}${String(row.value).padStart(4, '0')}`;
}

/**
 * Head office takes an offline sale's number as it was printed, and remembers the highest of
 * the day's offline series: the store's next local copy carries it, so a store whose copy was
 * lost does not count that day's offline receipts from 1 again.
 */
export async function keepOfflineNumber(
  trx: Kysely<Database>,
  ctx: AppContext,
  day: string,
  number: string,
): Promise<void> {
  const value = Number(/-L(\d+)$/.exec(number)?.[1] ?? 0);
  await trx
    .insertInto('receipt_counters')
    .values({ store_id: ctx.store.id, day, series: 'offline', value })
    .onConflict((oc) =>
      oc.columns(['store_id', 'day', 'series']).doUpdateSet({
        // Neither engine's max: SQLite's is max(), PostgreSQL's greatest().
        value: sql<number>`case when receipt_counters.value > excluded.value then receipt_counters.value else excluded.value end`,
      }),
    )
    .execute();
}
