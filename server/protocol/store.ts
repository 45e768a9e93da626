/** `GET`/`PUT /api/store`: who the store is. Code and currency are config.json's alone. */
export interface StoreIdentity {
  code: string;
  name: string;
  /** IANA zone, e.g. Asia/Shanghai: receipts, report days and points expiry are in it. */
  timeZone: string;
  currency: string;
}
