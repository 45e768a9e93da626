import { describe, expect, it } from 'vitest';
import { cashKept, refundAsAsked, refundable, refundByTenders, settle, share } from './tenders.js';

describe('settling a sale', () => {
  it('gives change only out of cash', () => {
    expect(settle(10000, 0, [{ method: 'cash', amount: 12000 }])).toEqual({ paid: 12000, change: 2000 });
    expect(settle(10000, 3000, [{ method: 'wechat', amount: 7000 }])).toEqual({ paid: 10000, change: 0 });
  });

  it('refuses tenders other than cash (with the exchange credit) above the total, and a short payment', () => {
    expect(() => settle(10000, 4000, [{ method: 'card', amount: 7000 }])).toThrow(
      /more than the total 10000/,
    );
    expect(() => settle(10000, 0, [{ method: 'cash', amount: 9999 }])).toThrow(/come to 9999 fen/);
  });

  it('keeps in the drawer the cash less the change it gave', () => {
    expect(cashKept(5000, 2000)).toBe(3000);
    expect(cashKept(1000, 2000)).toBe(0);
  });
});

describe('shares of a line', () => {
  it('add up to the whole when every unit came back, however they were split', () => {
    const parts = [share(1000, 0, 1, 3), share(1000, 1, 1, 3), share(1000, 2, 1, 3)];
    expect(parts).toEqual([333, 333, 334]);
    expect(share(1000, 0, 3, 3)).toBe(1000);
    expect(share(0, 0, 1, 3)).toBe(0);
    expect(share(1000, 0, 1, 0)).toBe(0);
  });
});

describe('the tenders of a refund', () => {
  const payments = [
    { method: 'stored_value', amount: 3000 },
    { method: 'cash', amount: 10000 },
  ];

  it('knows what each tender can still give back: cash less change, less earlier refunds', () => {
    const left = refundable(payments, 1000, [{ method: 'cash', amount: 2000 }]);
    expect(Object.fromEntries(left)).toEqual({ stored_value: 3000, cash: 7000 });
  });

  it('goes back by the last tender paid first, then the earlier ones, and the rest in cash', () => {
    expect(refundByTenders(8000, payments, refundable(payments, 1000, []))).toEqual([
      { method: 'cash', amount: 8000, reference: null },
    ]);
    expect(refundByTenders(11000, payments, refundable(payments, 1000, []))).toEqual([
      { method: 'cash', amount: 9000, reference: null },
      { method: 'stored_value', amount: 2000, reference: null },
    ]);
    const spent = refundable([{ method: 'card', amount: 500 }], 0, []);
    expect(refundByTenders(800, [{ method: 'exchange' }, { method: 'card' }], spent)).toEqual([
      { method: 'card', amount: 500, reference: null },
      { method: 'cash', amount: 300, reference: null },
    ]);
  });

  it('takes the tenders asked for when they add up and none but cash gives back more than it can', () => {
    const left = refundable(payments, 0, []);
    expect(
      refundAsAsked(
        4000,
        [
          { method: 'stored_value', amount: 3000 },
          { method: 'cash', amount: 1000, reference: 'r' },
        ],
        left,
      ),
    ).toEqual([
      { method: 'stored_value', amount: 3000, reference: null },
      { method: 'cash', amount: 1000, reference: 'r' },
    ]);
    expect(left.get('stored_value')).toBe(0);
    expect(() =>
      refundAsAsked(4000, [{ method: 'cash', amount: 3000 }], refundable(payments, 0, [])),
    ).toThrow(/must come to 4000 fen/);
    expect(() =>
      refundAsAsked(4000, [{ method: 'stored_value', amount: 4000 }], refundable(payments, 0, [])),
    ).toThrow(/At most 3000 fen can go back by stored_value/);
    expect(
      refundAsAsked(20000, [{ method: 'cash', amount: 20000 }], refundable(payments, 0, [])),
    ).toHaveLength(1);
  });
});
