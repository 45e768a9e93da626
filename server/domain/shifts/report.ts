import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { TakingsReport } from '../../protocol/shifts.js';
import type { Database } from '../../storage/schema.js';

/** Which sales and returns a report covers: a terminal's shift window, or a store day. */
export type ReportScope =
  | { kind: 'window'; terminalId: string; from: string; to: string | null }
  | { kind: 'day'; day: string; terminalId?: string };

/** Takings of non-training sales and returns in the scope (voided sales counted apart, no money). */
export async function takings(
  db: Kysely<Database>,
  ctx: AppContext,
  scope: ReportScope,
): Promise<TakingsReport> {
  let sales = db.selectFrom('sales').where('store_id', '=', ctx.store.id).where('training', '=', 0);
  let returns = db
    .selectFrom('returns')
    .where('returns.store_id', '=', ctx.store.id)
    .where('returns.training', '=', 0);
  if (scope.kind === 'window') {
    sales = sales.where('device_id', '=', scope.terminalId).where('at', '>=', scope.from);
    returns = returns.where('returns.device_id', '=', scope.terminalId).where('returns.at', '>=', scope.from);
    if (scope.to) {
      sales = sales.where('at', '<=', scope.to);
      returns = returns.where('returns.at', '<=', scope.to);
    }
  } else {
    sales = sales.where('business_day', '=', scope.day);
    returns = returns.where('returns.business_day', '=', scope.day);
    if (scope.terminalId) {
      sales = sales.where('device_id', '=', scope.terminalId);
      returns = returns.where('returns.device_id', '=', scope.terminalId);
    }
  }
  const saleRows = await sales
    .select(['id', 'status', 'subtotal', 'discount_total', 'total', 'change'])
    .execute();
  const completed = saleRows.filter((row) => row.status !== 'voided');
  const voided = saleRows.filter((row) => row.status === 'voided');
  const paymentRows = completed.length
    ? await db
        .selectFrom('sale_payments')
        .select(['method', 'amount'])
        .where(
          'sale_id',
          'in',
          completed.map((row) => row.id),
        )
        .execute()
    : [];
  const payments: Record<string, number> = {};
  for (const row of paymentRows) payments[row.method] = (payments[row.method] ?? 0) + row.amount;
  const change = completed.reduce((sum, row) => sum + row.change, 0);
  if (change > 0) payments.cash = (payments.cash ?? 0) - change;

  const refundRows = await returns
    .innerJoin('refunds', 'refunds.return_id', 'returns.id')
    .select(['refunds.method as method', 'refunds.amount as amount'])
    .execute();
  const refunds: Record<string, number> = {};
  for (const row of refundRows) refunds[row.method] = (refunds[row.method] ?? 0) + row.amount;
  const returnRows = await returns
    .select(['returns.amount as amount', 'returns.refund_total as refundTotal'])
    .execute();
  const total = completed.reduce((sum, row) => sum + row.total, 0);
  const returned = returnRows.reduce((sum, row) => sum + row.amount, 0);

  return {
    sales: {
      count: completed.length,
      subtotal: completed.reduce((sum, row) => sum + row.subtotal, 0),
      discounts: completed.reduce((sum, row) => sum + row.discount_total, 0),
      total,
      net: total - returned,
    },
    voids: { count: voided.length, total: voided.reduce((sum, row) => sum + row.total, 0) },
    returns: {
      count: returnRows.length,
      amount: returned,
      refunds: returnRows.reduce((sum, row) => sum + row.refundTotal, 0),
    },
    payments,
    refunds,
    netCash: (payments.cash ?? 0) - (refunds.cash ?? 0),
  };
}
