// The XLSX parse, on a worker thread of its own (see xlsx-read.ts). Plain JavaScript, so the
// thread starts the same under tsx, the tests and node, with no TypeScript loader of its own.
import { parentPort, workerData } from 'node:worker_threads';
import ExcelJS from 'exceljs';

const workbook = new ExcelJS.Workbook();
let loaded = true;
try {
  await workbook.xlsx.load(workerData);
} catch (error) {
  loaded = false;
  parentPort.postMessage({ unreadable: String(error?.message ?? error) });
}
if (loaded) {
  const sheet = workbook.worksheets[0];
  const rows = [];
  // Each non-empty row of the first worksheet: its line and its cells' values (index 0 = column A).
  sheet?.eachRow({ includeEmpty: false }, (row, line) => {
    rows.push({ line, cells: Array.isArray(row.values) ? row.values.slice(1) : [] });
  });
  parentPort.postMessage({ worksheet: sheet !== undefined, rows });
}
