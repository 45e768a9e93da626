import iconv from 'iconv-lite';
import type { LabelDocument } from '../../server/protocol/printing.js';
import { type Block, money } from './blocks.js';
import { type Charset, printable, truncate } from './text-width.js';

export interface LabelSize {
  widthMm: number;
  heightMm: number;
  gapMm: number;
}

/** TSPL strings are in double quotes; a quote inside is written \["]. */
function quoted(text: string): string {
  return `"${text.replace(/"/g, '\\["]')}"`;
}

/**
 * Price tags in TSPL for a 203 dpi label printer (8 dots per mm). Text uses the printer's
 * simplified-Chinese font TSS24.BF2, which takes GB codes; the barcode is CODE128.
 */
export function encodeTspl(doc: LabelDocument, size: LabelSize): Buffer {
  const dotsWide = Math.round(size.widthMm * 8);
  const lines = [
    `SIZE ${size.widthMm} mm,${size.heightMm} mm`,
    `GAP ${size.gapMm} mm,0 mm`,
    'DIRECTION 1',
    'CODEPAGE 936',
  ];
  // TSS24.BF2 draws ASCII 12 dots and Chinese 24 dots wide: two columns per Chinese character.
  const columns = Math.floor((dotsWide - 32) / 12);
  for (const label of doc.labels) {
    const name = truncate(printable(label.name, 'gb18030'), columns, 'gb18030');
    const variant = [label.color, label.size].filter(Boolean).join(' / ');
    lines.push('CLS');
    lines.push(`TEXT 16,12,"TSS24.BF2",0,1,1,${quoted(name)}`);
    lines.push(
      `TEXT 16,44,"TSS24.BF2",0,1,1,${quoted(truncate(`${label.styleCode} ${variant}`, columns, 'gb18030'))}`,
    );
    lines.push(`TEXT 16,80,"TSS24.BF2",0,2,2,${quoted(`￥${money(label.price)}`)}`);
    if (label.originalPrice !== undefined && label.originalPrice !== label.price) {
      lines.push(
        `TEXT ${dotsWide - 150},90,"TSS24.BF2",0,1,1,${quoted(`原价${money(label.originalPrice)}`)}`,
      );
    }
    lines.push(`BARCODE 16,136,"128",56,1,0,2,2,${quoted(label.barcode)}`);
    lines.push(`PRINT 1,${label.copies}`);
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'gb18030');
}

/** Price tags on the receipt printer, for a shop without a label printer: one tag, one cut. */
export function layoutLabelsOnReceipt(doc: LabelDocument, columns: number, charset: Charset): Block[] {
  const blocks: Block[] = [];
  for (const label of doc.labels) {
    for (let copy = 0; copy < label.copies; copy++) {
      blocks.push({ type: 'text', text: truncate(label.name, columns, charset), bold: true });
      const variant = [label.styleCode, label.color, label.size].filter(Boolean).join(' ');
      blocks.push({ type: 'text', text: truncate(variant, columns, charset) });
      blocks.push({
        type: 'text',
        text: `${charset === 'ascii' ? '¥' : '￥'}${money(label.price)}`,
        big: true,
      });
      blocks.push({ type: 'barcode', data: label.barcode });
      blocks.push({ type: 'feed', lines: 2 }, { type: 'cut' });
    }
  }
  return blocks;
}
