import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { Database } from '../../storage/schema.js';
import type { PricedCart } from './quote.js';
import { buildReceipt } from './receipt.js';
import type { RefundTender } from './tenders.js';

/**
 * What a sale or a return answers (stored with it and returned as is to a repeat) and the
 * receipt printed for it, made from what the action posted.
 */

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

/** The answer to `POST /api/sales/:id/returns`, stored with the return and returned to a repeat. */
export interface ReturnResult {
  id: string;
  saleId: string | null;
  number: string;
  at: string;
  kind: 'return' | 'exchange' | 'receiptless';
  training: boolean;
  lines: { skuId: string; qty: number; amount: number }[];
  /** What the returned goods were worth: their share of the sale after every discount. */
  amount: number;
  /** The value of earned points the member had already spent, kept back from the refund. */
  keptBack: number;
  pointsTakenBack: number;
  pointsShortfall: number;
  pointsGivenBack: number;
  couponsReleased: string[];
  refund: { method: string; amount: number; reference?: string }[];
  refundTotal: number;
  member: { id: string; points: number; storedValue: number } | null;
  approverId: string | null;
}

/** A member's balances and tier as the action leaves them, for the answer and the receipt. */
export interface MemberNow {
  name: string;
  phone: string | null;
  points: number;
  storedValue: number;
  tier: { code: string; name: string };
}

export async function memberNow(trx: Kysely<Database>, memberId: string): Promise<MemberNow> {
  const row = await trx
    .selectFrom('members')
    .innerJoin('tiers', 'tiers.id', 'members.tier_id')
    .select([
      'members.name',
      'members.points',
      'members.stored_principal',
      'members.stored_bonus',
      'members.phone',
      'tiers.code',
      'tiers.name as tier',
    ])
    .where('members.id', '=', memberId)
    .executeTakeFirstOrThrow();
  return {
    name: row.name,
    phone: row.phone,
    points: row.points,
    storedValue: row.stored_principal + row.stored_bonus,
    tier: { code: row.code, name: row.tier },
  };
}

export interface SaleFacts {
  id: string;
  number: string;
  at: string;
  training: boolean;
  priced: PricedCart;
  payments: { method: string; amount: number; reference: string | null }[];
  change: number;
  pointsEarned: number;
  warnings: SaleResult['warnings'];
  member: MemberNow | null;
  staff: StaffPrincipal;
  exchangeOf?: string | undefined;
}

/** The answer to a sale. */
export function saleResultOf(facts: SaleFacts): SaleResult {
  const { priced, training, member } = facts;
  const { quote } = priced;
  return {
    id: facts.id,
    number: facts.number,
    at: facts.at,
    training,
    lines: quote.lines.map((line) => ({
      lineId: line.lineId,
      skuId: line.skuId,
      barcode: line.barcode,
      styleCode: line.styleCode,
      name: line.name,
      color: line.color,
      size: line.size,
      qty: line.qty,
      unitPrice: line.unitPrice,
      discounts: line.discounts.map((d) => ({
        source: d.source,
        ...(d.ref !== undefined && { ref: d.ref }),
        label: d.label,
        amount: d.amount,
      })),
      total: line.total,
    })),
    subtotal: quote.subtotal,
    discountTotal: quote.discountTotal,
    total: quote.total,
    rounding: quote.rounding,
    payments: facts.payments.map((p) => ({
      method: p.method,
      amount: p.amount,
      ...(p.reference !== null && { reference: p.reference }),
    })),
    change: facts.change,
    pointsEarned: facts.pointsEarned,
    pointsRedeemed: training ? 0 : quote.points.used,
    coupons: training ? [] : priced.couponCodes,
    member:
      priced.member && member
        ? { id: priced.member.id, points: member.points, storedValue: member.storedValue, tier: member.tier }
        : null,
    warnings: facts.warnings,
    staffId: facts.staff.staffId,
    terminalId: facts.staff.deviceId,
    ...(facts.exchangeOf !== undefined && { exchangeOf: facts.exchangeOf }),
  };
}

/** The receipt of a sale. */
export function saleReceiptOf(ctx: AppContext, facts: SaleFacts): ReceiptDocument {
  const { priced, member } = facts;
  return buildReceipt(ctx, {
    kind: 'sale',
    id: facts.id,
    number: facts.number,
    at: facts.at,
    cashierName: facts.staff.name,
    training: facts.training,
    lines: priced.quote.lines.map((line) => ({ ...line })),
    total: priced.quote.total,
    payments: facts.payments,
    change: facts.change,
    member:
      priced.member && member
        ? {
            name: priced.member.name,
            phone: member.phone,
            tier: member.tier.name,
            pointsEarned: facts.pointsEarned,
            pointsBalance: member.points,
            storedValueBalance: member.storedValue,
          }
        : null,
  });
}

/** The refund tenders as the answer lists them (a reference only where there is one). */
export function refundAnswer(refunds: readonly RefundTender[]): ReturnResult['refund'] {
  return refunds.map((r) => ({
    method: r.method,
    amount: r.amount,
    ...(r.reference !== null && { reference: r.reference }),
  }));
}
