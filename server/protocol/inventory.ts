import type { SkuLabel } from './sku.js';

/** Stock as the till, the stockroom and the admin page see it. */

export interface CountResult {
  skuId: string;
  barcode: string;
  styleCode: string;
  color: string;
  size: string;
  counted: number;
}

/** This store's on-hand of one SKU. */
export interface SkuStock {
  skuId: string;
  onHand: number;
}

export interface LowStockItem extends SkuLabel {
  onHand: number;
  /** The SKU's own threshold, else its style's. */
  threshold: number;
  /** Units sold in the last 28 days, returns taken off. */
  soldRecently: number;
  /**
   * Enough to sell for another 28 days at the recent pace and still be at the threshold:
   * max(0, soldRecently + threshold − onHand).
   */
  suggestedOrder: number;
}

export interface VarianceLine extends SkuLabel {
  /** On-hand when first counted. */
  expected: number;
  counted: number;
  variance: number;
  /** variance × the style's cost (fen); 0 when the cost is unknown. */
  value: number;
}

export interface VarianceReport {
  stocktakeId: string;
  lines: VarianceLine[];
  /** In-scope SKUs with stock on hand that nobody counted. */
  notCounted: {
    skuId: string;
    barcode: string;
    styleCode: string;
    color: string;
    size: string;
    onHand: number;
  }[];
  totals: { variance: number; value: number };
}

/** Why stock was adjusted by hand: damaged and lost take stock out, found puts it back, a correction goes either way. */
export const ADJUSTMENT_REASONS = ['damaged', 'lost', 'found', 'correction'] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/**
 * What a sale does when it would take a SKU below zero: `allow` sells it and answers with a
 * warning (the garment is in the customer's hands, the books were wrong), `refuse` stops the
 * sale with a 409. A shop that has not chosen gets `allow`.
 */
export const NEGATIVE_STOCK_POLICIES = ['allow', 'refuse'] as const;
export type NegativeStockPolicy = (typeof NEGATIVE_STOCK_POLICIES)[number];

/** `GET`/`PUT /api/stock/settings`. */
export interface InventorySettings {
  negativeStock: NegativeStockPolicy;
}

export type DocumentKind = 'receipt' | 'adjustment' | 'transfer_out' | 'transfer_in';

export interface DocumentLine extends SkuLabel {
  delta: number;
  unitCost: number | null;
  onHandAfter: number;
}

export interface StockDocument {
  id: string;
  kind: DocumentKind;
  at: string;
  reason: string | null;
  supplier: string | null;
  /** The other store's code, for a transfer. */
  store: string | null;
  transferId: string | null;
  note: string | null;
  staffId: string | null;
  lines: DocumentLine[];
  /** A transfer within the chain: what was sent, what came, what is missing. */
  transfer: TransferState | null;
}

export interface TransferLineState {
  skuId: string;
  sent: number;
  received: number;
  /** Sent but not (yet) booked in: once the transfer is closed, the discrepancy. */
  missing: number;
}

/** A chain transfer: what the sender sent, what the receiver booked in against it so far. */
export interface TransferState {
  id: string;
  from: string;
  to: string;
  /** `received`: everything came; `closed_short`: the receiver closed it with units missing. */
  status: 'in_transit' | 'received' | 'closed_short';
  lines: TransferLineState[];
  /** The receiver's transfer-in documents, oldest first. */
  receipts: string[];
}

/** A stocktake (盘点) and how far its count has come. */
export interface StocktakeView {
  id: string;
  status: 'open' | 'committed' | 'cancelled';
  categoryIds: string[];
  note: string | null;
  openedAt: string;
  openedBy: string | null;
  closedAt: string | null;
  closedBy: string | null;
  countedSkus: number;
  countedUnits: number;
}

/** A line of a chain transfer: the SKU, what was sent, what came so far, what is missing. */
export interface TransferLine extends SkuLabel, TransferLineState {}

/** `GET /api/stock/transfers`: a chain transfer sent from or to this store, with where it stands. */
export interface ChainTransfer {
  /** The sender's transfer-out document. */
  id: string;
  from: string;
  to: string;
  at: string;
  note: string | null;
  status: TransferState['status'];
  lines: TransferLine[];
  /** The receiver's transfer-in documents, oldest first. */
  receipts: string[];
}
