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
  /** The units' keys for `allocate` (ties to the lower unit), made when a line of several units first takes. */
  private unitKeys: string[] | undefined;

  constructor(readonly line: CartLine) {
    this.unitPrice = line.priceOverride ?? line.unitPrice;
    this.units = Array.from({ length: line.qty }, () => this.unitPrice);
  }

  get overridden(): boolean {
    return this.line.priceOverride !== undefined;
  }

  get total(): number {
    let sum = 0;
    for (const unit of this.units) sum += unit;
    return sum;
  }

  /** Takes `amount` off this line, spread over its units in proportion, and records why. */
  take(amount: number, discount: Omit<Discount, 'amount'>): void {
    const capped = Math.min(amount, this.total);
    if (capped <= 0) return;
    if (this.units.length === 1) {
      // One unit (most lines) takes it all: what allocating over one weight gives.
      this.units[0] = (this.units[0] ?? 0) - capped;
    } else {
      this.unitKeys ??= this.units.map((_, index) => String(index).padStart(6, '0'));
      const shares = allocate(capped, this.units, this.unitKeys);
      for (const [index, share] of shares.entries()) this.units[index] = (this.units[index] ?? 0) - share;
    }
    this.record(discount, capped);
  }

  /** Takes `amount` off one unit. */
  takeFromUnit(index: number, amount: number, discount: Omit<Discount, 'amount'>): void {
    const capped = Math.min(amount, this.units[index] ?? 0);
    if (capped <= 0) return;
    this.units[index] = (this.units[index] ?? 0) - capped;
    this.record(discount, capped);
  }

  /**
   * Adds `amount` to this line's discount of the same source and ref, or records a new one (its
   * fields written out: a spread of the caller's object was a tenth of a cart's pricing).
   */
  private record(discount: Omit<Discount, 'amount'>, amount: number): void {
    for (const same of this.discounts) {
      if (same.source === discount.source && same.ref === discount.ref) {
        same.amount += amount;
        return;
      }
    }
    this.discounts.push(
      discount.ref === undefined
        ? { source: discount.source, label: discount.label, amount }
        : { source: discount.source, ref: discount.ref, label: discount.label, amount },
    );
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
