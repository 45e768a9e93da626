import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { ApiError } from '../../errors.js';
import { readCell } from '../../http/cells.js';
import { checkXlsx } from '../../http/xlsx-guard.js';
import { parseXlsx, UnreadableXlsx, type XlsxRows } from '../../http/xlsx-read.js';
import { decodeText } from './upload.js';

/** The columns an import file may have; each accepts its English or Chinese header. */
export const IMPORT_COLUMNS = {
  phone: ['phone', '手机号', '手机'],
  email: ['email', '邮箱', '电子邮箱'],
  name: ['name', '姓名'],
  gender: ['gender', '性别'],
  birthday: ['birthday', '生日'],
  tier: ['tier', '等级', '会员等级'],
  points: ['points', '积分'],
  principal: ['principal', '储值本金'],
  bonus: ['bonus', '赠送金额'],
  tags: ['tags', '标签'],
  notes: ['notes', '备注'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

export interface RawRow {
  /** The line (CSV) or row (XLSX) number in the file, the header being 1. */
  line: number;
  values: Partial<Record<ImportColumn, string>>;
}

export interface RawFile {
  rows: RawRow[];
  /** Column → the header as written in the file, for the error report. */
  headers: Partial<Record<ImportColumn, string>>;
}

function mapHeaders(headers: string[]): {
  index: Map<number, ImportColumn>;
  names: Partial<Record<ImportColumn, string>>;
} {
  const index = new Map<number, ImportColumn>();
  const names: Partial<Record<ImportColumn, string>> = {};
  headers.forEach((header, i) => {
    const clean = header.trim().toLowerCase();
    for (const [column, aliases] of Object.entries(IMPORT_COLUMNS) as [ImportColumn, readonly string[]][]) {
      if (aliases.includes(clean)) {
        index.set(i, column);
        names[column] = header.trim();
      }
    }
  });
  for (const required of ['phone', 'name'] as const) {
    if (!names[required]) {
      throw new ApiError('validation_failed', `The file has no ${required} column.`, {
        [`header.${required}`]: `missing: one of ${IMPORT_COLUMNS[required].join(', ')}`,
      });
    }
  }
  return { index, names };
}

function readCsv(bytes: Buffer): RawFile {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(decodeText(bytes), {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new ApiError('validation_failed', `The CSV file cannot be read: ${(error as Error).message}`, {
      body: 'unreadable CSV',
    });
  }
  const [header, ...data] = records;
  if (!header) throw new ApiError('validation_failed', 'The file is empty.', { body: 'empty' });
  const { index, names } = mapHeaders(header.record);
  const rows = data.map(({ record, info }) => {
    const values: RawRow['values'] = {};
    record.forEach((cell, i) => {
      const column = index.get(i);
      if (column && cell.trim() !== '') values[column] = readCell(cell.trim());
    });
    return { line: info.lines, values };
  });
  return { rows, headers: names };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    return '';
  }
  return String(value);
}

/** Rows one member import may hold: twice the 100,000 members the upload limit is sized for. */
export const MAX_IMPORT_ROWS = 200_000;

async function readXlsx(bytes: Buffer): Promise<RawFile> {
  await checkXlsx(bytes, MAX_IMPORT_ROWS);
  let sheet: XlsxRows;
  try {
    sheet = await parseXlsx(bytes);
  } catch (error) {
    if (!(error instanceof UnreadableXlsx)) throw error;
    throw new ApiError('validation_failed', 'The XLSX file cannot be read.', { body: 'unreadable XLSX' });
  }
  if (!sheet || sheet.length === 0)
    throw new ApiError('validation_failed', 'The file is empty.', { body: 'empty' });
  const headerCells = sheet.find((row) => row.line === 1)?.cells ?? [];
  const { index, names } = mapHeaders(Array.from(headerCells, (value) => cellText(value)));
  const rows: RawRow[] = [];
  for (const row of sheet) {
    if (row.line === 1) continue;
    const values: RawRow['values'] = {};
    row.cells.forEach((value, column) => {
      const name = index.get(column);
      const text = cellText(value).trim();
      if (name && text !== '') values[name] = readCell(text);
    });
    if (Object.keys(values).length > 0) rows.push({ line: row.line, values });
  }
  return { rows, headers: names };
}

/** Reads an import file: XLSX when it is a zip (starts with PK), CSV otherwise. */
export function readImportFile(bytes: Buffer): Promise<RawFile> {
  if (bytes.length === 0) throw new ApiError('validation_failed', 'The file is empty.', { body: 'empty' });
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  return isZip ? readXlsx(bytes) : Promise.resolve(readCsv(bytes));
}
