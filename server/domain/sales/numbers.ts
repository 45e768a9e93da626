import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../storage/schema.js';
import { storeDate } from '../loyalty/calendar.js';

/** The series a receipt number belongs to; each counts from 1 every day. */
export type NumberSeries = 'sale' | 'training' | 'return';

const PREFIX: Record<NumberSeries, string> = { sale: '', training: 'T', return: 'R' };

/** The store's local calendar day of `at`, `YYYY-MM-DD`: the business day a sale belongs to. */
export function businessDay(ctx: AppContext, at: Date): string {
  return storeDate(at, ctx.store.timeZone);
}

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
  const row = await trx
    .insertInto('receipt_counters')
    .values({ store_id: ctx.store.id, day, series, value: 1 })
    .onConflict((oc) =>
      oc
        .columns(['store_id', 'day', 'series'])
        .doUpdateSet((eb) => ({ value: eb('receipt_counters.value', '+', 1) })),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return `${ctx.store.code}-${day.replaceAll('-', '')}-${PREFIX[series]}${String(row.value).padStart(4, '0')}`;
}
