import type { SessionInfo } from '../../../server/protocol/session.js';
import type { HangerConnection } from '../connection/connection.js';
import { type ApiAuth, call } from './http.js';

export type Rounding = 'none' | 'jiao' | 'yuan';

export interface SalesSettings {
  returnDays: number;
  /** The largest manual discount a cashier gives alone, basis points off (1000 = 10%). */
  cashierDiscountLimitBp: number;
  /** 抹零. */
  rounding: Rounding;
}

export type NegativeStock = 'allow' | 'refuse';

export function salesSettings(auth: ApiAuth): Promise<SalesSettings> {
  return call(auth, 'GET', '/api/sales/settings');
}

export function saveSalesSettings(auth: ApiAuth, settings: SalesSettings): Promise<SalesSettings> {
  return call(auth, 'PUT', '/api/sales/settings', { body: settings });
}

export function stockSettings(auth: ApiAuth): Promise<{ negativeStock: NegativeStock }> {
  return call(auth, 'GET', '/api/stock/settings');
}

export function saveStockSettings(
  auth: ApiAuth,
  negativeStock: NegativeStock,
): Promise<{ negativeStock: NegativeStock }> {
  return call(auth, 'PUT', '/api/stock/settings', { body: { negativeStock } });
}

/** The store this server runs (data/config.json; read-only on screen). */
export type StoreIdentity = SessionInfo['store'];

/** The store's identity, as `session/info` tells it. */
export async function storeIdentity(connection: HangerConnection): Promise<StoreIdentity> {
  return (await connection.request('session/info')).store;
}
