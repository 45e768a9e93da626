import type { Discount } from '../../protocol/quote.js';
import { allocate } from './allocate.js';
import type { CartLine } from './types.js';

/** A line while the engine prices it: running amount per unit, discounts so far. */
export class WorkLine {
  readonly unitPrice: number;
  /** What each unit still costs; line stages work per unit (第二件半价 takes one unit off). */
  readonly units: number[];
  readonly discounts: Discount[] = [];
  memberPriced = false;
  /** A promotion that does not stack with the tier discount touched this line. */
  blocksTier = false;

  constructor(readonly line: CartLine) {
    this.unitPrice = line.priceOverride ?? line.unitPrice;
    this.units = Array.from({ length: line.qty }, () => this.unitPrice);
  }

  get overridden(): boolean {
    return this.line.priceOverride !== undefined;
  }

  get total(): number {
    return this.units.reduce((sum, unit) => sum + unit, 0);
  }

  /** Takes `amount` off this line, spread over its units in proportion, and records why. */
  take(amount: number, discount: Omit<Discount, 'amount'>): void {
    const capped = Math.min(amount, this.total);
    if (capped <= 0) return;
    const keys = this.units.map((_, index) => String(index).padStart(6, '0'));
    const shares = allocate(capped, this.units, keys);
    shares.forEach((share, index) => {
      this.units[index] = (this.units[index] ?? 0) - share;
    });
    this.record({ ...discount, amount: capped });
  }

  /** Takes `amount` off one unit. */
  takeFromUnit(index: number, amount: number, discount: Omit<Discount, 'amount'>): void {
    const capped = Math.min(amount, this.units[index] ?? 0);
    if (capped <= 0) return;
    this.units[index] = (this.units[index] ?? 0) - capped;
    this.record({ ...discount, amount: capped });
  }

  private record(discount: Discount): void {
    const same = this.discounts.find((d) => d.source === discount.source && d.ref === discount.ref);
    if (same) same.amount += discount.amount;
    else this.discounts.push(discount);
  }
}

/** Spreads an order-level amount over lines by their running totals (largest remainder). */
export function spread(
  lines: readonly WorkLine[],
  amount: number,
  discount: Omit<Discount, 'amount'>,
): number {
  const weights = lines.map((line) => line.total);
  const available = weights.reduce((sum, weight) => sum + weight, 0);
  const capped = Math.min(amount, available);
  const shares = allocate(
    capped,
    weights,
    lines.map((line) => line.line.lineId),
  );
  lines.forEach((line, index) => {
    line.take(shares[index] ?? 0, discount);
  });
  return capped;
}
