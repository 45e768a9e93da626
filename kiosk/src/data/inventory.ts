import type {
  AdjustmentReason,
  LowStockItem,
  StockDocument,
  StocktakeView as Stocktake,
  VarianceReport,
} from '../../../server/protocol/inventory.js';
import { type ApiAuth, call } from './http.js';

export type {
  AdjustmentReason,
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
