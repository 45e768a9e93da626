import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';

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

/**
 * The printer models `@point-of-sale/receipt-printer-encoder` keeps data for (Epson TM-T20/
 * T88/M30, Xprinter XP-N160II/T80Q, Star TSP100/TSP650/mC-Print, POS-5890 and other 58 mm
 * clones, …), by the id a printer's `model` option names.
 */
export const PRINTER_MODELS: readonly string[] = ReceiptPrinterEncoder.printerModels.map((model) => model.id);

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
