import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { PrintJob } from '../../server/protocol/printing.js';
import { sampleReceipt } from '../testing/fixtures.js';
import { money } from './blocks.js';
import { drawerPulse, ESCPOS, encodeText } from './escpos.js';
import { encodeTspl, encodeZpl } from './labels.js';
import { encodePole, poleLines } from './pole.js';
import { columnsFor, type PrinterProfile, renderJob } from './render.js';
import { priceTag, textDots } from './tag-layout.js';
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

  it("marks a reprint and a training receipt in the printer's own words, no English on a Chinese printer", () => {
    const training = receiptJob({ reprint: true, document: { ...sampleReceipt(), training: true } });
    const zh = renderJob(training, profile()).text;
    expect(zh).toContain('** 重印 **');
    expect(zh).toContain('** 练习单，不是销售 **');
    expect(zh).not.toMatch(/REPRINT|TRAINING/);
    const en = renderJob(training, profile({ charset: 'ascii' })).text;
    expect(en).toContain('** REPRINT **');
    expect(en).toContain('** TRAINING - NOT A SALE **');
    expect(renderJob(receiptJob(), profile()).text).not.toContain('练习单');
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
    const item = poleLines({ kind: 'item', name: '大衣 Coat', price: 89900, total: 95710 }, 'ascii');
    expect(item).toEqual(['Coat          899.00', 'TOTAL         957.10']);
    // A name with no Latin letters is spelled in pinyin, never "ITEM"; nothing to spell: the style code.
    const chinese = { kind: 'item', name: '羊毛大衣', code: 'WC-2026', price: 89900, total: 89900 } as const;
    expect(poleLines(chinese, 'ascii')[0]).toBe('YangMaoDaYi   899.00');
    expect(poleLines({ ...chinese, name: '★', quantity: 2 }, 'ascii')[0]).toBe('WC-2026     2x899.00');
    expect(poleLines(chinese, 'gb18030')[0]).toBe('羊毛大衣      899.00');
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
    // A valid EAN-13 prints as EAN-13: 12 digits sent, the printer adds the check digit.
    expect(text).toMatch(/BARCODE 65,\d+,"EAN13",\d+,1,0,2,2,"690123456789"/);
    expect(text).toContain('PRINT 1,3');
    expect(text).toContain('￥899.00');
  });

  it('lays a marked-down tag out without overlap, the tag price struck through, in TSPL and ZPL alike', () => {
    const size = { widthMm: 40, heightMm: 30, gapMm: 2 };
    const label = {
      styleCode: 'WC-2026',
      name: '羊毛混纺双面呢大衣 Wool Coat',
      color: '驼色',
      size: 'XL',
      barcode: 'WC2026-CAMEL-XL',
      price: 62930,
      originalPrice: 89900,
      copies: 1,
    };
    const tag = priceTag(label, size);
    const boxes = [
      ...tag.texts.map((t) => ({
        what: t.text,
        x: t.x,
        y: t.y,
        w: textDots(t.text, t.scale),
        h: 24 * t.scale,
      })),
      ...(tag.barcode
        ? [
            {
              what: 'barcode',
              x: tag.barcode.x,
              y: tag.barcode.y,
              w: tag.barcode.width,
              h: tag.barcode.height + 24,
            },
          ]
        : []),
    ];
    for (const box of boxes) {
      expect(box.x >= 0 && box.y >= 0 && box.x + box.w <= tag.width && box.y + box.h <= tag.height).toBe(
        true,
      );
    }
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
        expect(apart, `${a.what} overlaps ${b.what}`).toBe(true);
      }
    }
    // The strike-through runs across the old amount only, through the middle of its line.
    const was = tag.texts.find((t) => t.text.startsWith('原价'));
    const [strike] = tag.bars;
    expect(was?.text).toBe('原价 ￥899.00');
    expect(strike).toEqual({
      x: 16 + textDots('原价 '),
      y: (was?.y ?? 0) + 11,
      width: textDots('￥899.00'),
      height: 2,
    });
    expect(tag.barcode).toMatchObject({ symbology: 'code128', narrow: 1, data: 'WC2026-CAMEL-XL' });

    const tspl = iconv.decode(encodeTspl({ labels: [label] }, size), 'gb18030');
    expect(tspl).toContain(`BAR ${strike?.x},${strike?.y},${strike?.width},2`);
    const zpl = encodeZpl(
      { labels: [{ ...label, barcode: '6901234567892', name: '羊毛^大衣' }] },
      size,
    ).toString('utf8');
    expect(zpl).toMatch(/^\^XA\^PW320\^LL240\^CI28/);
    expect(zpl).toContain('^FH_^FD羊毛_5E大衣^FS');
    expect(zpl).toContain(`^FO${strike?.x},${strike?.y}^GB${strike?.width},2,2^FS`);
    expect(zpl).toMatch(/\^BY2\^BEN,\d+,Y,N\^FH_\^FD690123456789\^FS/);
    expect(zpl.trimEnd().endsWith('^PQ1^XZ')).toBe(true);
  });
});
