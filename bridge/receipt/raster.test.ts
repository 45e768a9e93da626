import { describe, expect, it } from 'vitest';
import type { PrintJob } from '../../server/protocol/printing.js';
import { sampleReceipt } from '../testing/fixtures.js';
import type { Block } from './blocks.js';
import { ESCPOS, encodeText } from './escpos.js';
import { layoutReceipt } from './layout.js';
import { findRasterFont, RASTER_FAMILY } from './raster.js';
import { type PrinterProfile, renderJob } from './render.js';

const profile = (over: Partial<PrinterProfile> = {}): PrinterProfile => ({
  language: 'escpos',
  paperWidth: 80,
  charset: 'ascii',
  qr: 'native',
  cut: true,
  label: { widthMm: 40, heightMm: 30, gapMm: 2 },
  mode: 'raster',
  ...over,
});
const job: PrintJob = {
  jobId: 'job-1',
  terminalId: 't1',
  reprint: false,
  kind: 'receipt',
  document: sampleReceipt(),
  openDrawer: false,
};

/** The GS v 0 images in the bytes: bytes per row, rows, and the rows' bits. */
function images(bytes: Buffer): Array<{ bytesPerRow: number; rows: number; bits: Buffer }> {
  const found = [];
  const mark = Buffer.from([0x1d, 0x76, 0x30, 0x00]);
  for (let i = bytes.indexOf(mark); i >= 0; i = bytes.indexOf(mark, i + 1)) {
    const bytesPerRow = (bytes[i + 4] ?? 0) + (bytes[i + 5] ?? 0) * 256;
    const rows = (bytes[i + 6] ?? 0) + (bytes[i + 7] ?? 0) * 256;
    found.push({ bytesPerRow, rows, bits: bytes.subarray(i + 8, i + 8 + bytesPerRow * rows) });
    i += 8 + bytesPerRow * rows - 1;
  }
  return found;
}

describe('raster receipts for printers without Chinese fonts', () => {
  it('draws every text line as an image as wide as the paper, and keeps codes, cut and Chinese mode off', () => {
    const { bytes, text } = renderJob(job, profile());
    // The words are Chinese (drawn by the bridge), not the English a font-less text printer gets.
    expect(text).toContain('合计');
    expect(bytes.includes(encodeText('羊毛混纺大衣', 'gb18030'))).toBe(false);
    expect(bytes.includes(ESCPOS.chineseOn)).toBe(false);
    expect(bytes.includes(Buffer.from([0x1d, 0x6b, 73]))).toBe(true);
    expect(bytes.subarray(-ESCPOS.cut.length)).toEqual(ESCPOS.cut);

    const drawn = images(bytes).filter((image) => image.bytesPerRow === 72);
    const lines = layoutReceipt(job.kind === 'receipt' ? job.document : sampleReceipt(), {
      columns: 48,
      charset: 'gb18030',
      qr: true,
      cut: true,
    }).filter((b): b is Extract<Block, { type: 'text' | 'rule' }> => b.type === 'text' || b.type === 'rule');
    const expectedRows = lines.reduce((sum, b) => sum + (b.type === 'text' && b.big ? 96 : 48), 0) / 2;
    expect(drawn.reduce((sum, image) => sum + image.rows, 0)).toBe(expectedRows);
    // Ink on the page, and the right margin of a right-aligned amount is used: the layout holds.
    const ink = drawn.reduce((sum, image) => sum + image.bits.filter((b) => b !== 0).length, 0);
    expect(ink).toBeGreaterThan(1000);
  });

  it('fits 58 mm: 48-byte rows (384 dots)', () => {
    const drawn = images(renderJob(job, profile({ paperWidth: 58 })).bytes);
    expect(drawn.length).toBeGreaterThan(0);
    expect(drawn.filter((image) => image.bytesPerRow !== 48 && image.rows > 300)).toEqual([]);
  });

  it('names the missing font and where it looked', () => {
    expect(() => findRasterFont({}, ['/nowhere/NotoSansCJK-Regular.ttc'])).toThrow(
      new RegExp(`${RASTER_FAMILY}.*fonts-noto-cjk.*/nowhere/NotoSansCJK-Regular.ttc.*HANGER_CJK_FONT`),
    );
    expect(findRasterFont({ HANGER_CJK_FONT: '/etc/hostname' }, [])).toBe('/etc/hostname');
  });
});
