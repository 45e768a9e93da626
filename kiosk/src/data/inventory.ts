import type {
  AdjustmentReason,
  ChainTransfer,
  LowStockItem,
  StockDocument,
  StocktakeView as Stocktake,
  VarianceReport,
} from '../../../server/protocol/inventory.js';
import { type ApiAuth, call } from './http.js';

export type {
  AdjustmentReason,
  ChainTransfer,
  DocumentLine as StockDocumentLine,
  LowStockItem,
  StockDocument,
  StocktakeView as Stocktake,
  VarianceLine,
  VarianceReport,
} from '../../../server/protocol/inventory.js';

export { ADJUSTMENT_REASONS } from '../../../server/protocol/inventory.js';

export function receiveStock(
  auth: ApiAuth,
  receipt: { lines: { skuId: string; qty: number; unitCost?: number }[]; supplier?: string; note?: string },
): Promise<StockDocument> {
  return call<StockDocument>(auth, 'POST', '/api/stock/receipts', { body: receipt });
}

export function adjustStock(
  auth: ApiAuth,
  adjustment: { reason: AdjustmentReason; lines: { skuId: string; delta: number }[]; note?: string },
): Promise<StockDocument> {
  return call<StockDocument>(auth, 'POST', '/api/stock/adjustments', { body: adjustment });
}

export async function lowStock(auth: ApiAuth): Promise<LowStockItem[]> {
  return (await call<{ items: LowStockItem[] }>(auth, 'GET', '/api/stock/low')).items;
}

export function openStocktake(
  auth: ApiAuth,
  input: { categoryIds?: string[]; note?: string },
): Promise<Stocktake> {
  return call<Stocktake>(auth, 'POST', '/api/stocktakes', { body: input });
}

export function getStocktake(auth: ApiAuth, id: string): Promise<Stocktake> {
  return call<Stocktake>(auth, 'GET', `/api/stocktakes/${encodeURIComponent(id)}`);
}

export function scanForStocktake(auth: ApiAuth, id: string, barcode: string, qty?: number): Promise<unknown> {
  return call(auth, 'POST', `/api/stocktakes/${encodeURIComponent(id)}/scans`, { body: { barcode, qty } });
}

export function stocktakeVariance(auth: ApiAuth, id: string): Promise<VarianceReport> {
  return call<VarianceReport>(auth, 'GET', `/api/stocktakes/${encodeURIComponent(id)}/variance`);
}

export function commitStocktake(auth: ApiAuth, id: string, zeroUncounted: boolean): Promise<unknown> {
  return call(auth, 'POST', `/api/stocktakes/${encodeURIComponent(id)}/commit`, { body: { zeroUncounted } });
}

export function cancelStocktake(auth: ApiAuth, id: string): Promise<unknown> {
  return call(auth, 'POST', `/api/stocktakes/${encodeURIComponent(id)}/cancel`);
}

/** Sends stock to another store of the chain, or books in (part of) a transfer it sent here. */
export function transferStock(
  auth: ApiAuth,
  transfer: {
    direction: 'out' | 'in';
    store: string;
    transferId?: string;
    lines: { skuId: string; qty: number }[];
    close?: boolean;
    note?: string;
  },
): Promise<StockDocument> {
  return call<StockDocument>(auth, 'POST', '/api/stock/transfers', { body: transfer });
}

/** Chain mode: the transfers sent from or to this store, newest first, with what came and what is missing. */
export async function listTransfers(
  auth: ApiAuth,
  status?: ChainTransfer['status'],
): Promise<ChainTransfer[]> {
  return (await call<{ items: ChainTransfer[] }>(auth, 'GET', '/api/stock/transfers', { query: { status } }))
    .items;
}
