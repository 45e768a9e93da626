import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cashKept,
  MAX_CHANGE,
  refundAsAsked,
  refundByTenders,
  refundedBy,
  settle,
  share,
  tendersPaid,
} from './tenders.js';

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

  it('refuses change of a ¥100 note or more: the payment was over-tendered', () => {
    expect(settle(10000, 0, [{ method: 'cash', amount: 10000 + MAX_CHANGE }]).change).toBe(9999);
    expect(() => settle(10000, 0, [{ method: 'cash', amount: 20000 }])).toThrow(/without a ¥100 note/);
    expect(() => settle(1, 0, [{ method: 'cash', amount: 1_000_000_000 }])).toThrow(/over-tendered|¥100/);
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

  it('knows what each tender paid in: cash less the change, not the exchange credit', () => {
    expect(Object.fromEntries(tendersPaid([{ method: 'exchange', amount: 500 }, ...payments], 1000))).toEqual(
      {
        stored_value: 3000,
        cash: 9000,
      },
    );
    expect(Object.fromEntries(refundedBy([...payments, { method: 'cash', amount: 1 }]))).toEqual({
      stored_value: 3000,
      cash: 10001,
    });
  });

  it('by default gives each tender its share of what it paid; the odd fen to the tender furthest below its share', () => {
    const paid = tendersPaid(payments, 1000);
    expect(refundByTenders(6000, paid, new Map())).toEqual({
      refunds: [
        { method: 'stored_value', amount: 1500, reference: null },
        { method: 'cash', amount: 4500, reference: null },
      ],
      beyond: [],
      beyondTenders: 0,
    });
    // 1 fen: stored value's exact share is 0.25, cash's 0.75 — cash is further below.
    expect(refundByTenders(1, paid, new Map()).refunds).toEqual([
      { method: 'cash', amount: 1, reference: null },
    ]);
    // Equal shares: the tie goes in the order paid.
    const even = tendersPaid(
      [
        { method: 'card', amount: 500 },
        { method: 'wechat', amount: 500 },
      ],
      0,
    );
    expect(refundByTenders(1, even, new Map()).refunds).toEqual([
      { method: 'card', amount: 1, reference: null },
    ]);
    // One fen at a time never lets the first tender run ahead: 3 + 1 + 3 + 6 fen, 1 fen back three times.
    const four = tendersPaid(
      [
        { method: 'wechat', amount: 3 },
        { method: 'cash', amount: 1 },
        { method: 'card', amount: 3 },
        { method: 'alipay', amount: 6 },
      ],
      0,
    );
    const back = new Map<string, number>();
    for (let i = 0; i < 3; i++)
      for (const r of refundByTenders(1, four, back).refunds)
        back.set(r.method, (back.get(r.method) ?? 0) + r.amount);
    expect(Object.fromEntries(back)).toEqual({ alipay: 1, wechat: 1, card: 1 });
    // After an asked-for refund all in cash, the rest goes where the money is left.
    expect(refundByTenders(4000, paid, new Map([['cash', 8000]])).refunds).toEqual([
      { method: 'stored_value', amount: 3000, reference: null },
      { method: 'cash', amount: 1000, reference: null },
    ]);
  });

  it('gives what no tender has left (an exchange credit paid for it) in cash beyond the tenders', () => {
    const paid = tendersPaid(
      [
        { method: 'exchange', amount: 500 },
        { method: 'card', amount: 500 },
      ],
      0,
    );
    expect(refundByTenders(800, paid, new Map())).toEqual({
      refunds: [
        { method: 'card', amount: 500, reference: null },
        { method: 'cash', amount: 300, reference: null },
      ],
      beyond: [{ method: 'cash', amount: 300 }],
      beyondTenders: 300,
    });
  });

  it('takes the tenders asked for when they add up; what a tender gives back beyond what it paid is the exception', () => {
    const paid = tendersPaid(payments, 0);
    expect(
      refundAsAsked(
        4000,
        [
          { method: 'stored_value', amount: 3000 },
          { method: 'cash', amount: 1000, reference: 'r' },
        ],
        paid,
        new Map(),
      ),
    ).toEqual({
      refunds: [
        { method: 'stored_value', amount: 3000, reference: null },
        { method: 'cash', amount: 1000, reference: 'r' },
      ],
      beyond: [],
      beyondTenders: 0,
    });
    expect(() => refundAsAsked(4000, [{ method: 'cash', amount: 3000 }], paid, new Map())).toThrow(
      /must come to 4000 fen/,
    );
    // Any tender, not only cash: more stored value than it paid, a card that paid nothing.
    expect(refundAsAsked(4000, [{ method: 'stored_value', amount: 4000 }], paid, new Map())).toMatchObject({
      beyond: [{ method: 'stored_value', amount: 1000 }],
      beyondTenders: 1000,
    });
    expect(refundAsAsked(100, [{ method: 'card', amount: 100 }], paid, new Map())).toMatchObject({
      beyond: [{ method: 'card', amount: 100 }],
      beyondTenders: 100,
    });
    expect(refundAsAsked(13000, [{ method: 'cash', amount: 13000 }], paid, new Map()).beyondTenders).toBe(
      3000,
    );
    expect(
      refundAsAsked(
        2000,
        [
          { method: 'cash', amount: 1000 },
          { method: 'cash', amount: 1000 },
        ],
        paid,
        new Map([['cash', 9000]]),
      ).beyondTenders,
    ).toBe(1000);
  });

  it('never gives a tender more than it paid over any sequence of partial returns (property)', () => {
    const method = fc.constantFrom('cash', 'card', 'wechat', 'alipay', 'stored_value');
    fc.assert(
      fc.property(
        fc.array(fc.record({ method, amount: fc.integer({ min: 1, max: 50000 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 0, max: 9999 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }),
        (payments, changeWanted, parts) => {
          const cashIn = payments.filter((p) => p.method === 'cash').reduce((s, p) => s + p.amount, 0);
          const change = Math.min(changeWanted, cashIn);
          const paid = tendersPaid(payments, change);
          const total = [...paid.values()].reduce((s, n) => s + n, 0);
          // The returns split the total in the given proportions, the last taking the rest.
          const weight = parts.reduce((s, n) => s + n, 0);
          const done = new Map<string, number>();
          let given = 0;
          let sofar = 0;
          for (const part of parts) {
            sofar += part;
            const amount = Math.floor((total * sofar) / weight) - given;
            given += amount;
            const plan = refundByTenders(amount, paid, done);
            expect(plan.beyondTenders).toBe(0);
            expect(plan.refunds.reduce((s, r) => s + r.amount, 0)).toBe(amount);
            for (const r of plan.refunds) {
              expect(r.amount).toBeGreaterThan(0);
              done.set(r.method, (done.get(r.method) ?? 0) + r.amount);
              expect(done.get(r.method)).toBeLessThanOrEqual(paid.get(r.method) ?? 0);
            }
            // Proportional: each tender within a fen of its exact share of all refunded so far.
            for (const [m, p] of paid) {
              if (total > 0)
                expect(Math.abs((done.get(m) ?? 0) - (p * given) / total)).toBeLessThanOrEqual(1);
            }
          }
          // All back: every tender got back exactly what it paid.
          for (const [m, p] of paid) expect(done.get(m) ?? 0).toBe(Math.max(0, p));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
