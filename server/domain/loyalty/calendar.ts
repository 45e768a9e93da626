import { TZDate } from '@date-fns/tz';
import { addDays, addMonths, startOfDay } from 'date-fns';
import { wallClock } from '../../wall-clock.js';
import type { ExpiryPolicy } from './settings.js';

/** `at` as a wall-clock date in the store's time zone. */
export function inStoreZone(at: Date, timeZone: string): TZDate {
  return new TZDate(at.getTime(), timeZone);
}

/** The store's calendar date of `at` as `YYYY-MM-DD`. */
export function storeDate(at: Date, timeZone: string): string {
  const local = wallClock(at, timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

/** The first instant after the store's calendar day `day` (a wall-clock date in the store's zone). */
function endOfStoreDay(day: TZDate): Date {
  return new Date(startOfDay(addDays(day, 1)).getTime());
}

/**
 * When points earned at `earnedAt` expire: the instant they stop counting. With `months`,
 * they are good through the same calendar date N months later; with a clearing date
 * (积分清零) through that date of the year `yearsAfter` after the year they were earned.
 */
export function expiryFor(earnedAt: Date, policy: ExpiryPolicy, timeZone: string): Date {
  // It depends only on the store's date of `earnedAt` (the end of a store day is compared with
  // it): a sale's points and those of the next sales that day share one working-out.
  const rule =
    policy.mode === 'months' ? `${policy.months}` : `${policy.month}-${policy.day}+${policy.yearsAfter}`;
  const key = `${timeZone}|${storeDate(earnedAt, timeZone)}|${rule}`;
  if (key !== lastExpiry.key) lastExpiry = { key, at: workOutExpiry(earnedAt, policy, timeZone).getTime() };
  return new Date(lastExpiry.at);
}

let lastExpiry = { key: '', at: 0 };

function workOutExpiry(earnedAt: Date, policy: ExpiryPolicy, timeZone: string): Date {
  const local = inStoreZone(earnedAt, timeZone);
  if (policy.mode === 'months') return endOfStoreDay(addMonths(local, policy.months));
  let year = local.getFullYear() + policy.yearsAfter;
  let clearing = endOfStoreDay(new TZDate(year, policy.month - 1, policy.day, timeZone));
  if (clearing.getTime() <= earnedAt.getTime()) {
    year += 1;
    clearing = endOfStoreDay(new TZDate(year, policy.month - 1, policy.day, timeZone));
  }
  return clearing;
}

/** Is `at` a member day (e.g. every Wednesday) in the store's zone? Weekdays: 0 Sunday … 6 Saturday. */
export function isMemberDay(at: Date, weekdays: readonly number[], timeZone: string): boolean {
  return weekdays.includes(wallClock(at, timeZone).getUTCDay());
}

/** Is `at` in the member's birthday month, in the store's zone? */
export function isBirthdayMonth(at: Date, birthMonth: number | null, timeZone: string): boolean {
  return birthMonth !== null && wallClock(at, timeZone).getUTCMonth() + 1 === birthMonth;
}

/** The first instant of the store's calendar day `days` days after `at`'s day (a coupon's "N days"). */
export function storeDaysLater(at: Date, days: number, timeZone: string): Date {
  return endOfStoreDay(addDays(inStoreZone(at, timeZone), days - 1));
}
