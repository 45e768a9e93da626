import { TZDate } from '@date-fns/tz';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { storeDay } from '../../dates.js';
import { ApiError } from '../../errors.js';
import { storeDate } from '../loyalty/calendar.js';

const day = storeDay();

/** The longest range one report covers: a little over a year, so a year-on-year view fits. */
export const MAX_DAYS = 400;

export const rangeQuery = z.strictObject({
  /** First store day (YYYY-MM-DD, inclusive); 29 days before `to` unless given. */
  from: day.optional(),
  /** Last store day (inclusive); today in the store's time zone unless given. */
  to: day.optional(),
  format: z.enum(['json', 'csv', 'xlsx']).default('json'),
});

/** A range of store days, inclusive at both ends, with the instants that bound it. */
export interface DayRange {
  from: string;
  to: string;
  /** UTC instant of the start of `from` in the store's zone. */
  startAt: string;
  /** UTC instant of the start of the day after `to`: the range is `[startAt, endAt)`. */
  endAt: string;
}

/** Days between two `YYYY-MM-DD` dates (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Every day of the range, in order. */
export function eachDay(range: { from: string; to: string }): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** ISO weekday of a date: Monday 1 … Sunday 7. */
export function weekday(date: string): number {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow === 0 ? 7 : dow;
}

/** The UTC instant a store day starts. */
export function dayStart(date: string, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(+new TZDate(y, m - 1, d, timeZone)).toISOString();
}

/** The range a query asks for, with defaults, checked: `from` after `to` is a clear 422. */
export function resolveRange(
  ctx: AppContext,
  query: { from?: string | undefined; to?: string | undefined },
): DayRange {
  const to = query.to ?? storeDate(ctx.now(), ctx.store.timeZone);
  const from = query.from ?? addDays(to, -29);
  if (from > to) {
    throw new ApiError('validation_failed', 'The range starts after it ends.', {
      'query.from': `must be on or before ${to}`,
    });
  }
  if (daysBetween(from, to) + 1 > MAX_DAYS) {
    throw new ApiError('validation_failed', `A report covers at most ${MAX_DAYS} days.`, {
      'query.to': `at most ${MAX_DAYS} days after from`,
    });
  }
  return {
    from,
    to,
    startAt: dayStart(from, ctx.store.timeZone),
    endAt: dayStart(addDays(to, 1), ctx.store.timeZone),
  };
}

const hourFormats = new Map<string, Intl.DateTimeFormat>();

/** The store-local hour (0–23) of a UTC instant. */
export function localHour(at: Date, timeZone: string): number {
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone });
    hourFormats.set(timeZone, format);
  }
  return Number(format.format(at));
}
