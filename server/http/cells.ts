/**
 * Spreadsheet formula injection: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return may run as a formula when the export is opened in Excel or WPS. Every
 * export writes its cells through `safeCell`, which puts a `'` in front of such text
 * (plain numbers like `-3` or `+5.5` stay numbers); imports read cells through `readCell`,
 * which takes that `'` away again, so an export still imports back unchanged.
 */
const RISKY = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

export function safeCell<T>(value: T): T | string {
  if (typeof value !== 'string' || !RISKY.test(value) || PLAIN_NUMBER.test(value)) return value;
  return `'${value}`;
}

/** `safeCell` over a whole row. */
export function safeRow(row: readonly unknown[]): unknown[] {
  return row.map(safeCell);
}

/** Undoes `safeCell` on a cell read from an import. */
export function readCell(text: string): string {
  return text.startsWith("'") && RISKY.test(text.slice(1)) && !PLAIN_NUMBER.test(text.slice(1))
    ? text.slice(1)
    : text;
}
