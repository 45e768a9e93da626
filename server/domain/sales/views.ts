import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { ReturnResult, SaleResult, SaleSummary, SaleView } from '../../protocol/sales.js';

/**
 * `GET /api/sales/:id`: the sale as first answered, with its status and what came back. Any
 * store's sale: in a chain a customer may bring it back to any store (a single shop's database
 * holds only its own).
 */
export async function getSale(ctx: AppContext, id: string): Promise<SaleView> {
  const db = ctx.storage.db;
  const row = await db.selectFrom('sales').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('sale', id);
  const lines = await db
    .selectFrom('sale_lines')
    .select(['id', 'line_no', 'sku_id', 'qty', 'returned_qty'])
    .where('sale_id', '=', id)
    .orderBy('line_no')
    .execute();
  const returns = await db
    .selectFrom('returns')
    .select(['id', 'number', 'at', 'kind', 'amount', 'refund_total'])
    .where('sale_id', '=', id)
    .orderBy('at')
    .execute();
  const result = JSON.parse(row.result) as SaleResult;
  // A sale kept before lines had one id answered with positions ("0000"); its lines' ids are
  // the stored ones, so the view names every sale's lines as its returns and receipts do.
  const ids = new Map(lines.map((line) => [line.line_no, line.id]));
  return {
    ...result,
    lines: result.lines.map((line, i) => ({ ...line, lineId: ids.get(i) ?? line.lineId })),
    status: row.status as SaleView['status'],
    voided: row.voided_at
      ? { at: row.voided_at, by: row.voided_by, approverId: row.void_approver_id, reason: row.void_reason }
      : null,
    returned: lines.map((line) => ({
      lineId: line.id,
      skuId: line.sku_id,
      qty: line.qty,
      returnedQty: line.returned_qty,
    })),
    returns: returns.map((r) => ({
      id: r.id,
      number: r.number,
      at: r.at,
      kind: r.kind,
      amount: r.amount,
      refundTotal: r.refund_total,
    })),
  };
}

/** The stored receipt document, for a reprint (any store's, as `getSale`). */
export async function saleReceipt(ctx: AppContext, id: string): Promise<ReceiptDocument> {
  const row = await ctx.storage.db
    .selectFrom('sales')
    .select('receipt')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('sale', id);
  return JSON.parse(row.receipt) as ReceiptDocument;
}

/**
 * `GET /api/sales?number=` (the receipt number as printed or scanned from the receipt's
 * barcode), `?memberId=` (the member's history, newest first), or `?day=YYYY-MM-DD`. A receipt
 * number and a member's history are the chain's (numbers carry their store's code); a day is
 * this store's.
 */
export async function findSales(
  ctx: AppContext,
  filter: {
    number?: string | undefined;
    memberId?: string | undefined;
    day?: string | undefined;
    before?: string | undefined;
    limit: number;
  },
): Promise<{ items: SaleSummary[]; nextBefore: string | null }> {
  if (!filter.number && !filter.memberId && !filter.day) {
    throw new ApiError('validation_failed', 'Give number, memberId or day.', {
      'query.number': 'number, memberId or day required',
    });
  }
  let query = ctx.storage.db
    .selectFrom('sales')
    .select(['id', 'number', 'at', 'status', 'training', 'total', 'member_id', 'staff_id', 'device_id']);
  if (filter.day) query = query.where('store_id', '=', ctx.store.id);
  if (filter.number) query = query.where('number', '=', filter.number.trim().toUpperCase());
  if (filter.memberId) query = query.where('member_id', '=', filter.memberId);
  if (filter.day) query = query.where('business_day', '=', filter.day);
  if (filter.before) query = query.where('at', '<', filter.before);
  const rows = await query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  const page = rows.slice(0, filter.limit);
  return {
    items: page.map((row) => ({
      id: row.id,
      number: row.number,
      at: row.at,
      status: row.status,
      training: row.training === 1,
      total: row.total,
      memberId: row.member_id,
      staffId: row.staff_id,
      terminalId: row.device_id,
    })),
    nextBefore: rows.length > filter.limit ? (page.at(-1)?.at ?? null) : null,
  };
}

/** `GET /api/returns/:id`: a return as first answered. */
export async function getReturn(ctx: AppContext, id: string): Promise<ReturnResult> {
  const row = await ctx.storage.db
    .selectFrom('returns')
    .select('result')
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!row) throw notFound('return', id);
  return JSON.parse(row.result) as ReturnResult;
}
