import type { ReportColumn, ReportRow } from '../../protocol/reports.js';

export const text = (key: string, label: string): ReportColumn => ({ key, label, kind: 'text' });
export const int = (key: string, label: string): ReportColumn => ({ key, label, kind: 'int' });
export const money = (key: string, label: string): ReportColumn => ({ key, label, kind: 'money' });
export const percent = (key: string, label: string): ReportColumn => ({ key, label, kind: 'percent' });

/** part ÷ whole as a percentage with two decimals; null when the whole is zero. */
export function pct(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part * 10_000) / whole) / 100;
}

/** Sums the given columns over the rows. */
export function sumRows(rows: readonly ReportRow[], keys: readonly string[]): ReportRow {
  const totals: ReportRow = {};
  for (const key of keys) totals[key] = rows.reduce((sum, row) => sum + (Number(row[key]) || 0), 0);
  return totals;
}
