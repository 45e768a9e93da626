import { promisify } from 'node:util';
import { inflateRaw } from 'node:zlib';
import { ApiError } from '../errors.js';

const inflate = promisify(inflateRaw);

/** What an XLSX upload may unpack to: far more than a 200,000-row sheet, far less than a bomb. */
export const XLSX_LIMITS = {
  /** Bytes of all its parts together, unpacked. */
  unpackedBytes: 96 * 1024 * 1024,
  /** Parts in the archive (a workbook has a dozen or two). */
  entries: 1000,
} as const;

const refused = (reason: string) =>
  new ApiError('validation_failed', `The XLSX file is refused: ${reason}.`, { file: reason });

interface Entry {
  name: string;
  method: number;
  compressedSize: number;
  localOffset: number;
}

/**
 * Unpacks an XLSX (a ZIP archive) under a budget before any spreadsheet parser sees it: a
 * small file that inflates to gigabytes (a zip bomb) or holds more rows than `maxRows` is
 * refused with a 400 naming the file. The sizes the archive declares are not trusted: each
 * part is inflated (on zlib's thread pool, so the server keeps answering) with a hard cap.
 */
export async function checkXlsx(file: Buffer, maxRows: number): Promise<void> {
  let budget = XLSX_LIMITS.unpackedBytes;
  let rows = 0;
  for (const entry of entries(file)) {
    const data = dataOf(file, entry);
    let unpacked: Buffer;
    if (entry.method === 0) unpacked = data;
    else if (entry.method === 8) {
      try {
        unpacked = await inflate(data, { maxOutputLength: budget + 1 });
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
        throw refused(`the part ${entry.name} cannot be unpacked`);
      }
    } else
      throw refused(`the part ${entry.name} is packed in a way XLSX files are not (method ${entry.method})`);
    budget -= unpacked.length;
    if (budget < 0) throw tooLarge();
    if (/^xl\/worksheets\/[^/]+\.xml$/.test(entry.name)) {
      rows += unpacked.toString('latin1').match(/<row[\s>]/g)?.length ?? 0;
      // The header row is not one of the rows counted by the importers.
      if (rows > maxRows + 1) throw refused(`more than ${maxRows} rows`);
    }
  }
}

function tooLarge(): ApiError {
  return refused(`it unpacks to more than ${XLSX_LIMITS.unpackedBytes / 1024 / 1024} MB`);
}

/** The parts listed in the archive's central directory. */
function entries(file: Buffer): Entry[] {
  const end = endOfDirectory(file);
  const count = file.readUInt16LE(end + 10);
  let at = file.readUInt32LE(end + 16);
  if (count > XLSX_LIMITS.entries) throw refused(`more than ${XLSX_LIMITS.entries} parts`);
  const found: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > file.length || file.readUInt32LE(at) !== 0x02014b50)
      throw refused('its ZIP directory is damaged');
    const nameLength = file.readUInt16LE(at + 28);
    const compressedSize = file.readUInt32LE(at + 20);
    const localOffset = file.readUInt32LE(at + 42);
    if (compressedSize === 0xffffffff || localOffset === 0xffffffff)
      throw refused('ZIP64 archives are not read');
    found.push({
      name: file.toString('utf8', at + 46, at + 46 + nameLength),
      method: file.readUInt16LE(at + 10),
      compressedSize,
      localOffset,
    });
    at += 46 + nameLength + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
  }
  return found;
}

function endOfDirectory(file: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65,535.
  for (let at = file.length - 22; at >= Math.max(0, file.length - 22 - 65_535); at--) {
    if (file.readUInt32LE(at) === 0x06054b50) return at;
  }
  throw refused('it is not a complete ZIP archive');
}

function dataOf(file: Buffer, entry: Entry): Buffer {
  const at = entry.localOffset;
  if (at + 30 > file.length || file.readUInt32LE(at) !== 0x04034b50)
    throw refused('its ZIP directory is damaged');
  const start = at + 30 + file.readUInt16LE(at + 26) + file.readUInt16LE(at + 28);
  if (start + entry.compressedSize > file.length) throw refused('it is cut short');
  return file.subarray(start, start + entry.compressedSize);
}
