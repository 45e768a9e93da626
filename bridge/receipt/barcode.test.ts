import { describe, expect, it } from 'vitest';
import type { PrintJob } from '../../server/protocol/printing.js';
import { sampleReceipt } from '../testing/fixtures.js';
import { code128 } from './escpos.js';
import { type PrinterProfile, renderJob } from './render.js';

const profile = (paperWidth: 58 | 80): PrinterProfile => ({
  language: 'escpos',
  paperWidth,
  charset: 'gb18030',
  qr: 'none',
  cut: true,
  label: { widthMm: 40, heightMm: 30, gapMm: 2 },
});
const job = (saleNumber: string): PrintJob => ({
  jobId: 'job-1',
  terminalId: 't1',
  reprint: false,
  kind: 'receipt',
  document: sampleReceipt({ saleNumber, qr: false }),
  openDrawer: false,
});

/** Every GS w n in the bytes, with the data length of the GS k 73 that follows it. */
function barcodes(bytes: Buffer): Array<{ width: number; data: Buffer }> {
  const found: Array<{ width: number; data: Buffer }> = [];
  for (
    let i = bytes.indexOf(Buffer.from([0x1d, 0x77]));
    i >= 0;
    i = bytes.indexOf(Buffer.from([0x1d, 0x77]), i + 1)
  ) {
    const k = bytes.indexOf(Buffer.from([0x1d, 0x6b, 73]), i);
    const n = bytes[k + 3] ?? 0;
    found.push({ width: bytes[i + 2] ?? 0, data: bytes.subarray(k + 4, k + 4 + n) });
  }
  return found;
}

describe('receipt barcodes sized to the paper', () => {
  it('packs digit runs in code set C', () => {
    const { bytes, modules } = code128('S1-20261124');
    expect(bytes).toEqual(Buffer.from([0x7b, 0x42, 0x53, 0x31, 0x2d, 0x7b, 0x43, 20, 26, 11, 24]));
    // start, S 1 -, switch, 4 pairs, check = 10 symbols of 11 modules, and the 13-module stop.
    expect(modules).toBe(10 * 11 + 13);
  });

  it('uses module widths 2 to 6 and keeps the symbol inside 384 dots on 58 mm and 576 on 80 mm', () => {
    for (const [paper, dots] of [
      [58, 384],
      [80, 576],
    ] as const) {
      for (const number of ['S1-20261124', 'S001-20261124-0007']) {
        const { bytes } = renderJob(job(number), profile(paper));
        for (const { width, data } of barcodes(bytes)) {
          expect(width).toBeGreaterThanOrEqual(2);
          expect(width).toBeLessThanOrEqual(6);
          const { bytes: expected, modules } = code128(number);
          expect(data).toEqual(expected);
          expect({ paper, number, dots: (modules + 20) * width <= dots }).toEqual({
            paper,
            number,
            dots: true,
          });
        }
      }
    }
    expect(barcodes(renderJob(job('S1-20261124'), profile(58)).bytes)).toEqual([
      { width: 2, data: code128('S1-20261124').bytes },
    ]);
  });

  it('prints a sale number too long for 58 mm as a QR image rather than a cut-off barcode', () => {
    const { bytes } = renderJob(job('S001-20261124-0007'), profile(58));
    expect(barcodes(bytes)).toEqual([]);
    expect(bytes.includes(Buffer.from([0x1d, 0x76, 0x30, 0x00]))).toBe(true);
    expect(barcodes(renderJob(job('S001-20261124-0007'), profile(80)).bytes)).toHaveLength(1);
  });
});
