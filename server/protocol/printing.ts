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

/**
 * Where a print job is, as the bridge reports it. `printed` only once the printer confirmed it
 * (its status after the job); `unknown` when the bytes may or may not have come out — the till
 * asks the cashier whether to reprint; `held` waits for the printer (paper, cover, power).
 */
export type PrintJobState = 'queued' | 'printing' | 'printed' | 'held' | 'unknown' | 'failed';

/** `GET /api/print/jobs/:id`: a job's kind and where it is. */
export interface PrintJobView {
  id: string;
  kind: PrintJob['kind'];
  state: PrintJobState;
  /** Times the bridge sent it to the printer. */
  attempts: number;
  lastError?: string;
}
