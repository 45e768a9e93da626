/**
 * A discount as the shop says it: 折, the tenths of the price the customer pays. "9.5折" for
 * 500 bp off, "8折" for 2000. One writing for the receipts the server prints and the screens.
 */
export function zhe(offBp: number): string {
  const tenths = (10000 - offBp) / 1000;
  return `${Number(tenths.toFixed(2))}折`;
}
