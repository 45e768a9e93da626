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
  return {
    paperWidth: dots >= 500 ? 80 : 58,
    columns: encoder.columns,
    dots,
    qr: capabilities.qrcode?.supported ? 'native' : 'raster',
    cut: capabilities.cutter !== undefined,
  };
}

/**
 * The table number n of ESC t n under which this model (or, without one, a standard ESC/POS
 * printer) keeps the code page, from the model's own code page data; throws when it has none.
 */
export function codePageTable(model: string | undefined, codePage: CodePage): number {
  const encoder = new ReceiptPrinterEncoder(
    model ? { printerModel: model as never } : { language: 'esc-pos' },
  );
  // The encoder selects a code page lazily, in front of the first text that needs it.
  const bytes = encoder.codepage(codePage).text('x').encode();
  const at = bytes.findIndex((byte, index) => byte === 0x1b && bytes[index + 1] === 0x74);
  if (at < 0 || bytes[at + 2] === undefined) {
    throw new Error(`printer model ${model ?? 'esc-pos'} has no code page ${codePage}`);
  }
  return bytes[at + 2] as number;
}
