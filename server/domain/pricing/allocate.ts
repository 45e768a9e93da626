/**
 * Splits `amount` fen over `weights` in proportion (largest remainder method): each share is
 * whole fen, the shares add up to `amount` exactly, and leftover fen go to the largest
 * remainders, ties to the lower key — so the result never depends on the order of the input.
 * With `amount` ≤ Σ weights no share exceeds its weight.
 */
export function allocate(amount: number, weights: readonly number[], keys: readonly string[]): number[] {
  let total = 0;
  let largest = 0;
  for (const weight of weights) {
    total += weight;
    if (weight > largest) largest = weight;
  }
  if (amount === 0 || total === 0) return weights.map(() => 0);
  // In doubles while every product, and a share × total one off it, stays below 2⁵³ (exact) —
  // a cart's fen always do; past that, BigInt.
  const exact = amount * largest + total <= Number.MAX_SAFE_INTEGER;
  const shares: number[] = [];
  const remainders: { index: number; remainder: number | bigint; key: string }[] = [];
  let left = amount;
  for (const [index, weight] of weights.entries()) {
    let share: number;
    let remainder: number | bigint;
    if (exact) {
      const product = amount * weight;
      share = Math.floor(product / total);
      remainder = product - share * total;
      // The quotient of two doubles is rounded: it may land one off the whole one.
      if (remainder < 0) {
        share -= 1;
        remainder += total;
      } else if (remainder >= total) {
        share += 1;
        remainder -= total;
      }
    } else {
      const product = BigInt(amount) * BigInt(weight);
      share = Number(product / BigInt(total));
      remainder = product % BigInt(total);
    }
    shares.push(share);
    left -= share;
    remainders.push({ index, remainder, key: keys[index] ?? '' });
  }
  if (left === 0) return shares;
  remainders.sort((a, b) =>
    a.remainder === b.remainder ? a.key.localeCompare(b.key) : a.remainder > b.remainder ? -1 : 1,
  );
  for (const { index } of remainders) {
    if (left === 0) break;
    if (shares[index] === undefined || (weights[index] ?? 0) === 0) continue;
    shares[index] += 1;
    left -= 1;
  }
  return shares;
}

/** `amount × offBp / 10000`, rounded half up to the fen. */
export function percentOf(amount: number, offBp: number): number {
  return Number((BigInt(amount) * BigInt(offBp) + 5000n) / 10000n);
}
