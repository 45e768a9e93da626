import { describe, expect, it } from 'vitest';
import { parseZhe, zheInput, zheText } from './zhe.js';

describe('折 as the cashier types it', () => {
  it('takes one digit as tenths: 8 is 8折, 20% off; 8.5 is 85折', () => {
    expect(parseZhe('8')).toEqual({ ok: true, offBp: 2000 });
    expect(parseZhe('8.5')).toEqual({ ok: true, offBp: 1500 });
    expect(parseZhe('9.9')).toEqual({ ok: true, offBp: 100 });
    expect(parseZhe('1')).toEqual({ ok: true, offBp: 9000 });
    expect(parseZhe(' 7折 ')).toEqual({ ok: true, offBp: 3000 });
  });

  it('takes two digits as hundredths: 95 is 95折, 5% off; 88 is 88折', () => {
    expect(parseZhe('95')).toEqual({ ok: true, offBp: 500 });
    expect(parseZhe('88')).toEqual({ ok: true, offBp: 1200 });
    expect(parseZhe('10')).toEqual({ ok: true, offBp: 9000 });
    expect(parseZhe('99')).toEqual({ ok: true, offBp: 100 });
    expect(parseZhe('88.5')).toEqual({ ok: true, offBp: 1150 });
  });

  it('refuses what is no discount, no number or too fine, and says which', () => {
    expect(parseZhe('')).toEqual({ ok: false, reason: 'empty' });
    expect(parseZhe('abc')).toEqual({ ok: false, reason: 'not_a_number' });
    expect(parseZhe('-8')).toEqual({ ok: false, reason: 'not_a_number' });
    expect(parseZhe('0.5')).toEqual({ ok: false, reason: 'out_of_range' });
    expect(parseZhe('100')).toEqual({ ok: false, reason: 'out_of_range' });
    expect(parseZhe('0')).toEqual({ ok: false, reason: 'out_of_range' });
    expect(parseZhe('8.555')).toEqual({ ok: false, reason: 'too_precise' });
  });

  it('shows basis points off as 折 and back into the field the same way', () => {
    expect(zheText(2000)).toBe('8折');
    expect(zheText(1500)).toBe('8.5折');
    expect(zheText(500)).toBe('9.5折');
    for (const typed of ['8', '8.5', '95', '88']) {
      const parsed = parseZhe(typed);
      if (!parsed.ok) throw new Error(typed);
      expect(parseZhe(zheInput(parsed.offBp))).toEqual(parsed);
    }
  });
});
