import iconv from 'iconv-lite';

/**
 * Reads back what a pole display in the Epson command set was sent, as an independent
 * decoder would: every screen is CLR (0x0C), HOME (0x0B), the upper line, US $ 1 2 (cursor to
 * line 2), the lower line. Answers each screen's two lines, decoded from GB18030.
 */
export function poleScreens(bytes: Buffer): Array<[string, string]> {
  const screens: Array<[string, string]> = [];
  let start = bytes.indexOf(Buffer.from([0x0c, 0x0b]));
  while (start >= 0) {
    const next = bytes.indexOf(Buffer.from([0x0c, 0x0b]), start + 2);
    const screen = bytes.subarray(start + 2, next >= 0 ? next : bytes.length);
    const cursor = screen.indexOf(Buffer.from([0x1f, 0x24, 1, 2]));
    // The last screen may still be on its way.
    if (cursor < 0 && next >= 0)
      throw new Error(`a screen without the cursor move: ${screen.toString('hex')}`);
    if (cursor < 0) break;
    screens.push([
      iconv.decode(screen.subarray(0, cursor), 'gb18030'),
      iconv.decode(screen.subarray(cursor + 4), 'gb18030'),
    ]);
    start = next;
  }
  return screens;
}
