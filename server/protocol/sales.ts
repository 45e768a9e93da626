/** Sales as the till and an integration see them. Money in fen. */

export interface SaleDiscount {
  source: string;
  ref?: string;
  label: string;
  amount: number;
}

export interface SaleLineResult {
  lineId: string;
  skuId: string;
  barcode: string;
  styleCode: string;
  name: string;
  color: string;
  size: string;
  qty: number;
  unitPrice: number;
  discounts: SaleDiscount[];
  total: number;
}

/** The answer to `POST /api/sales` (API.md), stored with the sale and returned as is to a repeat. */
export interface SaleResult {
  id: string;
  number: string;
  at: string;
  training: boolean;
  lines: SaleLineResult[];
  subtotal: number;
  discountTotal: number;
  total: number;
  rounding: number;
  payments: { method: string; amount: number; reference?: string }[];
  change: number;
  pointsEarned: number;
  pointsRedeemed: number;
  coupons: string[];
  member: { id: string; points: number; storedValue: number; tier: { code: string; name: string } } | null;
  /** Lines sold below zero under the `allow` policy (also in the exception log). */
  warnings: { line: number; skuId: string; code: 'negative_stock'; onHand: number }[];
  staffId: string;
  terminalId: string | null;
  exchangeOf?: string;
}

export interface Completed {
  /** True when this id and body came before: the first answer, nothing written (HTTP 200). */
  replayed: boolean;
  sale: SaleResult;
}

export interface SaleView extends SaleResult {
  status: 'completed' | 'voided';
  voided: { at: string; by: string | null; approverId: string | null; reason: string | null } | null;
  /** Per line of `lines`, in order: how many units came back so far. */
  returned: { lineId: string; skuId: string; qty: number; returnedQty: number }[];
  returns: { id: string; number: string; at: string; kind: string; amount: number; refundTotal: number }[];
}
