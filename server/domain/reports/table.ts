/** How a column's numbers read: money is integer fen on the wire and yuan in a spreadsheet. */
export type ColumnKind = 'text' | 'int' | 'money' | 'percent';

export interface Column {
  key: string;
  /** The English header of the exported file; the admin page translates by `key`. */
  label: string;
  kind: ColumnKind;
}

export type Cell = string | number | null;
export type Row = Record<string, Cell>;

/** One report: its columns, its rows and, where sums mean something, a totals row. */
export interface Report {
  name: string;
  from: string;
  to: string;
  columns: Column[];
  rows: Row[];
  totals?: Row;
  /** Anything else the report wants to say (e.g. `at` of a liability). */
  meta?: Record<string, Cell>;
}

export const text = (key: string, label: string): Column => ({ key, label, kind: 'text' });
export const int = (key: string, label: string): Column => ({ key, label, kind: 'int' });
export const money = (key: string, label: string): Column => ({ key, label, kind: 'money' });
export const percent = (key: string, label: string): Column => ({ key, label, kind: 'percent' });

/** part ÷ whole as a percentage with two decimals; null when the whole is zero. */
export function pct(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 10_000) / whole) / 100;
}

/** Sums the given columns over the rows. */
export function sumRows(rows: readonly Row[], keys: readonly string[]): Row {
  const totals: Row = {};
  for (const key of keys) totals[key] = rows.reduce((sum, row) => sum + (Number(row[key]) || 0), 0);
  return totals;
}
