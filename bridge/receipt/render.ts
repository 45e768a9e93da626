import type { PrintJob } from '../../server/protocol/printing.js';
import type { ReceiptLogo } from '../../server/protocol/receipt.js';
import type { Block } from './blocks.js';
import { encodeEscPos, type SingleByteCodePage } from './escpos.js';
import { encodeTspl, encodeZpl, type LabelSize, layoutLabelsOnReceipt } from './labels.js';
import { layoutReceipt, renderText } from './layout.js';
import { layoutSlip } from './slip.js';
import { encodeStar, type StarEmulation } from './star.js';
import type { Charset } from './text-width.js';

/** How one printer prints: what the bridge's config says about it, with defaults applied. */
export interface PrinterProfile {
  /** ESC/POS receipts, or price tags in TSPL or Zebra's ZPL. */
  language: 'escpos' | 'tspl' | 'zpl';
  /**
   * A receipt printer's command set: ESC/POS, or Star's own Star Line Mode or StarPRNT (what a
   * Star printer is switched to; ESC/POS bytes print garbage there). Left out: ESC/POS.
   */
  emulation?: 'escpos' | StarEmulation | undefined;
  paperWidth: 58 | 80;
  charset: Charset;
  qr: 'native' | 'raster' | 'none';
  logo?: number | undefined;
  /** The shop's logo from the admin page, printed as an image on receipts. */
  shopLogo?: ReceiptLogo | null | undefined;
  /** The single-byte code page from the printer model's data (ESC t n; Star: ESC GS t n). */
  codePage?: SingleByteCodePage | undefined;
  cut: boolean;
  label: LabelSize;
  /** `raster`: the receipt's text is drawn here in a CJK font and sent as images (GS v 0). */
  mode?: 'text' | 'raster' | undefined;
  /** Font A columns and printable dots, when the printer model says other than the paper's usual. */
  columns?: number | undefined;
  dots?: number | undefined;
}

export interface Rendered {
  bytes: Buffer;
  /** What the paper will read, for the virtual printer and previews. */
  text: string;
}

export const columnsFor = (paperWidth: 58 | 80): number => (paperWidth === 58 ? 32 : 48);
const dotsFor = (paperWidth: 58 | 80): number => (paperWidth === 58 ? 384 : 576);

/** A job to the bytes for this printer. The drawer is never in it: it opens apart, at once. */
export function renderJob(job: PrintJob, profile: PrinterProfile): Rendered {
  const columns = profile.columns ?? columnsFor(profile.paperWidth);
  const raster = profile.mode === 'raster';
  // Drawn in the bridge's own CJK font, a raster receipt is in Chinese whatever the printer has.
  const charset: Charset = raster ? 'gb18030' : profile.charset;
  if (job.kind === 'labels' && profile.language !== 'escpos') {
    const encode = profile.language === 'zpl' ? encodeZpl : encodeTspl;
    const bytes = encode(job.document, profile.label);
    const text = job.document.labels
      .map(
        (l) => `[label x${l.copies}] ${l.name} ${l.styleCode} ${l.color ?? ''} ${l.size ?? ''} ${l.barcode}`,
      )
      .join('\n');
    return { bytes, text: `${text}\n` };
  }
  let blocks: Block[];
  if (job.kind === 'labels') blocks = layoutLabelsOnReceipt(job.document, columns, charset);
  else if (job.kind === 'slip')
    blocks = layoutSlip(job.document, {
      columns,
      charset,
      reprint: job.reprint,
      cut: profile.cut,
    });
  else
    blocks = layoutReceipt(job.document, {
      columns,
      charset,
      logo: profile.logo,
      shopLogo: profile.shopLogo,
      qr: profile.qr !== 'none',
      reprint: job.reprint,
      cut: profile.cut,
    });
  const options = {
    charset,
    columns,
    dots: profile.dots ?? dotsFor(profile.paperWidth),
    qr: profile.qr,
    raster,
    ...(profile.codePage && { codePage: profile.codePage }),
  };
  const emulation = profile.emulation ?? 'escpos';
  const bytes =
    emulation === 'escpos' ? encodeEscPos(blocks, options) : encodeStar(blocks, { ...options, emulation });
  return { bytes, text: renderText(blocks, columns, charset) };
}
