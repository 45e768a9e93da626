import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';

/**
 * The printer models `@point-of-sale/receipt-printer-encoder` keeps data for (Epson TM-T20/
 * T88/M30, Xprinter XP-N160II/T80Q, Star TSP100/TSP650/mC-Print, POS-5890 and other 58 mm
 * clones, …), by the id a printer's `model` option names. Here, beside the config schema, so
 * that the file, the admin page and the bridge all check a model against the one list.
 */
export const PRINTER_MODELS: readonly string[] = ReceiptPrinterEncoder.printerModels.map((model) => model.id);

/**
 * Single-byte code pages a printer without Chinese fonts may print its text in (ESC t n): the
 * table number n comes from the printer model's data, the bytes from iconv.
 */
export const CODE_PAGES = ['cp437', 'cp850', 'cp858', 'cp866', 'windows1252'] as const;
export type CodePage = (typeof CODE_PAGES)[number];
