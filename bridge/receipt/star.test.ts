import { describe, expect, it } from 'vitest';
import { upgradeConfig } from '../../server/config/migrations.js';
import type { PrintJob } from '../../server/protocol/printing.js';
import { sampleReceipt } from '../testing/fixtures.js';
import { codePageTable, modelProfile } from './profiles.js';
import { type PrinterProfile, renderJob } from './render.js';
import { starDrawerPulse } from './star.js';
import { etbCounterByte, frameLength, readEtbCounter, takeFrames } from './star-status.js';

const job: PrintJob = {
  jobId: 'job-1',
  terminalId: 't1',
  reprint: false,
  kind: 'receipt',
  document: sampleReceipt(),
  openDrawer: false,
};
const profile = (over: Partial<PrinterProfile>): PrinterProfile => ({
  language: 'escpos',
  emulation: 'star-line',
  paperWidth: 80,
  charset: 'gb18030',
  qr: 'native',
  cut: true,
  label: { widthMm: 40, heightMm: 30, gapMm: 2 },
  ...over,
});

describe("Star's ASB status, as the command specifications lay it out", () => {
  it('reads the length from header 1 and the faults from bytes 3, 4 and 6', () => {
    expect([0x0f, 0x21, 0x23, 0x2f].map(frameLength)).toEqual([7, 8, 9, 15]);
    const ok = Buffer.from([0x23, 0x86, 0, 0, 0, 0, 0, etbCounterByte(5), 0]);
    const paperOut = Buffer.from([0x23, 0x86, 0x08, 0, 0, 0x08, 0, 0, 0]);
    const cover = Buffer.from([0x23, 0x86, 0x28, 0, 0, 0, 0, 0, 0]);
    const cutter = Buffer.from([0x23, 0x86, 0x08, 0x08, 0, 0x04, 0, 0, 0]);
    // Split anywhere, with XON mixed in (serial): frames are read whole, the rest kept for later.
    const stream = Buffer.concat([ok, paperOut, cover, Buffer.from([0x11]), cutter]);
    const first = takeFrames(stream.subarray(0, 13));
    expect(first.frames).toHaveLength(1);
    const { frames, rest } = takeFrames(Buffer.concat([first.rest, stream.subarray(13)]));
    expect(rest).toHaveLength(0);
    expect([first.frames[0], ...frames].map((f) => f?.condition)).toEqual([
      { coverOpen: false, paperOut: false, paperLow: false, error: false },
      { coverOpen: false, paperOut: true, paperLow: false, error: false },
      { coverOpen: true, paperOut: false, paperLow: false, error: false },
      { coverOpen: false, paperOut: false, paperLow: true, error: true },
    ]);
    expect(first.frames[0]?.etb).toBe(5);
  });

  it('keeps the five-bit ETB counter in bits 1–3 and 5–6 of byte 8', () => {
    for (let count = 0; count < 32; count++) {
      const byte = etbCounterByte(count);
      expect(byte & 0x91).toBe(0);
      expect(readEtbCounter(byte)).toBe(count);
    }
  });
});

describe('receipts in Star Line Mode and StarPRNT', () => {
  it('takes the command set, columns and code page numbers from the Star model data', () => {
    expect(modelProfile('star-tsp650ii')).toMatchObject({ emulation: 'star-line', columns: 48, dots: 576 });
    expect(modelProfile('star-tsp100iv').emulation).toBe('star-prnt');
    expect(modelProfile('epson-tm-t88vi').emulation).toBe('escpos');
    // Star's table (ESC GS t n) differs from Epson's (ESC t n) for the same code page.
    expect(codePageTable('star-tsp650ii', 'cp858', 'star-line')).toBe(4);
    expect(codePageTable('epson-tm-t88vi', 'cp858')).toBe(19);
  });

  it('sends Code 128 and QR by Star’s commands, sized to the paper', () => {
    const wide = renderJob(job, profile({})).bytes;
    const barcode = wide.indexOf(Buffer.from([0x1b, 0x62, 0x06, 0x02]));
    expect(barcode).toBeGreaterThan(0);
    // ESC b n1 n2 n3 n4: n3 1–3 is a 2–4 dot module; S001-20261124-0042 (200 modules) fits 576 dots at 2.
    expect(wide[barcode + 4]).toBe(1);
    expect(wide.includes(Buffer.from([0x1b, 0x1d, 0x79, 0x53, 0x32, 6]))).toBe(true);
    expect(wide.includes(Buffer.from([0x1d, 0x6b]))).toBe(false);
    // On 58 mm (384 dots) not even 2-dot bars fit: the number comes as a QR image (ESC X), the QR smaller.
    const narrow = renderJob(job, profile({ paperWidth: 58, dots: 384, columns: 32 })).bytes;
    expect(narrow.includes(Buffer.from([0x1b, 0x62, 0x06]))).toBe(false);
    expect(narrow.includes(Buffer.from([0x1b, 0x58]))).toBe(true);
    expect(narrow.includes(Buffer.from([0x1b, 0x1d, 0x79, 0x53, 0x32, 4]))).toBe(true);
  });

  it('draws the text as bit images (ESC X) for a Star without Chinese fonts', () => {
    const { bytes } = renderJob(job, profile({ mode: 'raster' }));
    expect(bytes.includes(Buffer.from([0x1b, 0x58, 576 & 0xff, 576 >> 8]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x1b, 0x24, 1]))).toBe(false);
    expect(bytes.includes(Buffer.from([0x1d, 0x76, 0x30]))).toBe(false);
  });

  it('opens drawer 1 at once with ESC BEL n1 n2 FS, drawer 2 by SUB', () => {
    expect(starDrawerPulse(2)).toEqual(Buffer.from([0x1b, 0x07, 20, 20, 0x1c]));
    expect(starDrawerPulse(5)).toEqual(Buffer.from([0x1a]));
  });
});

describe('config.json 3 → 4', () => {
  it('keeps a Star printer configured before on ESC/POS, and leaves the rest alone', () => {
    const upgraded = upgradeConfig({
      version: 3,
      bridge: {
        devices: [
          { id: 'p1', kind: 'printer', model: 'star-tsp650ii', mode: 'text' },
          { id: 'p2', kind: 'printer', model: 'epson-tm-t88vi', mode: 'text' },
          { id: 'p3', kind: 'printer', model: 'star-tsp100iv', emulation: 'star-prnt' },
        ],
      },
    });
    expect(upgraded).toMatchObject({
      kind: 'upgraded',
      file: {
        version: 4,
        bridge: {
          devices: [{ id: 'p1', emulation: 'escpos' }, { id: 'p2' }, { id: 'p3', emulation: 'star-prnt' }],
        },
      },
    });
    if (upgraded.kind !== 'upgraded') throw new Error('not upgraded');
    const devices = (upgraded.file.bridge as { devices: Array<Record<string, unknown>> }).devices;
    expect('emulation' in (devices[1] ?? {})).toBe(false);
  });
});
