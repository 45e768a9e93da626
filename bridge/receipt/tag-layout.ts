import { isValidGtin } from '../../server/protocol/gtin.js';
import type { PriceLabel } from '../../server/protocol/printing.js';
import { money } from './blocks.js';
import { printable, textWidth, truncate, wrap } from './text-width.js';

export interface LabelSize {
  widthMm: number;
  heightMm: number;
  gapMm: number;
}

/** Label printers here print at 203 dpi: 8 dots to the millimetre. */
export const DOTS_PER_MM = 8;
/** The printer's CJK font cell: ASCII 12 dots wide, Chinese 24, both 24 high (TSS24 / a 24-dot ZPL font). */
export const CELL = { narrow: 12, height: 24 } as const;
const MARGIN = 16;
const GAP = 6;

export type Symbology = 'ean13' | 'ean8' | 'upca' | 'code128';

/** A run of text at (x, y), `scale` times the 24-dot cell. */
export interface TagText {
  x: number;
  y: number;
  text: string;
  scale: 1 | 2;
}

export interface TagBarcode {
  x: number;
  y: number;
  symbology: Symbology;
  /** What the printer is sent: a GTIN without its check digit (the printer adds it), else the code. */
  data: string;
  /** Bar height in dots, the human-readable line below not counted. */
  height: number;
  /** Narrow bar (module) width in dots. */
  narrow: number;
  /** The symbol's width in dots. */
  width: number;
}

/** One label's drawing: texts, filled bars (a strike-through), at most one barcode. Dots throughout. */
export interface TagLayout {
  width: number;
  height: number;
  texts: TagText[];
  bars: { x: number; y: number; width: number; height: number }[];
  barcode: TagBarcode | null;
}

/** Width of text in dots at a scale. */
export const textDots = (text: string, scale: 1 | 2 = 1): number =>
  textWidth(text, 'gb18030') * CELL.narrow * scale;

export function symbologyOf(code: string): Symbology {
  if (!isValidGtin(code)) return 'code128';
  return code.length === 13 ? 'ean13' : code.length === 8 ? 'ean8' : 'upca';
}

/** Modules of a symbol: EAN-13/UPC-A 95, EAN-8 67, Code 128 (set B) 11 per character + start, check, stop. */
function modules(symbology: Symbology, data: string): number {
  if (symbology === 'ean13' || symbology === 'upca') return 95;
  if (symbology === 'ean8') return 67;
  return (data.length + 2) * 11 + 13;
}

function barcodeAt(code: string, y: number, height: number, width: number): TagBarcode {
  const symbology = symbologyOf(code);
  const data = symbology === 'code128' ? code : code.slice(0, -1);
  const room = width - 2 * MARGIN;
  const count = modules(symbology, data);
  // Two-dot bars read best; a long Code 128 gets one-dot bars rather than running off the label.
  const narrow = count * 2 <= room ? 2 : 1;
  const dots = count * narrow;
  return {
    x: Math.max(MARGIN, Math.floor((width - dots) / 2)),
    y,
    symbology,
    data,
    height,
    narrow,
    width: dots,
  };
}

/**
 * The price tag: name, style code with colour and size, the tag price struck through when
 * marked down, the price large, the barcode centred at the foot. Lines flow downwards, so
 * nothing is drawn over anything else; text is cut to the label's width.
 */
export function priceTag(label: PriceLabel, size: LabelSize): TagLayout {
  const width = Math.round(size.widthMm * DOTS_PER_MM);
  const height = Math.round(size.heightMm * DOTS_PER_MM);
  const columns = Math.floor((width - 2 * MARGIN) / CELL.narrow);
  const texts: TagText[] = [];
  const bars: TagLayout['bars'] = [];
  let y = 8;
  const line = (text: string, scale: 1 | 2) => {
    const cut = truncate(printable(text, 'gb18030'), Math.floor(columns / scale), 'gb18030');
    texts.push({ x: MARGIN, y, text: cut, scale });
    y += CELL.height * scale + GAP;
    return texts.at(-1) as TagText;
  };
  line(label.name, 1);
  line([label.styleCode, label.color, label.size].filter(Boolean).join(' '), 1);
  if (label.originalPrice !== undefined && label.originalPrice !== label.price) {
    const lead = '原价 ';
    const was = line(`${lead}￥${money(label.originalPrice)}`, 1);
    const from = was.x + textDots(lead);
    bars.push({
      x: from,
      y: was.y + CELL.height / 2 - 1,
      width: textDots(was.text) - textDots(lead),
      height: 2,
    });
  }
  line(`￥${money(label.price)}`, 2);
  // The barcode takes what is left; its digits (about 24 dots) print below the bars.
  const barHeight = Math.max(24, Math.min(56, height - y - 8 - 28));
  return { width, height, texts, bars, barcode: barcodeAt(label.barcode, y + 2, barHeight, width) };
}

/**
 * The 合格证 (certificate of conformity) as a tag of its own, printed after the price tag when
 * the style has any of its fields: style code, composition, standard, safety category,
 * inspector. A long field wraps; what does not fit the label is left off.
 */
export function certificateTag(label: PriceLabel, size: LabelSize): TagLayout | null {
  const certificate = label.certificate;
  if (!certificate) return null;
  const fields: [string, string | undefined][] = [
    ['面料成分', certificate.composition],
    ['执行标准', certificate.standard],
    ['安全类别', certificate.safetyCategory],
    ['检验员', certificate.inspector],
  ];
  if (!fields.some(([, value]) => value)) return null;
  const width = Math.round(size.widthMm * DOTS_PER_MM);
  const height = Math.round(size.heightMm * DOTS_PER_MM);
  const columns = Math.floor((width - 2 * MARGIN) / CELL.narrow);
  const texts: TagText[] = [];
  let y = 8;
  // The title with the style code beside it; the name is on the price tag it hangs with.
  const code = truncate(label.styleCode, columns - 8, 'gb18030');
  texts.push({ x: MARGIN, y, text: '合格证', scale: 1 });
  texts.push({ x: width - MARGIN - textDots(code), y, text: code, scale: 1 });
  y += CELL.height + GAP;
  for (const [name, value] of fields) {
    if (!value) continue;
    for (const text of wrap(printable(`${name}：${value}`, 'gb18030'), columns, 'gb18030')) {
      if (y + CELL.height > height - 4) break;
      texts.push({ x: MARGIN, y, text, scale: 1 });
      y += CELL.height + 2;
    }
  }
  return { width, height, texts, bars: [], barcode: null };
}
