import type { ReceiptDocument } from './receipt.js';

/**
 * One price tag. The catalogue's label document did not exist yet when the bridge was
 * written; this is the minimal shape the bridge prints. Money in fen.
 */
export interface PriceLabel {
  styleCode: string;
  name: string;
  color?: string;
  size?: string;
  barcode: string;
  price: number;
  /** The crossed-out price of a markdown, if any. */
  originalPrice?: number;
  copies: number;
  /** 合格证 fields of the style, printed as a tag of their own when any is set. */
  certificate?: StyleCertificate;
}

/** A garment's certificate of conformity (合格证): 面料成分, 执行标准, 安全类别, 检验员. */
export interface StyleCertificate {
  composition?: string;
  standard?: string;
  safetyCategory?: string;
  inspector?: string;
}

export interface LabelDocument {
  labels: PriceLabel[];
}

/** What the server hands a bridge to print. */
export type PrintJobBody =
  | {
      kind: 'receipt';
      document: ReceiptDocument;
      /** Kick the cash drawer once the receipt printed (cash sales). */
      openDrawer: boolean;
    }
  | { kind: 'labels'; document: LabelDocument };

export type PrintJob = PrintJobBody & {
  /** Chosen by the server; a bridge prints a job id once unless asked to reprint it. */
  jobId: string;
  terminalId: string;
  /** True when a person asked for another copy. */
  reprint: boolean;
};

/** Where a print job is, as the bridge reports it. */
export type PrintJobState = 'queued' | 'held' | 'printed' | 'failed';
