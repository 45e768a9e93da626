import iconv from 'iconv-lite';
import QRCode from 'qrcode';
import type { Block } from './blocks.js';
import { type Bitmap, rasterLines } from './raster.js';
import type { Charset } from './text-width.js';
import { printable } from './text-width.js';

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const EOT = 0x04;

/** ESC/POS commands the bridge sends; named so tests and readers can find them in the bytes. */
export const ESCPOS = {
  init: Buffer.from([ESC, 0x40]),
  /** Code page PC437 and the USA character set, so 0x5C is a backslash and 0x9D is ¥. */
  singleByte: Buffer.from([ESC, 0x74, 0x00, ESC, 0x52, 0x00]),
  chineseOn: Buffer.from([FS, 0x26]),
  chineseOff: Buffer.from([FS, 0x2e]),
  /** Feed to the cutter and cut partially (GS V 66 0). */
  cut: Buffer.from([GS, 0x56, 0x42, 0x00]),
  /** DLE EOT 2: offline cause (cover open, error); DLE EOT 4: paper sensors. */
  statusOffline: Buffer.from([DLE, EOT, 0x02]),
  statusPaper: Buffer.from([DLE, EOT, 0x04]),
} as const;

/**
 * DLE DC4 1 m t: pulse the drawer kick-out connector (pin 2 or 5) for 200 ms. A real-time
 * command, so the printer acts on it at once — while offline, out of paper or with the cover
 * open — where ESC p would wait in the receive buffer behind whatever cannot print.
 */
export function drawerPulse(pin: 2 | 5): Buffer {
  return Buffer.from([DLE, 0x14, 0x01, pin === 2 ? 0 : 1, 2]);
}

export interface EscPosOptions {
  charset: Charset;
  columns: number;
  /** Printable dots per line: 384 on 58 mm paper, 576 on 80 mm. */
  dots: number;
  qr: 'native' | 'raster' | 'none';
  /** Text and rules drawn as images (printers without Chinese fonts); codes, feed and cut stay commands. */
  raster?: boolean;
  /**
   * The single-byte code page, as the printer model's data numbers it (ESC t n): the ascii
   * charset's text is encoded in it. Left out: table 0, PC437.
   */
  codePage?: SingleByteCodePage;
}

/** A code page by iconv's name, and the table number n its printer selects it by with ESC t n. */
export interface SingleByteCodePage {
  encoding: string;
  table: number;
}

/** ESC t n (the code page) and ESC R 0 (the USA character set, so 0x5C is a backslash). */
function selectCodePage(codePage: SingleByteCodePage | undefined): Buffer {
  return codePage ? Buffer.from([ESC, 0x74, codePage.table, ESC, 0x52, 0x00]) : ESCPOS.singleByte;
}

export function encodeText(text: string, charset: Charset, codePage?: SingleByteCodePage): Buffer {
  const safe = printable(text, charset);
  if (charset !== 'ascii') return iconv.encode(safe, charset);
  if (codePage) return iconv.encode(safe, codePage.encoding);
  const bytes = Buffer.alloc(safe.length);
  let n = 0;
  for (const char of safe) bytes[n++] = char === '¥' ? 0x9d : (char.codePointAt(0) ?? 0x3f) & 0x7f;
  return bytes.subarray(0, n);
}

/** Renders blocks to ESC/POS bytes. */
export function encodeEscPos(blocks: readonly Block[], options: EscPosOptions): Buffer {
  const parts: Buffer[] = [ESCPOS.init, selectCodePage(options.codePage)];
  parts.push(options.charset === 'ascii' || options.raster ? ESCPOS.chineseOff : ESCPOS.chineseOn);
  const drawn: Array<Extract<Block, { type: 'text' } | { type: 'rule' }>> = [];
  const flush = () => {
    if (drawn.length > 0) parts.push(rasterLines(drawn.splice(0), options.columns, options.dots));
  };
  for (const block of blocks) {
    if (options.raster && (block.type === 'text' || block.type === 'rule')) {
      drawn.push(block);
      continue;
    }
    flush();
    switch (block.type) {
      case 'text': {
        const align = block.align === 'center' ? 1 : block.align === 'right' ? 2 : 0;
        if (align) parts.push(Buffer.from([ESC, 0x61, align]));
        if (block.bold) parts.push(Buffer.from([ESC, 0x45, 1]));
        // GS ! sizes ASCII and Chinese characters alike.
        if (block.big) parts.push(Buffer.from([GS, 0x21, 0x11]));
        parts.push(encodeText(block.text, options.charset, options.codePage), Buffer.from([0x0a]));
        if (block.big) parts.push(Buffer.from([GS, 0x21, 0x00]));
        if (block.bold) parts.push(Buffer.from([ESC, 0x45, 0]));
        if (align) parts.push(Buffer.from([ESC, 0x61, 0]));
        break;
      }
      case 'rule':
        parts.push(Buffer.from(`${block.char.repeat(options.columns)}\n`, 'latin1'));
        break;
      case 'barcode':
        parts.push(barcode128(block.data, options.dots));
        break;
      case 'qr':
        if (options.qr === 'native') parts.push(qrNative(block.data, options.dots));
        else if (options.qr === 'raster') parts.push(qrRaster(block.data, options.dots));
        break;
      case 'image':
        parts.push(rasterImage(block.bits, block.width, block.height));
        break;
      case 'logo':
        // FS p n 0: the NV bit image stored under key n, normal size.
        parts.push(Buffer.from([ESC, 0x61, 1, FS, 0x70, block.key, 0, 0x0a, ESC, 0x61, 0]));
        break;
      case 'feed':
        parts.push(Buffer.from([ESC, 0x64, Math.min(255, block.lines)]));
        break;
      case 'cut':
        parts.push(ESCPOS.cut);
        break;
    }
  }
  flush();
  return Buffer.concat(parts);
}

/** Narrowest and widest module width (GS w) ESC/POS printers accept. */
const BAR_WIDTHS = { min: 2, max: 6 } as const;
/** Code 128 wants 10 modules of white on each side. */
const QUIET_MODULES = 20;

/**
 * Code 128 data for GS k 73: code set C (two digits a symbol) for runs of four digits or more,
 * code set B for the rest, which keeps a sale number like S001-20261124-0007 short. Returns the
 * bytes after `n` and the symbol's width in modules (start, symbols, check, stop).
 */
export function code128(data: string): { bytes: Buffer; modules: number } {
  const text = data.replace(/[^\x20-\x7e]/g, '');
  const out: number[] = [];
  let symbols = 0;
  let set: 'B' | 'C' | null = null;
  const use = (next: 'B' | 'C') => {
    if (set === next) return;
    out.push(0x7b, next.charCodeAt(0));
    // The start code counts with the start/check/stop below; a later switch is a symbol.
    if (set !== null) symbols++;
    set = next;
  };
  for (let i = 0; i < text.length; ) {
    const run = /^\d+/.exec(text.slice(i))?.[0].length ?? 0;
    if (run >= 4) {
      use('C');
      const even = run - (run % 2);
      for (let k = 0; k < even; k += 2) {
        out.push(Number(text.slice(i + k, i + k + 2)));
        symbols++;
      }
      i += even;
      continue;
    }
    use('B');
    const char = text.charCodeAt(i);
    // "{" starts a code set change in GS k data; a literal one is sent twice.
    if (char === 0x7b) out.push(0x7b);
    out.push(char);
    symbols++;
    i++;
  }
  return { bytes: Buffer.from(out), modules: (symbols + 2) * 11 + 13 };
}

/**
 * The widest module width in dots (GS w 2–6, or the range a Star printer offers) at which the
 * symbol and its quiet zones fit the paper's dots; null when even the narrowest does not fit.
 */
export function barWidthFor(
  modules: number,
  dots: number,
  widths: { min: number; max: number } = BAR_WIDTHS,
): number | null {
  const width = Math.min(widths.max, Math.floor(dots / (modules + QUIET_MODULES)));
  return width >= widths.min ? width : null;
}

/**
 * CODE128 centred with the number printed below, bars as wide as the paper allows. A code too
 * long for the paper at the narrowest width (a long sale number on 58 mm) comes out as a QR
 * code instead, drawn here so that every printer can print it.
 */
function barcode128(data: string, dots: number): Buffer {
  const symbol = code128(data);
  const width = barWidthFor(symbol.modules, dots);
  if (width === null) return qrRaster(data, dots);
  return Buffer.concat([
    Buffer.from([ESC, 0x61, 1, GS, 0x68, 60, GS, 0x77, width, GS, 0x48, 2, GS, 0x66, 0]),
    Buffer.from([GS, 0x6b, 73, symbol.bytes.length]),
    symbol.bytes,
    Buffer.from([0x0a, ESC, 0x61, 0]),
  ]);
}

/** QR by the printer's own GS ( k commands: model 2, level M. */
function qrNative(data: string, dots: number): Buffer {
  const bytes = Buffer.from(data, 'utf8');
  const store = bytes.length + 3;
  return Buffer.concat([
    Buffer.from([ESC, 0x61, 1]),
    Buffer.from([GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0]),
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, dots >= 576 ? 6 : 4]),
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, 0x31]),
    Buffer.from([GS, 0x28, 0x6b, store & 0xff, store >> 8, 0x31, 0x50, 0x30]),
    bytes,
    Buffer.from([GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30]),
    Buffer.from([0x0a, ESC, 0x61, 0]),
  ]);
}

/** A 1-bit image (rows of width / 8 bytes, the leftmost dot in the high bit), centred, by GS v 0. */
function rasterImage(bits: Buffer, width: number, height: number): Buffer {
  const bytesPerRow = Math.ceil(width / 8);
  return Buffer.concat([
    Buffer.from([ESC, 0x61, 1]),
    Buffer.from([GS, 0x76, 0x30, 0, bytesPerRow & 0xff, bytesPerRow >> 8, height & 0xff, height >> 8]),
    bits.subarray(0, bytesPerRow * height),
    Buffer.from([0x0a, ESC, 0x61, 0]),
  ]);
}

/** A QR code drawn here as a 1-bit square image (level M, quiet zone, scaled to the paper). */
export function qrBitmap(data: string, dots: number): Bitmap {
  const qr = QRCode.create(data, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  const quiet = 4;
  const scale = Math.max(2, Math.min(8, Math.floor(Math.min(dots, 320) / (size + quiet * 2))));
  const side = (size + quiet * 2) * scale;
  const bytesPerRow = Math.ceil(side / 8);
  const image = Buffer.alloc(bytesPerRow * side);
  for (let y = 0; y < side; y++) {
    const row = Math.floor(y / scale) - quiet;
    if (row < 0 || row >= size) continue;
    for (let x = 0; x < side; x++) {
      const column = Math.floor(x / scale) - quiet;
      if (column < 0 || column >= size || !qr.modules.get(row, column)) continue;
      const index = y * bytesPerRow + (x >> 3);
      image[index] = (image[index] ?? 0) | (0x80 >> (x & 7));
    }
  }
  return { bits: image, width: side, height: side, bytesPerRow };
}

/** QR drawn here and sent as a raster image (GS v 0), for printers without the QR command. */
export function qrRaster(data: string, dots: number): Buffer {
  const { bits, height, bytesPerRow } = qrBitmap(data, dots);
  return Buffer.concat([
    Buffer.from([ESC, 0x61, 1]),
    Buffer.from([GS, 0x76, 0x30, 0, bytesPerRow & 0xff, bytesPerRow >> 8, height & 0xff, height >> 8]),
    bits,
    Buffer.from([0x0a, ESC, 0x61, 0]),
  ]);
}

/** What the printer said about itself in answer to DLE EOT 2 and DLE EOT 4. */
export interface PrinterCondition {
  coverOpen: boolean;
  paperOut: boolean;
  paperLow: boolean;
  error: boolean;
}

/** A DLE EOT answer has bits 1 and 4 set and bits 0 and 7 clear. */
export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

export function readCondition(offlineCause: number, paperSensor: number): PrinterCondition {
  return {
    coverOpen: (offlineCause & 0x04) !== 0,
    error: (offlineCause & 0x40) !== 0,
    paperOut: (offlineCause & 0x20) !== 0 || (paperSensor & 0x60) !== 0,
    paperLow: (paperSensor & 0x0c) !== 0,
  };
}
