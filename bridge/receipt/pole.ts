import { pinyin } from 'pinyin-pro';
import type { PoleView } from '../../server/protocol/pole.js';
import { money } from './blocks.js';
import { encodeText } from './escpos.js';
import { type Charset, spread, textWidth, truncate } from './text-width.js';

export const POLE_COLUMNS = 20;
export type PoleCommandSet = 'epson' | 'cd5220';

/**
 * A name a display without Chinese can show: its Latin words when it has some (the shop's own
 * English name), else its pinyin (大衣 → DaYi), else the style code.
 */
export function asciiName(name: string, code = ''): string {
  const latin = name
    .replace(/[^\x20-\x7e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (/[A-Za-z]/.test(latin)) return latin;
  if (/\p{Script=Han}/u.test(name)) {
    const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive' });
    const spelled = syllables
      .map((syllable) => syllable.charAt(0).toUpperCase() + syllable.slice(1))
      .join('')
      .replace(/[^\x20-\x7e]/g, '')
      .trim();
    if (spelled) return spelled;
  }
  return code || latin;
}

/** The two lines of a 2×20 display for a view, each exactly 20 columns. */
export function poleLines(view: PoleView, charset: Charset): [string, string] {
  const zh = charset !== 'ascii';
  const fill = (text: string) => {
    const cut = truncate(text, POLE_COLUMNS, charset);
    return cut + ' '.repeat(POLE_COLUMNS - textWidth(cut, charset));
  };
  const row = (left: string, right: string) => fill(spread(left, right, POLE_COLUMNS, charset));
  const total = zh ? '合计' : 'TOTAL';
  switch (view.kind) {
    case 'idle':
      return [fill(view.text ?? (zh ? '欢迎光临' : 'WELCOME')), fill('')];
    case 'item': {
      // The line just scanned with its price above, the sale's total so far below.
      const name = zh ? view.name : asciiName(view.name, view.code);
      const quantity = view.quantity && view.quantity !== 1 ? `${view.quantity}x` : '';
      return [row(name, `${quantity}${money(view.price)}`), row(total, money(view.total))];
    }
    case 'total':
      return [fill(zh ? '合计 TOTAL' : 'TOTAL'), row('', money(view.total))];
    case 'paid':
      return [row(zh ? '实收' : 'PAID', money(view.paid)), row(zh ? '找零' : 'CHANGE', money(view.change))];
  }
}

/** Bytes that put two lines on the display in its command set. */
export function encodePole(
  lines: readonly [string, string],
  commandSet: PoleCommandSet,
  charset: Charset,
): Buffer {
  const [top, bottom] = lines.map((line) => encodeText(line, charset === 'ascii' ? 'ascii' : charset));
  if (!top || !bottom) throw new Error('two lines expected');
  if (commandSet === 'cd5220') {
    // ESC Q A / ESC Q B: write the upper / lower line, CR ends it.
    return Buffer.concat([
      Buffer.from([0x1b, 0x51, 0x41]),
      top,
      Buffer.from([0x0d, 0x1b, 0x51, 0x42]),
      bottom,
      Buffer.from([0x0d]),
    ]);
  }
  // Epson customer display: clear, home, upper line, US $ 1 2 (cursor to line 2), lower line.
  return Buffer.concat([Buffer.from([0x0c, 0x0b]), top, Buffer.from([0x1f, 0x24, 1, 2]), bottom]);
}
