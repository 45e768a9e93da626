/** How a printer encodes text: GB18030 or GBK in the Chinese mode (FS &), or single-byte only. */
export type Charset = 'gb18030' | 'gbk' | 'ascii';

/**
 * Columns a character takes on the printer. In a Chinese mode every character that is not
 * ASCII is sent as a multi-byte GB code and printed as a full-width glyph, so it takes two
 * columns — whatever Unicode says about its width (×, ·, “ are wide on these printers).
 */
export function charWidth(codePoint: number, charset: Charset): number {
  if (codePoint < 0x20 || codePoint === 0x7f) return 0;
  if (codePoint < 0x80 || charset === 'ascii') return 1;
  return 2;
}

export function textWidth(text: string, charset: Charset): number {
  let width = 0;
  for (const char of text) width += charWidth(char.codePointAt(0) ?? 0, charset);
  return width;
}

/**
 * Makes text safe for the printer: control characters go, and the yen/yuan sign becomes the
 * full-width ￥ in the Chinese modes (U+00A5 is a four-byte GB18030 code that GBK-only fonts
 * print as garbage; ￥ is A3A4 in every GB font). Single-byte printers keep ¥ (PC437 0x9D) and
 * get '?' for anything else they cannot print.
 */
export function printable(text: string, charset: Charset): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || (code >= 0x80 && code < 0xa0)) continue;
    if (charset === 'ascii') out += code < 0x80 || code === 0xa5 || code === 0xffe5 ? char : '?';
    else out += code === 0xa5 ? '￥' : char;
  }
  return charset === 'ascii' ? out.replace(/￥/g, '¥') : out;
}

/** Cuts text to at most `columns`, never splitting a wide character. */
export function truncate(text: string, columns: number, charset: Charset): string {
  let width = 0;
  let out = '';
  for (const char of text) {
    const w = charWidth(char.codePointAt(0) ?? 0, charset);
    if (width + w > columns) break;
    width += w;
    out += char;
  }
  return out;
}

/**
 * Wraps text to lines of at most `columns`. Latin words move whole to the next line when they
 * fit on one; CJK text breaks between any two characters; a word longer than a line is split.
 */
export function wrap(text: string, columns: number, charset: Charset): string[] {
  const lines: string[] = [];
  let line = '';
  let width = 0;
  // Tokens: a run of non-space ASCII (a word), a single wide character, or a run of spaces.
  const tokens = text.match(/[\x21-\x7e]+|\s+|[^\p{ASCII}]/gu) ?? [];
  for (const token of tokens) {
    const tokenWidth = textWidth(token, charset);
    if (/^\s+$/.test(token)) {
      if (width > 0 && width + 1 <= columns) {
        line += ' ';
        width += 1;
      }
      continue;
    }
    if (width + tokenWidth <= columns) {
      line += token;
      width += tokenWidth;
      continue;
    }
    if (width > 0 && tokenWidth <= columns) {
      lines.push(line.trimEnd());
      line = token;
      width = tokenWidth;
      continue;
    }
    // Longer than a line (or the line is empty): split character by character.
    for (const char of token) {
      const w = charWidth(char.codePointAt(0) ?? 0, charset);
      if (width + w > columns) {
        lines.push(line.trimEnd());
        line = '';
        width = 0;
      }
      line += char;
      width += w;
    }
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/** `left` and `right` on one line of `columns`, right flush; `left` is cut when both do not fit. */
export function spread(left: string, right: string, columns: number, charset: Charset): string {
  const rightWidth = textWidth(right, charset);
  const room = Math.max(0, columns - rightWidth - 1);
  const head = textWidth(left, charset) > room ? truncate(left, room, charset) : left;
  return head + ' '.repeat(Math.max(1, columns - textWidth(head, charset) - rightWidth)) + right;
}

export function pad(
  text: string,
  columns: number,
  align: 'left' | 'center' | 'right',
  charset: Charset,
): string {
  const free = Math.max(0, columns - textWidth(text, charset));
  if (align === 'right') return ' '.repeat(free) + text;
  if (align === 'center') return ' '.repeat(Math.floor(free / 2)) + text;
  return text;
}
