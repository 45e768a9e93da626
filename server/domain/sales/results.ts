import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { ReceiptSettings, ReturnResult, SaleResult } from '../../protocol/sales.js';
import type { Database, MemberRow, TierRow } from '../../storage/schema.js';
import type { SaleLoyalty } from './postings.js';
import type { PricedCart } from './quote.js';
import { buildReceipt } from './receipt.js';
import type { RefundTender } from './tenders.js';

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

/**
 * The member's balances as the sale leaves them, from the row it was priced with and what it
 * moved (no read: nothing else moves them inside the sale's transaction). A training sale moved
 * nothing, so `loyalty` is null and the row stands.
 */
export function memberAfterSale(
  member: MemberRow & { tier: TierRow },
  loyalty: SaleLoyalty | null,
  payments: readonly { principal: number | null; bonus: number | null }[],
): MemberNow {
  const spent = payments.reduce((sum, p) => sum + (p.principal ?? 0) + (p.bonus ?? 0), 0);
  return {
    name: member.name,
    phone: member.phone,
    points: loyalty?.points ?? member.points,
    storedValue: member.stored_principal + member.stored_bonus - spent,
    tier: loyalty?.tier ?? { code: member.tier.code, name: member.tier.name },
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
  /** The member's invitation for the receipt, when the shop prints it. */
  invite?: ReceiptDocument['invite'] | undefined;
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
export function saleReceiptOf(ctx: AppContext, facts: SaleFacts, shop: ReceiptSettings): ReceiptDocument {
  const { priced, member } = facts;
  return buildReceipt(ctx, {
    shop,
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
    invite: facts.invite,
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
