import type {
  InventorySettings,
  NegativeStockPolicy as NegativeStock,
} from '../../../server/protocol/inventory.js';
import type { ReceiptSettings, SalesSettings } from '../../../server/protocol/sales.js';
import type { SessionInfo } from '../../../server/protocol/session.js';
import type { HangerConnection } from '../connection/connection.js';
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

/** The store this server runs (data/config.json; read-only on screen). */
export type StoreIdentity = SessionInfo['store'];

/** The store's identity, as `session/info` tells it. */
export async function storeIdentity(connection: HangerConnection): Promise<StoreIdentity> {
  return (await connection.request('session/info')).store;
}
