import { TZDate } from '@date-fns/tz';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallClock } from './wall-clock.js';

const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe', // half an hour of summer time
  'Asia/Kathmandu', // +05:45
  'America/St_Johns', // −03:30, summer time
  'Pacific/Chatham', // +12:45, summer time
  'UTC',
];

/** What `TZDate` (the library the shop's calendar is built on) says the wall clock shows. */
function expected(ms: number, timeZone: string) {
  const local = new TZDate(ms, timeZone);
  return [
    local.getFullYear(),
    local.getMonth(),
    local.getDate(),
    local.getDay(),
    local.getHours(),
    local.getMinutes(),
  ];
}

function fields(ms: number, timeZone: string) {
  const local = wallClock(new Date(ms), timeZone);
  return [
    local.getUTCFullYear(),
    local.getUTCMonth(),
    local.getUTCDate(),
    local.getUTCDay(),
    local.getUTCHours(),
    local.getUTCMinutes(),
  ];
}

describe('the wall clock in a store’s zone', () => {
  it('agrees with TZDate on either side of summer-time changes, second by second', () => {
    // New York springs forward at 07:00 UTC on 2026-03-08 and falls back at 06:00 UTC on 2026-11-01;
    // Lord Howe moves by half an hour at 15:00 UTC on 2026-04-04.
    for (const [iso, zone] of [
      ['2026-03-08T07:00:00Z', 'America/New_York'],
      ['2026-11-01T06:00:00Z', 'America/New_York'],
      ['2026-04-04T15:00:00Z', 'Australia/Lord_Howe'],
      ['2026-03-29T01:00:00Z', 'Europe/London'],
    ] as const) {
      const change = Date.parse(iso);
      for (let ms = change - 120_000; ms <= change + 120_000; ms += 1000) {
        expect(fields(ms, zone), `${new Date(ms).toISOString()} in ${zone}`).toEqual(expected(ms, zone));
      }
    }
  });

  it('agrees with TZDate for any instant and zone, asked in any order', () => {
    const instant = fc.integer({
      min: Date.parse('1972-01-08T00:00:00Z'),
      max: Date.parse('2100-01-01T00:00:00Z'),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(instant, fc.constantFrom(...ZONES)), { minLength: 1, maxLength: 20 }),
        (asks) => {
          for (const [ms, zone] of asks) {
            expect(fields(ms, zone)).toEqual(expected(ms, zone));
            // The same minute again, a few seconds on: the kept offset answers.
            expect(fields(ms + 7000, zone)).toEqual(expected(ms + 7000, zone));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
