import type { PaymentMethod, ReceiptDocument } from './receipt.js';

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

/** What a counter slip's figure is: the bridge words it in the printer's language. */
export type SlipItem =
  | 'float'
  | 'salesCount'
  | 'salesTotal'
  | 'refunds'
  | 'cashIn'
  | 'paidOut'
  | 'expected'
  | 'counted'
  | 'variance'
  | 'amount'
  | 'bonus'
  | 'balance';

/**
 * A slip of the counter's other tasks: the 交班单 at a shift's close, the 充值单 of a top-up,
 * the 存款单 / 取款单 of cash put in or paid out. Money in fen, counts as they are; the bridge
 * puts the words (a variance reads 长款 or 短款).
 */
export interface SlipDocument {
  kind: 'shift_close' | 'top_up' | 'cash_in' | 'paid_out';
  store: { code: string; name: string };
  /** What it is about (the shift's id), for tracing a paper back. */
  ref: string;
  /** When it happened, ISO 8601 UTC; `since` when the shift began. */
  at: string;
  since?: string;
  timeZone: string;
  cashier: { name: string };
  terminalName?: string;
  /** The figures, in the order printed. */
  figures: { item: SlipItem; value: number }[];
  /** What each tender took (cash net of change). */
  payments: { method: PaymentMethod; amount: number }[];
  /** The member topped up: masked phone only, as on a receipt. */
  member?: { name?: string; phoneMasked: string };
  /** How a top-up was paid. */
  method?: PaymentMethod;
  /** Free text the staff typed (a note at the close, the reason for cash in or out). */
  note?: string;
}

/** What the server hands a bridge to print. */
export type PrintJobBody =
  | {
      kind: 'receipt';
      document: ReceiptDocument;
      /** Kick the cash drawer once the receipt printed (cash sales). */
      openDrawer: boolean;
    }
  | { kind: 'labels'; document: LabelDocument }
  | { kind: 'slip'; document: SlipDocument };

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
