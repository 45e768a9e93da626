import type { PoleView } from '../../server/protocol/pole.js';
import { money } from './blocks.js';
import { encodeText } from './escpos.js';
import { type Charset, spread, textWidth, truncate } from './text-width.js';

export const POLE_COLUMNS = 20;
export type PoleCommandSet = 'epson' | 'cd5220';

/** The two lines of a 2×20 display for a view, each exactly 20 columns. */
export function poleLines(view: PoleView, charset: Charset): [string, string] {
  const zh = charset !== 'ascii';
  const fill = (text: string) => {
    const cut = truncate(text, POLE_COLUMNS, charset);
    return cut + ' '.repeat(POLE_COLUMNS - textWidth(cut, charset));
  };
  const row = (left: string, right: string) => fill(spread(left, right, POLE_COLUMNS, charset));
  switch (view.kind) {
    case 'idle':
      return [fill(view.text ?? (zh ? '欢迎光临' : 'WELCOME')), fill('')];
    case 'item': {
      // A display without Chinese shows what it can of the name, or nothing but the price.
      const name = zh ? view.name : view.name.replace(/[^\x20-\x7e]/g, '').trim() || 'ITEM';
      return [
        fill(name),
        row(view.quantity && view.quantity !== 1 ? `x${view.quantity}` : '', money(view.price)),
      ];
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
