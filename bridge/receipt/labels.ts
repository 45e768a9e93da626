import iconv from 'iconv-lite';
import type { LabelDocument } from '../../server/protocol/printing.js';
import { type Block, money } from './blocks.js';
import { certificateTag, type LabelSize, priceTag, type Symbology, type TagLayout } from './tag-layout.js';
import { type Charset, truncate } from './text-width.js';

export type { LabelSize } from './tag-layout.js';

/** TSPL strings are in double quotes; a quote inside is written \["]. */
function quoted(text: string): string {
  return `"${text.replace(/"/g, '\\["]')}"`;
}

const TSPL_BARCODE: Record<Symbology, string> = {
  ean13: 'EAN13',
  ean8: 'EAN8',
  upca: 'UPCA',
  code128: '128',
};

function tsplTag(tag: TagLayout, copies: number): string[] {
  const lines = ['CLS'];
  for (const text of tag.texts) {
    lines.push(`TEXT ${text.x},${text.y},"TSS24.BF2",0,${text.scale},${text.scale},${quoted(text.text)}`);
  }
  for (const bar of tag.bars) lines.push(`BAR ${bar.x},${bar.y},${bar.width},${bar.height}`);
  const code = tag.barcode;
  if (code) {
    lines.push(
      `BARCODE ${code.x},${code.y},"${TSPL_BARCODE[code.symbology]}",${code.height},1,0,${code.narrow},${code.narrow},${quoted(code.data)}`,
    );
  }
  lines.push(`PRINT 1,${copies}`);
  return lines;
}

/**
 * Price tags in TSPL for a 203 dpi label printer. Text uses the printer's simplified-Chinese
 * font TSS24.BF2, which takes GB codes; EAN-13/EAN-8/UPC-A codes print as such, others as
 * Code 128. A style with 合格证 fields gets its certificate tag after each price tag.
 */
export function encodeTspl(doc: LabelDocument, size: LabelSize): Buffer {
  const lines = [
    `SIZE ${size.widthMm} mm,${size.heightMm} mm`,
    `GAP ${size.gapMm} mm,0 mm`,
    'DIRECTION 1',
    'CODEPAGE 936',
  ];
  for (const label of doc.labels) {
    lines.push(...tsplTag(priceTag(label, size), label.copies));
    const certificate = certificateTag(label, size);
    if (certificate) lines.push(...tsplTag(certificate, label.copies));
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'gb18030');
}

/** ZPL field data in UTF-8 (^CI28), ^ ~ and _ written as hex escapes (^FH). */
function field(text: string): string {
  return `^FH_^FD${text.replace(/[_^~]/g, (c) => `_${c.charCodeAt(0).toString(16).toUpperCase()}`)}^FS`;
}

/**
 * The font a Zebra printer draws Chinese with: SimSun, loaded onto the printer's E: drive
 * (Zebra's own fonts have no CJK glyphs).
 */
export const ZPL_CJK_FONT = 'E:SIMSUN.TTF';

function zplTag(tag: TagLayout, copies: number): string {
  const parts = [`^XA^PW${tag.width}^LL${tag.height}^CI28^CW1,${ZPL_CJK_FONT}`];
  for (const text of tag.texts) {
    const dots = 24 * text.scale;
    parts.push(`^FO${text.x},${text.y}^A1N,${dots},${dots}${field(text.text)}`);
  }
  for (const bar of tag.bars)
    parts.push(`^FO${bar.x},${bar.y}^GB${bar.width},${bar.height},${bar.height}^FS`);
  const code = tag.barcode;
  if (code) {
    const symbol =
      code.symbology === 'ean13'
        ? `^BEN,${code.height},Y,N`
        : code.symbology === 'ean8'
          ? `^B8N,${code.height},Y,N`
          : code.symbology === 'upca'
            ? `^BUN,${code.height},Y,N,N`
            : `^BCN,${code.height},Y,N,N`;
    parts.push(`^FO${code.x},${code.y}^BY${code.narrow}${symbol}${field(code.data)}`);
  }
  parts.push(`^PQ${copies}^XZ`);
  return parts.join('\n');
}

/** The same tags in ZPL II for Zebra printers (203 dpi), laid out like the TSPL ones. */
export function encodeZpl(doc: LabelDocument, size: LabelSize): Buffer {
  const tags: string[] = [];
  for (const label of doc.labels) {
    tags.push(zplTag(priceTag(label, size), label.copies));
    const certificate = certificateTag(label, size);
    if (certificate) tags.push(zplTag(certificate, label.copies));
  }
  return Buffer.from(`${tags.join('\n')}\n`, 'utf8');
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
