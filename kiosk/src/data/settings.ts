import type {
  InventorySettings,
  NegativeStockPolicy as NegativeStock,
} from '../../../server/protocol/inventory.js';
import type { ReceiptSettings, SalesSettings } from '../../../server/protocol/sales.js';
import type { StoreIdentity } from '../../../server/protocol/store.js';
import { type ApiAuth, call } from './http.js';

export type { NegativeStockPolicy as NegativeStock } from '../../../server/protocol/inventory.js';
export type {
  ReceiptSettings,
  SaleRounding as Rounding,
  SalesSettings,
} from '../../../server/protocol/sales.js';

export function salesSettings(auth: ApiAuth): Promise<SalesSettings> {
  return call(auth, 'GET', '/api/sales/settings');
}

export function saveSalesSettings(auth: ApiAuth, settings: SalesSettings): Promise<SalesSettings> {
  return call(auth, 'PUT', '/api/sales/settings', { body: settings });
}

/** What the shop prints on every receipt: address, phone, 退换须知, footer. */
export function receiptSettings(auth: ApiAuth): Promise<ReceiptSettings> {
  return call(auth, 'GET', '/api/sales/receipt-settings');
}

/** The printed text (the logo goes up on its own, as an image). */
export type ReceiptText = Omit<ReceiptSettings, 'logo'>;

export function saveReceiptSettings(auth: ApiAuth, settings: ReceiptText): Promise<ReceiptSettings> {
  return call(auth, 'PUT', '/api/sales/receipt-settings', { body: settings });
}

export function stockSettings(auth: ApiAuth): Promise<InventorySettings> {
  return call(auth, 'GET', '/api/stock/settings');
}

export function saveStockSettings(auth: ApiAuth, negativeStock: NegativeStock): Promise<InventorySettings> {
  return call(auth, 'PUT', '/api/stock/settings', { body: { negativeStock } });
}

export type { StoreIdentity } from '../../../server/protocol/store.js';

/** The store's code, name, time zone and currency. */
export function storeIdentity(auth: ApiAuth): Promise<StoreIdentity> {
  return call(auth, 'GET', '/api/store');
}

/** Renames the store or changes its time zone: the next receipt has them, no restart. */
export function saveStoreIdentity(
  auth: ApiAuth,
  identity: Pick<StoreIdentity, 'name' | 'timeZone'>,
): Promise<StoreIdentity> {
  return call(auth, 'PUT', '/api/store', { body: identity });
}

/** Puts the logo (an image file) on the receipts; the server makes it 1-bit. */
export function uploadReceiptLogo(auth: ApiAuth, file: Blob): Promise<ReceiptSettings> {
  return call(auth, 'PUT', '/api/sales/receipt-settings/logo', { raw: file, contentType: file.type });
}

export function removeReceiptLogo(auth: ApiAuth): Promise<ReceiptSettings> {
  return call(auth, 'DELETE', '/api/sales/receipt-settings/logo');
}
