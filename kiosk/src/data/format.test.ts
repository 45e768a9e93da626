import { afterEach, describe, expect, it } from 'vitest';
import { date, dateTime, storeZone, useStoreZone } from './format.js';

describe("dates in the store's time zone", () => {
  afterEach(() => useStoreZone('Asia/Shanghai'));

  it('shows times in Shanghai until the server names another zone, then in that one', () => {
    const evening = '2026-11-24T15:30:00.000Z';
    expect(storeZone()).toBe('Asia/Shanghai');
    expect(dateTime(evening)).toContain('23:30');
    expect(date(evening)).toContain('24');

    useStoreZone('Asia/Urumqi');
    expect(storeZone()).toBe('Asia/Urumqi');
    expect(dateTime(evening)).toContain('21:30');

    useStoreZone('America/Bogota');
    expect(dateTime(evening)).toContain('10:30');
  });

  it('keeps the zone it has when the name is not a time zone', () => {
    useStoreZone('Asia/Urumqi');
    useStoreZone('Mars/Olympus_Mons');
    expect(storeZone()).toBe('Asia/Urumqi');
  });
});
