import { Worker } from 'node:worker_threads';
import type ExcelJS from 'exceljs';
import { ApiError } from '../errors.js';

/**
 * What the parsing thread may use. A workbook within the guard's limits (xlsx-guard.ts) parses
 * well inside them; one that does not is refused rather than taking the server's memory.
 */
export const XLSX_WORKER_LIMITS = { maxOldGenerationSizeMb: 1024, maxYoungGenerationSizeMb: 64 };

/** A non-empty row of the first worksheet: its line and its cells' values (index 0 = column A). */
export interface XlsxRow {
  line: number;
  cells: ExcelJS.CellValue[];
}

/** The first worksheet's rows, or null when the workbook has no worksheet. */
export type XlsxRows = XlsxRow[] | null;

/** ExcelJS could not open the file: the importer says so in its own words. */
export class UnreadableXlsx extends Error {}

type Answer = { unreadable: string } | { worksheet: boolean; rows: XlsxRow[] };

/**
 * Parses an XLSX that `checkXlsx` has let through on a worker thread with bounded memory, so
 * the event loop keeps answering the tills while a large workbook parses (ExcelJS takes
 * seconds and holds the whole sheet). A thread that runs out of its memory is a 400.
 */
export function parseXlsx(file: Buffer): Promise<XlsxRows> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./xlsx-worker.mjs', import.meta.url), {
      workerData: file,
      resourceLimits: XLSX_WORKER_LIMITS,
    });
    let answered = false;
    worker.once('message', (answer: Answer) => {
      answered = true;
      if ('unreadable' in answer) reject(new UnreadableXlsx(answer.unreadable));
      else resolve(answer.worksheet ? answer.rows : null);
    });
    worker.once('error', (error: Error & { code?: string }) => {
      answered = true;
      reject(
        error.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new ApiError('validation_failed', 'The XLSX file is refused: it is too large to read.', {
              file: 'too large to read',
            })
          : error,
      );
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`the XLSX parse stopped (exit ${code}) without an answer`));
    });
  });
}
