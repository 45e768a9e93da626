import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { Block } from './blocks.js';
import { barWidthFor, code128, encodeText, qrBitmap, type SingleByteCodePage } from './escpos.js';
import { type Bitmap, drawLines, type Printed } from './raster.js';
import type { Charset } from './text-width.js';

const ESC = 0x1b;
const GS = 0x1d;

/** Star's own command sets: Star Line Mode (TSP650II, TSP700II, SP700) and StarPRNT (TSP100IV, mC-Print). */
export type StarEmulation = 'star-line' | 'star-prnt';

/**
 * Drawer pulses, the same in both command sets. ESC BEL n1 n2 sets external device 1's pulse
 * (n1 × 10 ms on, n2 × 10 ms off: 200/200 ms, Star's own default); FS drives device 1 at once,
 * as it arrives (Star lists FS as the real-time form of BEL), so the drawer opens while the
 * printer is out of paper. Device 2 (pin 5) has no real-time drive: SUB waits in the receive
 * buffer like BEL. ESC GS BEL, which looks alike, rings a buzzer and Star warns it damages a drawer.
 */
export function starDrawerPulse(pin: 2 | 5): Buffer {
  return pin === 2 ? Buffer.from([ESC, 0x07, 20, 20, 0x1c]) : Buffer.from([0x1a]);
}

export interface StarOptions {
  emulation: StarEmulation;
  charset: Charset;
  columns: number;
  /** Printable dots per line: 384 on 58 mm paper, 576 on 80 mm. */
  dots: number;
  qr: 'native' | 'raster' | 'none';
  /** Text and rules drawn as images (printers without Chinese fonts); codes, feed and cut stay commands. */
  raster?: boolean;
  /** The single-byte code page and its number in Star's table (ESC GS t n). */
  codePage?: SingleByteCodePage;
}

/** Star's module widths for Code 128 (ESC b n3 = 1, 2, 3): 2, 3 or 4 dots. */
const STAR_BAR_WIDTHS = { min: 2, max: 4 } as const;

/** A 1-bit image as the RGBA pixels the encoder's image() takes: ink black, the rest white. */
function pixels(image: Bitmap): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(image.width * image.height * 4).fill(255);
  for (let y = 0; y < image.height; y++)
    for (let x = 0; x < image.width; x++) {
      if (((image.bits[y * image.bytesPerRow + (x >> 3)] ?? 0) & (0x80 >> (x & 7))) === 0) continue;
      const at = (y * image.width + x) * 4;
      data[at] = data[at + 1] = data[at + 2] = 0;
    }
  return { width: image.width, height: image.height, data };
}

/**
 * Renders blocks to Star Line Mode or StarPRNT bytes with @point-of-sale/receipt-printer-encoder:
 * its initialise, styles, Code 128, QR, bit images (ESC X, 24-dot bands) and cut. What it does
 * not know is sent raw: the text, already laid out and wrapped here and encoded in GB18030/GBK
 * or the code page; ESC $ 1, the two-byte mode that a Star with a Chinese font reads GB codes in;
 * ESC GS a n (alignment, which the encoder does by padding its own text); ESC FS p (NV logo).
 */
export function encodeStar(blocks: readonly Block[], options: StarOptions): Buffer {
  const encoder = new ReceiptPrinterEncoder({
    language: options.emulation,
    columns: options.columns,
    // The bridge feeds and cuts as the layout says; the encoder adds nothing of its own.
    feedBeforeCut: 0,
  });
  encoder.initialize();
  if (options.codePage) encoder.raw([ESC, GS, 0x74, options.codePage.table]);
  if (options.charset !== 'ascii' && !options.raster) encoder.raw([ESC, 0x24, 1]);
  const align = (where: 'left' | 'center' | 'right') =>
    encoder.raw([ESC, GS, 0x61, where === 'center' ? 1 : where === 'right' ? 2 : 0]);
  const image = (bitmap: Bitmap) => {
    align('center');
    encoder.image(pixels(bitmap), bitmap.width, bitmap.height, 'threshold');
    align('left');
  };
  const drawn: Printed[] = [];
  const flush = () => {
    const bitmap = drawn.length > 0 ? drawLines(drawn.splice(0), options.columns, options.dots) : null;
    if (bitmap) encoder.image(pixels(bitmap), bitmap.width, bitmap.height, 'threshold');
  };
  for (const block of blocks) {
    if (options.raster && (block.type === 'text' || block.type === 'rule')) {
      drawn.push(block);
      continue;
    }
    flush();
    switch (block.type) {
      case 'text': {
        if (block.align && block.align !== 'left') align(block.align);
        if (block.bold) encoder.bold(true);
        if (block.big) encoder.size(2, 2);
        encoder.raw(encodeText(block.text, options.charset, options.codePage)).newline();
        if (block.big) encoder.size(1, 1);
        if (block.bold) encoder.bold(false);
        if (block.align && block.align !== 'left') align('left');
        break;
      }
      case 'rule':
        encoder.raw(Buffer.from(block.char.repeat(options.columns), 'latin1')).newline();
        break;
      case 'barcode': {
        const symbol = code128(block.data);
        const width = barWidthFor(symbol.modules, options.dots, STAR_BAR_WIDTHS);
        // Too long for the paper at the narrowest bars (a long sale number on 58 mm): a QR drawn here.
        if (width === null) image(qrBitmap(block.data, options.dots));
        else {
          align('center');
          encoder.barcode(block.data.replace(/[^\x20-\x7e]/g, ''), 'code128', {
            height: 60,
            width: width - 1,
            text: 'below',
          });
          align('left');
        }
        break;
      }
      case 'qr':
        if (options.qr === 'native') {
          align('center');
          encoder.qrcode(block.data, { model: 2, size: options.dots >= 576 ? 6 : 4, errorlevel: 'm' });
          align('left');
        } else if (options.qr === 'raster') image(qrBitmap(block.data, options.dots));
        break;
      case 'image':
        image({
          bits: block.bits,
          width: block.width,
          height: block.height,
          bytesPerRow: Math.ceil(block.width / 8),
        });
        break;
      case 'logo':
        // ESC FS p n m: the logo registered in the printer under key n, normal size.
        align('center');
        encoder.raw([ESC, 0x1c, 0x70, block.key, 0]).newline();
        align('left');
        break;
      case 'feed':
        encoder.newline(Math.max(1, Math.min(255, block.lines)));
        break;
      case 'cut':
        encoder.cut('partial');
        break;
    }
  }
  flush();
  return Buffer.from(encoder.encode());
}
