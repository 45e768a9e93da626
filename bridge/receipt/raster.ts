import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import type { Block } from './blocks.js';
import { textWidth } from './text-width.js';

const ESC = 0x1b;
const GS = 0x1d;

/**
 * The face raster receipts are drawn in: Noto Sans Mono CJK SC has Latin letters exactly half
 * as wide as Chinese ones — the printer's own 12×24 / 24×24 cells — so the text-mode layout
 * (amounts ending at column 32 or 48) holds in the image unchanged.
 */
export const RASTER_FAMILY = 'Noto Sans Mono CJK SC';

/**
 * Where the font is looked for, first found wins: `HANGER_CJK_FONT`, then where Debian/Ubuntu
 * (fonts-noto-cjk), Fedora (google-noto-sans-cjk-fonts) and Arch (noto-fonts-cjk) put it.
 */
export const FONT_SEARCH = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
] as const;

let loaded: string | null = null;

/** The font file to use; throws naming the font and every place looked in when it is missing. */
export function findRasterFont(
  env: NodeJS.ProcessEnv = process.env,
  search: readonly string[] = FONT_SEARCH,
): string {
  const candidates = [env.HANGER_CJK_FONT, ...search].filter((path): path is string => Boolean(path));
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    `raster receipts need the font "${RASTER_FAMILY}" (NotoSansCJK-Regular.ttc; Debian: apt install fonts-noto-cjk); not found in ${candidates.join(', ')} — install it or set HANGER_CJK_FONT to its file`,
  );
}

/** Registers the font once. */
export function loadRasterFont(): string {
  if (loaded) return loaded;
  const found = findRasterFont();
  GlobalFonts.registerFromPath(found);
  // The bold face sits beside the regular one in every package that ships it.
  const bold = found.replace('Regular', 'Bold');
  if (bold !== found && existsSync(bold)) GlobalFonts.registerFromPath(bold);
  loaded = found;
  return found;
}

export type Printed = Extract<Block, { type: 'text' } | { type: 'rule' }>;

/** Rows per GS v 0 command: some printers refuse taller images. */
const BAND_ROWS = 960;

/** A glyph's ink as (row, column) pairs, drawn once per character, size and weight. */
const glyphs = new Map<string, Int16Array>();

function glyph(char: string, size: number, bold: boolean): Int16Array {
  const key = `${bold ? 'b' : 'r'}${size}${char}`;
  const known = glyphs.get(key);
  if (known) return known;
  const width = textWidth(char, 'gb18030') * (size / 2);
  const canvas = createCanvas(Math.max(1, width), size);
  const g = canvas.getContext('2d');
  g.fillStyle = '#000';
  g.textBaseline = 'top';
  g.font = `${bold ? 'bold ' : ''}${size}px "${RASTER_FAMILY}"`;
  g.fillText(char, 0, Math.round(size * 0.04));
  const pixels = canvas.data();
  const ink: number[] = [];
  for (let row = 0; row < size; row++)
    for (let column = 0; column < width; column++)
      // Drawn black on a transparent canvas: the alpha channel is the ink.
      if ((pixels[(row * width + column) * 4 + 3] ?? 0) > 127) ink.push(row, column);
  const drawn = Int16Array.from(ink);
  glyphs.set(key, drawn);
  return drawn;
}

/** A 1-bit image: rows of `bytesPerRow` bytes, the leftmost dot in the high bit. */
export interface Bitmap {
  bits: Buffer;
  width: number;
  height: number;
  bytesPerRow: number;
}

/**
 * Text and rule blocks drawn as a 1-bit image, one line per two cells' height (four for big
 * text), placed by the same column arithmetic as text mode: a cell is dots / columns wide. Each
 * character is drawn once with the canvas and then copied from that cache, which keeps a long
 * receipt to a few milliseconds. Null when there is nothing to draw.
 */
export function drawLines(blocks: readonly Printed[], columns: number, dots: number): Bitmap | null {
  loadRasterFont();
  const cell = Math.floor(dots / columns);
  const heights = blocks.map((block) => (block.type === 'text' && block.big ? cell * 4 : cell * 2));
  const height = heights.reduce((sum, h) => sum + h, 0);
  if (height === 0) return null;
  const bytesPerRow = Math.ceil(dots / 8);
  const image = Buffer.alloc(bytesPerRow * height);
  let y = 0;
  blocks.forEach((block, index) => {
    const size = heights[index] ?? cell * 2;
    const text = block.type === 'rule' ? block.char.repeat(columns) : block.text;
    const bold = block.type === 'text' && Boolean(block.bold);
    const half = size / 2;
    const width = textWidth(text, 'gb18030') * half;
    const align = block.type === 'text' ? (block.align ?? 'left') : 'left';
    let x = Math.max(
      0,
      align === 'center' ? Math.floor((dots - width) / 2) : align === 'right' ? dots - width : 0,
    );
    for (const char of text) {
      const ink = glyph(char, size, bold);
      for (let i = 0; i < ink.length; i += 2) {
        const px = x + (ink[i + 1] ?? 0);
        if (px >= dots) continue;
        const at = (y + (ink[i] ?? 0)) * bytesPerRow + (px >> 3);
        image[at] = (image[at] ?? 0) | (0x80 >> (px & 7));
      }
      x += textWidth(char, 'gb18030') * half;
    }
    y += size;
  });
  return { bits: image, width: dots, height, bytesPerRow };
}

/** Text and rule blocks drawn by `drawLines` and sent as ESC/POS raster images (GS v 0). */
export function rasterLines(blocks: readonly Printed[], columns: number, dots: number): Buffer {
  const drawn = drawLines(blocks, columns, dots);
  if (!drawn) return Buffer.alloc(0);
  const { bits, height, bytesPerRow } = drawn;
  const parts: Buffer[] = [Buffer.from([ESC, 0x61, 0])];
  for (let top = 0; top < height; top += BAND_ROWS) {
    const rows = Math.min(BAND_ROWS, height - top);
    parts.push(
      Buffer.from([GS, 0x76, 0x30, 0, bytesPerRow & 0xff, bytesPerRow >> 8, rows & 0xff, rows >> 8]),
      bits.subarray(top * bytesPerRow, (top + rows) * bytesPerRow),
    );
  }
  return Buffer.concat(parts);
}
