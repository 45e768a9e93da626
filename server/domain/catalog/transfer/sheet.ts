import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { ApiError } from '../../../errors.js';
import { readCell } from '../../../http/cells.js';
import { checkXlsx } from '../../../http/xlsx-guard.js';
import { parseXlsx, UnreadableXlsx, type XlsxRows } from '../../../http/xlsx-read.js';

export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Enough for some 200,000 SKU rows of CSV. */
export const UPLOAD_LIMIT_BYTES = 32 * 1024 * 1024;
export const MAX_ROWS = 200_000;

/** A spreadsheet as text: the header row and every non-empty row with its line number. */
export interface Sheet {
  format: 'csv' | 'xlsx';
  headerLine: number;
  header: string[];
  rows: { line: number; cells: string[] }[];
}

const notSpreadsheet = (reason: string) =>
  new ApiError('validation_failed', `The file is not a spreadsheet Hanger can read: ${reason}.`, {
    file: reason,
  });

function isZip(file: Buffer): boolean {
  return file.length >= 4 && file.readUInt32LE(0) === 0x04034b50;
}

/** Reads a CSV (UTF-8, BOM allowed) or XLSX (first worksheet) upload; anything else is a 400. */
export async function readSheet(file: Buffer, contentType: string): Promise<Sheet> {
  if (file.length === 0) throw notSpreadsheet('the file is empty');
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const zip = isZip(file);
  if (type === XLSX_TYPE || (type === 'application/octet-stream' && zip)) {
    if (!zip) throw notSpreadsheet('an XLSX file is a ZIP archive, this is not one');
    return readXlsx(file);
  }
  if (type === CSV_TYPE || type === 'application/octet-stream') {
    if (zip) throw notSpreadsheet('this looks like an XLSX file; send it as XLSX');
    return readCsv(file);
  }
  throw new ApiError(
    'validation_failed',
    `Send a CSV (${CSV_TYPE}) or XLSX (${XLSX_TYPE}) file as the body.`,
    {
      'Content-Type': `not ${CSV_TYPE} or XLSX`,
    },
  );
}

function split(records: { line: number; cells: string[] }[], format: Sheet['format']): Sheet {
  const [first, ...rest] = records;
  if (!first) throw notSpreadsheet('no header row');
  const rows = rest.filter((row) => row.cells.some((cell) => cell.trim() !== ''));
  if (rows.length > MAX_ROWS) {
    throw new ApiError('validation_failed', `At most ${MAX_ROWS} rows per file.`, {
      file: `more than ${MAX_ROWS} rows`,
    });
  }
  return {
    format,
    headerLine: first.line,
    header: first.cells.map((cell) => cell.trim()),
    rows: rows.map((row) => ({ line: row.line, cells: row.cells.map(readCell) })),
  };
}

function readCsv(file: Buffer): Sheet {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    throw notSpreadsheet('the CSV is not UTF-8 text');
  }
  if (text.includes('\u0000')) throw notSpreadsheet('the file holds binary data, not CSV text');
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with where it was read; the typings do not know that.
    records = parse(text, {
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (error) {
    const { message, lines } = error as { message: string; lines?: number };
    throw new ApiError('validation_failed', `The CSV cannot be read: ${message}`, {
      [`line ${lines ?? '?'}`]: message.split(':')[0] ?? message,
    });
  }
  return split(
    records.map(({ record, info }) => ({ line: info.lines, cells: record })),
    'csv',
  );
}

/** A cell's value as the text a person sees; whole-fen amounts lose float noise (19.990000000000002). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    const fen = value * 100;
    return Math.abs(fen - Math.round(fen)) < 1e-6 ? String(Math.round(fen) / 100) : String(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue);
  if ('text' in value) return String(value.text);
  return '';
}

async function readXlsx(file: Buffer): Promise<Sheet> {
  await checkXlsx(file, MAX_ROWS);
  let rows: XlsxRows;
  try {
    rows = await parseXlsx(file);
  } catch (error) {
    if (!(error instanceof UnreadableXlsx)) throw error;
    throw notSpreadsheet(`the XLSX cannot be opened (${error.message.slice(0, 80)})`);
  }
  if (!rows) throw notSpreadsheet('the workbook has no worksheet');
  return split(
    rows.map(({ line, cells }) => ({ line, cells: Array.from(cells, (value) => cellText(value)) })),
    'xlsx',
  );
}
