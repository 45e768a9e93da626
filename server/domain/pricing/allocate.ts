/**
 * Splits `amount` fen over `weights` in proportion (largest remainder method): each share is
 * whole fen, the shares add up to `amount` exactly, and leftover fen go to the largest
 * remainders, ties to the lower key — so the result never depends on the order of the input.
 * With `amount` ≤ Σ weights no share exceeds its weight.
 */
export function allocate(amount: number, weights: readonly number[], keys: readonly string[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (amount === 0 || total === 0) return weights.map(() => 0);
  const big = BigInt(amount);
  const bigTotal = BigInt(total);
  const shares = weights.map((weight) => Number((big * BigInt(weight)) / bigTotal));
  const remainders = weights.map((weight, index) => ({
    index,
    remainder: (big * BigInt(weight)) % bigTotal,
    key: keys[index] ?? '',
  }));
  let left = amount - shares.reduce((sum, share) => sum + share, 0);
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
