import { z } from 'zod';

/**
 * The calendar the API takes dates from. Business days before 1970 or after 2999 mean a typo or
 * a probe: year 9999 plus a day is no ISO date, and date arithmetic on it throws.
 */
const FIRST_DAY = '1970-01-01';
const LAST_DAY = '2999-12-31';
const inCalendar = (day: string) => day >= FIRST_DAY && day <= LAST_DAY;

/** A store day, `YYYY-MM-DD`, within the calendar. */
export const storeDay = (message = 'a date, YYYY-MM-DD') =>
  z.iso.date(message).refine(inCalendar, `${message}, from ${FIRST_DAY} to ${LAST_DAY}`);

/** An instant with any offset, within the calendar once in UTC. */
export const instant = () =>
  z.iso.datetime({ offset: true }).refine((value) => {
    // zod runs a refinement even on a string its date-time pattern refused ("[0"): Date cannot
    // read those, and toISOString would throw, a 500 for bad input.
    const at = new Date(value);
    return !Number.isNaN(at.getTime()) && inCalendar(at.toISOString().slice(0, 10));
  }, `a date-time from ${FIRST_DAY} to ${LAST_DAY}`);
