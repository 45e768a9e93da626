import { describe, expect, it } from 'vitest';
import { type CartView, pricedLine, type QuoteLine } from './cart.js';

const line = (lineId: string, total: number) => ({ lineId, total }) as QuoteLine;

describe('pricedLine', () => {
  it("finds a cart line's price by its id, whatever the order of the quote's lines", () => {
    // Two lines of one SKU, the second discounted: the quote may list them in any order.
    const quote = { lines: [line('b', 27000), line('a', 30000)] } as CartView['quote'];
    expect(pricedLine(quote, 'a')?.total).toBe(30000);
    expect(pricedLine(quote, 'b')?.total).toBe(27000);
    expect(pricedLine(quote, 'c')).toBeUndefined();
    expect(pricedLine(null, 'a')).toBeUndefined();
  });
});
