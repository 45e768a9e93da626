import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { lineIdsTaken } from '../../errors.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { ReturnResult, SaleResult } from '../../protocol/sales.js';
import { append } from '../../storage/appends.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import type { SaleApprovals } from './approvals.js';
import type { PricedCart } from './quote.js';
import type { SaleLineInput } from './schemas.js';
import type { RefundTender } from './tenders.js';

/**
 * The rows a sale or a return leaves, their audit entries and their event: what is kept of a
 * business action once its money and goods have moved (postings.ts).
 */

export interface SalePaymentRow {
  method: string;
  amount: number;
  reference: string | null;
  principal: number | null;
  bonus: number | null;
}

export interface SaleRecord {
  sale: SaleResult;
  receipt: ReceiptDocument;
  priced: PricedCart;
  day: string;
  paid: number;
  paymentRows: SalePaymentRow[];
  staff: StaffPrincipal;
  approvals: SaleApprovals;
  /** The lines as asked for: their discounts are audited. */
  asked: readonly SaleLineInput[];
  hash: string;
}

/**
 * A line id is a sale line's id for good: one already sold (a cart's line sent before under
 * another sale id, a terminal reusing its ids) is refused before the insert would fail. `null`:
 * an id made here, not looked up.
 */
async function assertLineIdsFree(trx: Kysely<Database>, lineIds: readonly (string | null)[]): Promise<void> {
  const sent = lineIds.filter((id) => id !== null);
  if (sent.length === 0) return;
  const taken = await trx.selectFrom('sale_lines').select('id').where('id', 'in', sent).execute();
  if (taken.length === 0) return;
  const ids = new Set(taken.map((row) => row.id));
  const fields: Record<string, string> = {};
  for (const [i, id] of lineIds.entries())
    if (id !== null && ids.has(id)) fields[`lines.${i}.lineId`] = 'already sold';
  throw lineIdsTaken(fields);
}

/** Keeps a sale: its row, lines, discounts and payments; the audit of it and of its overrides. */
export async function keepSale(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  record: SaleRecord,
): Promise<void> {
  const { sale, priced, staff, approvals } = record;
  const { quote, member } = priced;
  const saleId = sale.id;
  const approverId = approvals.approver?.staffId ?? null;
  // Only the ids the till sent: one made for a line just now (`priceRequest`) is new.
  await assertLineIdsFree(
    trx,
    quote.lines.map((line, i) => (record.asked[i]?.lineId === undefined ? null : line.lineId)),
  );
  await append(trx, 'sales', {
    id: saleId,
    store_id: ctx.store.id,
    number: sale.number,
    business_day: record.day,
    at: sale.at,
    staff_id: staff.staffId,
    approver_id: approverId,
    device_id: staff.deviceId,
    member_id: member?.id ?? null,
    training: sale.training ? 1 : 0,
    status: 'completed',
    subtotal: quote.subtotal,
    discount_total: quote.discountTotal,
    total: quote.total,
    paid: record.paid,
    change: sale.change,
    rounding: quote.rounding,
    points_earned: sale.pointsEarned,
    points_redeemed: sale.pointsRedeemed,
    request_hash: record.hash,
    result: JSON.stringify(sale),
    receipt: JSON.stringify(record.receipt),
    exchange_of: sale.exchangeOf ?? null,
    voided_at: null,
    voided_by: null,
    void_approver_id: null,
    void_reason: null,
  });
  await append(
    trx,
    'sale_lines',
    quote.lines.map((line, i) => ({
      id: line.lineId,
      store_id: ctx.store.id,
      sale_id: saleId,
      line_no: i,
      sku_id: line.skuId,
      style_id: line.styleId,
      category_id: line.categoryId,
      barcode: line.barcode,
      name: line.name,
      color: line.color,
      size: line.size,
      qty: line.qty,
      list_price: line.listPrice,
      unit_price: line.unitPrice,
      price_override: line.priceOverride,
      discount_total: line.qty * line.unitPrice - line.total,
      total: line.total,
      // The style's cost of now stays with the line: this sale's margin never moves later.
      unit_cost: priced.unitCosts[i] ?? null,
    })),
  );
  const discountRows = quote.lines.flatMap((line) =>
    line.discounts.map((discount, seq) => ({
      id: newId(),
      store_id: ctx.store.id,
      sale_id: saleId,
      line_id: line.lineId,
      seq,
      source: discount.source,
      ref: discount.ref ?? null,
      label: discount.label,
      amount: discount.amount,
    })),
  );
  if (discountRows.length > 0) await append(trx, 'sale_line_discounts', discountRows);
  if (record.paymentRows.length > 0) {
    await append(
      trx,
      'sale_payments',
      record.paymentRows.map((p, seq) => ({
        id: newId(),
        store_id: ctx.store.id,
        sale_id: saleId,
        seq,
        ...p,
      })),
    );
  }

  const audited = {
    staffId: staff.staffId,
    deviceId: staff.deviceId,
    subjectType: 'sale',
    subjectId: saleId,
  };
  await recordAudit(trx, ctx, {
    ...audited,
    kind: 'sale.completed',
    approverId,
    detail: {
      number: sale.number,
      total: quote.total,
      training: sale.training,
      memberId: member?.id ?? null,
    },
  });
  for (const i of approvals.overrides) {
    const line = quote.lines[i];
    await recordAudit(trx, ctx, {
      ...audited,
      kind: 'sale.price_overridden',
      approverId,
      detail: { line: i, skuId: line?.skuId, listPrice: line?.listPrice, price: line?.priceOverride },
    });
  }
  for (const [i, line] of record.asked.entries()) {
    if (!line.discount) continue;
    await recordAudit(trx, ctx, {
      ...audited,
      kind: 'sale.discount_given',
      approverId: approvals.bigDiscounts.includes(i) ? approverId : null,
      detail: {
        line: i,
        skuId: quote.lines[i]?.skuId,
        discount: line.discount,
        beyondLimit: approvals.bigDiscounts.includes(i),
      },
    });
  }
  outbox.add('sale.completed', {
    saleId,
    number: sale.number,
    terminalId: staff.deviceId,
    staffId: staff.staffId,
    memberId: member?.id ?? null,
    total: quote.total,
    training: sale.training,
  });
}

export interface ReturnRecord {
  result: ReturnResult;
  receipt: ReceiptDocument;
  day: string;
  staff: StaffPrincipal;
  memberId: string | null;
  lines: { saleLineId: string | null; skuId: string; qty: number; amount: number; pointsDiscount: number }[];
  refunds: RefundTender[];
  reason: string | null;
  /** What tenders refunded beyond what they paid (cash for a card payment…): a manager's exception. */
  beyondTenders: readonly { method: string; amount: number }[];
  hash: string;
}

/**
 * Keeps a return, with a receipt or without: its row, lines and refunds, its audit (under the
 * sale it came from, or under itself when there was no receipt) and `sale.returned`.
 */
export async function keepReturn(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  record: ReturnRecord,
): Promise<void> {
  const { result, staff } = record;
  await append(trx, 'returns', {
    id: result.id,
    store_id: ctx.store.id,
    sale_id: result.saleId,
    number: result.number,
    business_day: record.day,
    at: result.at,
    kind: result.kind,
    staff_id: staff.staffId,
    approver_id: result.approverId,
    device_id: staff.deviceId,
    member_id: record.memberId,
    training: result.training ? 1 : 0,
    amount: result.amount,
    points_taken: result.pointsTakenBack,
    points_shortfall: result.pointsShortfall,
    kept_back: result.keptBack,
    points_given_back: result.pointsGivenBack,
    refund_total: result.refundTotal,
    reason: record.reason,
    request_hash: record.hash,
    result: JSON.stringify(result),
    receipt: JSON.stringify(record.receipt),
  });
  await append(
    trx,
    'return_lines',
    record.lines.map((line) => ({
      id: newId(),
      store_id: ctx.store.id,
      return_id: result.id,
      sale_line_id: line.saleLineId,
      sku_id: line.skuId,
      qty: line.qty,
      amount: line.amount,
      points_discount: line.pointsDiscount,
    })),
  );
  if (record.refunds.length > 0) {
    await append(
      trx,
      'refunds',
      record.refunds.map((r, seq) => ({
        id: newId(),
        store_id: ctx.store.id,
        return_id: result.id,
        seq,
        ...r,
      })),
    );
  }
  const audited = {
    kind: 'sale.returned' as const,
    staffId: staff.staffId,
    approverId: result.approverId,
    deviceId: staff.deviceId,
  };
  await recordAudit(
    trx,
    ctx,
    result.saleId
      ? {
          ...audited,
          subjectType: 'sale',
          subjectId: result.saleId,
          detail: {
            returnId: result.id,
            number: result.number,
            amount: result.amount,
            refundTotal: result.refundTotal,
            keptBack: result.keptBack,
            training: result.training,
            reason: record.reason,
            ...beyondDetail(record.beyondTenders),
          },
        }
      : {
          ...audited,
          subjectType: 'return',
          subjectId: result.id,
          detail: { number: result.number, amount: result.amount, receiptless: true, reason: record.reason },
        },
  );
  outbox.add('sale.returned', {
    returnId: result.id,
    saleId: result.saleId,
    number: result.number,
    terminalId: staff.deviceId,
    refundTotal: result.refundTotal,
  });
}

/** The audit's words for a refund beyond the tenders: each tender's amount, and cash's alone as before. */
function beyondDetail(beyond: ReturnRecord['beyondTenders']): Record<string, unknown> {
  if (beyond.length === 0) return {};
  const cash = beyond.find((b) => b.method === 'cash')?.amount ?? 0;
  return {
    beyondTenders: Object.fromEntries(beyond.map((b) => [b.method, b.amount])),
    ...(cash > 0 && { cashBeyondTenders: cash }),
  };
}
