import { stringify } from 'csv-stringify/sync';
import type { Response } from 'express';
import { safeCell } from '../../http/cells.js';
import type { Report, ReportCell, ReportColumn, ReportRow } from '../../protocol/reports.js';

export type ReportFormat = 'json' | 'csv' | 'xlsx';

/** A money cell in yuan for a spreadsheet (fen on the wire, yuan where people read it). */
function yuan(fen: ReportCell): ReportCell {
  return typeof fen === 'number' ? fen / 100 : fen;
}

function header(column: ReportColumn): string {
  if (column.kind === 'money') return `${column.label} (yuan)`;
  if (column.kind === 'percent') return `${column.label} (%)`;
  return column.label;
}

/** One row of cells as written to a file: money in yuan, every text neutralised. */
export function exportCells(columns: readonly ReportColumn[], row: ReportRow): ReportCell[] {
  return columns.map((column) => {
    const value = row[column.key] ?? null;
    return column.kind === 'money' ? yuan(value) : (safeCell(value) as ReportCell);
  });
}

function allRows(report: Report): ReportCell[][] {
  const rows = report.rows.map((row) => exportCells(report.columns, row));
  if (report.totals) {
    const first = report.columns[0]?.key ?? '';
    rows.push(exportCells(report.columns, { ...report.totals, [first]: 'Total' }));
  }
  return rows;
}

export function reportCsv(report: Report): string {
  const head = report.columns.map(header);
  return `\uFEFF${stringify([head, ...allRows(report)])}`;
}

export async function reportXlsx(report: Report): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.created = new Date(0);
  const sheet = book.addWorksheet(report.name.slice(0, 31));
  sheet.columns = report.columns.map((column) => ({
    header: header(column),
    key: column.key,
    width: Math.max(10, header(column).length + 2),
    ...(column.kind === 'money' && { style: { numFmt: '#,##0.00' } }),
  }));
  sheet.getRow(1).font = { bold: true };
  for (const cells of allRows(report)) sheet.addRow(cells);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * Answers a report in the asked format: JSON as is, or a file named after the report and its
 * range. The one exporter every report goes through, so every file is neutralised the same way.
 */
export async function sendReport(
  res: Response,
  report: Report,
  format: ReportFormat,
): Promise<Report | undefined> {
  if (format === 'json') return report;
  const name = `hanger-${report.name}-${report.from}-${report.to}.${format}`;
  res.status(200).attachment(name);
  if (format === 'csv') res.type('text/csv; charset=utf-8').send(reportCsv(report));
  else
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(await reportXlsx(report));
  return undefined;
}
