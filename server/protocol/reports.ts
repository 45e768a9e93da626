/** Reports as the admin page shows them and exports them. Money is integer fen. */

/** How a column's numbers read: money is integer fen on the wire and yuan in a spreadsheet. */
export type ColumnKind = 'text' | 'int' | 'money' | 'percent';

export interface ReportColumn {
  key: string;
  /** The English header of the exported file; the admin page translates by `key`. */
  label: string;
  kind: ColumnKind;
}

export type ReportCell = string | number | null;
export type ReportRow = Record<string, ReportCell>;

/** One report of `GET /api/reports/<name>`: its columns, its rows and, where sums mean something, a totals row. */
export interface Report {
  name: string;
  from: string;
  to: string;
  columns: ReportColumn[];
  rows: ReportRow[];
  totals?: ReportRow;
  /** Anything else the report wants to say (e.g. `at` of a liability). */
  meta?: Record<string, ReportCell>;
}
