/**
 * What a printout is made of, independent of the printer's language: ESC/POS bytes and the
 * readable text preview are both rendered from these. Text blocks are already wrapped to fit.
 */
export type Block =
  | { type: 'text'; text: string; align?: 'left' | 'center' | 'right'; bold?: boolean; big?: boolean }
  | { type: 'rule'; char: '-' | '=' }
  | { type: 'barcode'; data: string }
  | { type: 'qr'; data: string }
  | { type: 'logo'; key: number }
  /** A 1-bit image sent with the job (the shop's logo uploaded on the admin page). */
  | { type: 'image'; width: number; height: number; bits: Buffer }
  | { type: 'feed'; lines: number }
  | { type: 'cut' };

/** Fen as "1234.50", "-20.00"; the currency sign is added where a receipt shows one. */
export function money(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${cents < 10 ? '0' : ''}${cents}`;
}
