import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { PrintJob } from '../../server/protocol/printing.js';
import { sampleReceipt } from '../testing/fixtures.js';
import { money } from './blocks.js';
import { drawerPulse, ESCPOS, encodeText } from './escpos.js';
import { encodeTspl } from './labels.js';
import { encodePole, poleLines } from './pole.js';
import { columnsFor, type PrinterProfile, renderJob } from './render.js';
import { printable, spread, textWidth, wrap } from './text-width.js';

const profile = (over: Partial<PrinterProfile> = {}): PrinterProfile => ({
  language: 'escpos',
  paperWidth: 80,
  charset: 'gb18030',
  qr: 'native',
  cut: true,
  label: { widthMm: 40, heightMm: 30, gapMm: 2 },
  ...over,
});
const receiptJob = (over: Partial<PrintJob> = {}): PrintJob =>
  ({
    jobId: 'job-1',
    terminalId: 't1',
    reprint: false,
    kind: 'receipt',
    document: sampleReceipt(),
    openDrawer: true,
    ...over,
  }) as PrintJob;

describe('text width', () => {
  it('counts Chinese (and anything multi-byte) as two columns on a Chinese printer', () => {
    expect(textWidth('大衣 M', 'gb18030')).toBe(6);
    expect(textWidth('×', 'gbk')).toBe(2);
    expect(textWidth('大衣', 'ascii')).toBe(2);
  });

  it('wraps CJK anywhere and Latin at word boundaries, never past the width', () => {
    const lines = wrap('羊毛混纺大衣 Wool blend overcoat with a very long name indeed', 16, 'gb18030');
    for (const line of lines) expect(textWidth(line, 'gb18030')).toBeLessThanOrEqual(16);
    expect(lines[0]).toBe('羊毛混纺大衣');
    expect(lines.join(' ')).toContain('overcoat');
    expect(wrap('一二三四五六七八九十', 7, 'gb18030')).toEqual(['一二三', '四五六', '七八九', '十']);
  });

  it('spreads a label and an amount over exactly the line', () => {
    const line = spread('合计', '￥957.10', 32, 'gb18030');
    expect(textWidth(line, 'gb18030')).toBe(32);
    expect(line.endsWith('￥957.10')).toBe(true);
  });

  it('prints ¥ safely: full-width ￥ in GB modes, PC437 0x9D on a single-byte printer', () => {
    expect(printable('¥12', 'gbk')).toBe('￥12');
    expect(iconv.encode(printable('¥', 'gbk'), 'gbk')).toEqual(Buffer.from([0xa3, 0xa4]));
    expect(encodeText('¥5 大', 'ascii')).toEqual(Buffer.from([0x9d, 0x35, 0x20, 0x3f]));
  });

  it('formats fen exactly', () => {
    expect([money(0), money(5), money(100710), money(-8990)]).toEqual(['0.00', '0.05', '1007.10', '-89.90']);
  });
});

describe('receipts', () => {
  it('renders an 80 mm receipt: Chinese mode, GB18030 text, barcode, QR and cut, never the drawer', () => {
    const { bytes, text } = renderJob(receiptJob(), profile());
    expect(bytes.subarray(0, 2)).toEqual(ESCPOS.init);
    expect(bytes.includes(ESCPOS.chineseOn)).toBe(true);
    // The drawer opens apart, at once (DLE DC4): a kick inside a held receipt would open it later.
    expect(bytes.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
    expect(bytes.includes(drawerPulse(2))).toBe(false);
    expect(bytes.includes(Buffer.from([0x1d, 0x6b, 73]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x1d, 0x28, 0x6b]))).toBe(true);
    expect(bytes.subarray(-ESCPOS.cut.length)).toEqual(ESCPOS.cut);
    const decoded = iconv.decode(bytes, 'gb18030');
    for (const expected of [
      '衣架服装店',
      '羊毛混纺大衣 Wool Coat',
      '驼色/M',
      '会员9折',
      '满1000减50',
      '￥957.10',
      '现金',
      '找零',
      '42.90',
      '138****8000',
      '+957',
      '谢谢惠顾',
    ]) {
      expect(decoded).toContain(expected);
    }
    for (const line of text.split('\n')) expect(textWidth(line, 'gb18030')).toBeLessThanOrEqual(48);
  });

  it('fits 58 mm paper in 32 columns and marks a reprint without kicking the drawer', () => {
    expect(columnsFor(58)).toBe(32);
    const { bytes, text } = renderJob(receiptJob({ reprint: true }), profile({ paperWidth: 58 }));
    for (const line of text.split('\n'))
      if (!line.includes('✂')) expect(textWidth(line, 'gb18030')).toBeLessThanOrEqual(32);
    expect(text).toContain('重印');
    expect(bytes.includes(Buffer.from([0x1b, 0x70]))).toBe(false);
  });

  it('draws the QR as a raster image for a printer without the QR command', () => {
    const { bytes } = renderJob(receiptJob(), profile({ qr: 'raster' }));
    expect(bytes.includes(Buffer.from([0x1d, 0x76, 0x30, 0x00]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x1d, 0x28, 0x6b]))).toBe(false);
  });

  it('prints English words on a printer without Chinese fonts and leaves Chinese mode off', () => {
    const { bytes, text } = renderJob(receiptJob(), profile({ charset: 'ascii' }));
    expect(bytes.includes(ESCPOS.chineseOff)).toBe(true);
    expect(text).toContain('TOTAL');
    expect(text).toContain('Basic Tee');
    expect([...bytes].some((b) => b >= 0x80 && b !== 0x9d && b !== 0xfa && b !== 0xa0)).toBe(false);
  });
});

describe('pole display and price tags', () => {
  it('lays out 2×20 lines and encodes them for CD5220 and Epson', () => {
    const lines = poleLines({ kind: 'paid', paid: 100000, change: 4290 }, 'ascii');
    expect(lines).toEqual(['PAID         1000.00', 'CHANGE         42.90']);
    const item = poleLines({ kind: 'item', name: '大衣 Coat', price: 89900 }, 'ascii');
    expect(item[0].trim()).toBe('Coat');
    expect(poleLines({ kind: 'total', total: 95710 }, 'gb18030')[0]).toContain('合计');
    const cd5220 = encodePole(lines, 'cd5220', 'ascii');
    expect(cd5220.subarray(0, 3)).toEqual(Buffer.from([0x1b, 0x51, 0x41]));
    expect(cd5220.includes(Buffer.from([0x0d, 0x1b, 0x51, 0x42]))).toBe(true);
    const epson = encodePole(lines, 'epson', 'ascii');
    expect(epson.includes(Buffer.from([0x1f, 0x24, 1, 2]))).toBe(true);
  });

  it('writes TSPL price tags with Chinese text and a CODE128 barcode', () => {
    const bytes = encodeTspl(
      {
        labels: [
          {
            styleCode: 'WC-2026',
            name: '羊毛"大衣"',
            color: '驼色',
            size: 'M',
            barcode: '6901234567892',
            price: 89900,
            copies: 3,
          },
        ],
      },
      { widthMm: 40, heightMm: 30, gapMm: 2 },
    );
    const text = iconv.decode(bytes, 'gb18030');
    expect(text).toContain('SIZE 40 mm,30 mm');
    expect(text).toContain('羊毛\\["]大衣\\["]');
    expect(text).toContain('BARCODE 16,136,"128",56,1,0,2,2,"6901234567892"');
    expect(text).toContain('PRINT 1,3');
    expect(text).toContain('￥899.00');
  });
});
