import { tzOffset } from '@date-fns/tz';

/** The last offset worked out: a sale asks the same zone about the same minute several times. */
let last = { timeZone: '', minute: Number.NaN, offset: 0 };

/**
 * `at` as the wall clock shows it in `timeZone`: a Date whose UTC fields (`getUTCFullYear`,
 * `getUTCDay`, `getUTCHours` …) are the local ones. The zone's offset is looked up once per zone
 * and minute — `tzOffset` formats a date with Intl each time, and `TZDate` asks it several
 * times per date — since offsets change only on whole minutes (the last zone whose did not,
 * Africa/Monrovia, left its −0:44:30 in 1972).
 */
export function wallClock(at: Date, timeZone: string): Date {
  const ms = at.getTime();
  const minute = Math.floor(ms / 60_000);
  if (minute !== last.minute || timeZone !== last.timeZone) {
    last = { timeZone, minute, offset: tzOffset(timeZone, at) };
  }
  return new Date(ms + last.offset * 60_000);
}
