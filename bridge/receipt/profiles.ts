import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { type CodePage, PRINTER_MODELS } from '../../server/config/printer-models.js';

export { PRINTER_MODELS } from '../../server/config/printer-models.js';

/** What a printer model's data says about printing receipts on it. */
export interface ModelProfile {
  paperWidth: 58 | 80;
  /** Font A characters per line (42 on an Epson TM-T88, 48 on most 80 mm printers). */
  columns: number;
  /** Printable dots per line: columns × the font's 12-dot cell. */
  dots: number;
  /** A model without the QR command gets its QR codes as images. */
  qr: 'native' | 'raster';
  /** A model without a cutter is not sent the cut. */
  cut: boolean;
  /** The command set the model ships in: ESC/POS, or Star Line Mode / StarPRNT for a Star. */
  emulation: 'escpos' | 'star-line' | 'star-prnt';
}

/** The model's paper width, columns, QR support and cutter; throws for an unknown model id. */
export function modelProfile(model: string): ModelProfile {
  if (!PRINTER_MODELS.includes(model)) throw new Error(`unknown printer model "${model}"`);
  const encoder = new ReceiptPrinterEncoder({ printerModel: model as never });
  const capabilities = encoder.printerCapabilities as {
    qrcode?: { supported?: boolean };
    cutter?: unknown;
  };
  const dots = encoder.printableWidth;
  const language = encoder.language as 'esc-pos' | 'star-line' | 'star-prnt';
  return {
    paperWidth: dots >= 500 ? 80 : 58,
    columns: encoder.columns,
    dots,
    qr: capabilities.qrcode?.supported ? 'native' : 'raster',
    cut: capabilities.cutter !== undefined,
    emulation: language === 'esc-pos' ? 'escpos' : language,
  };
}

/**
 * The table number n under which this model (or, without one, a standard printer of the command
 * set) keeps the code page, from the model's own code page data: ESC t n in ESC/POS, ESC GS t n
 * in Star's command sets. Throws when it has none.
 */
export function codePageTable(
  model: string | undefined,
  codePage: CodePage,
  emulation: 'escpos' | 'star-line' | 'star-prnt' = 'escpos',
): number {
  const language = emulation === 'escpos' ? 'esc-pos' : emulation;
  // Star's command sets number their code pages in Star's one table, whatever the model.
  const encoder = new ReceiptPrinterEncoder({
    language,
    ...(model && { printerModel: model as never }),
    ...(emulation !== 'escpos' && { codepageMapping: 'star' }),
  });
  // The encoder selects a code page lazily, in front of the first text that needs it.
  const bytes = encoder.codepage(codePage).text('x').encode();
  const select = emulation === 'escpos' ? [0x1b, 0x74] : [0x1b, 0x1d, 0x74];
  const at = bytes.findIndex((_, index) => select.every((byte, k) => bytes[index + k] === byte));
  const table = at < 0 ? undefined : bytes[at + select.length];
  if (table === undefined) {
    throw new Error(`printer model ${model ?? emulation} has no code page ${codePage}`);
  }
  return table;
}
