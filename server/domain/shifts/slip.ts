import type { SlipDocument } from '../../protocol/printing.js';
import type { PaymentMethod } from '../../protocol/receipt.js';
import type { ShiftReport } from '../../protocol/shifts.js';
import { slipText } from '../devices/slips.js';

const METHODS: ReadonlySet<string> = new Set(['cash', 'wechat', 'alipay', 'card', 'stored_value', 'coupon']);

/**
 * The 交班单 of a shift closed with its counted cash: the figures the cashier signs for, each
 * tender's takings, and the variance (the bridge says it as 长款 or 短款).
 */
export function shiftCloseSlip(
  head: Pick<SlipDocument, 'store' | 'at' | 'timeZone' | 'cashier' | 'terminalName'>,
  report: ShiftReport,
  closing: { counted: number; note: string | null },
): SlipDocument {
  const { takings, cash } = report;
  const payments = new Map<PaymentMethod, number>();
  for (const [method, amount] of Object.entries(takings.payments)) {
    // A tender the paper has no word for (an exchange credit) is "other".
    const key = (METHODS.has(method) ? method : 'other') as PaymentMethod;
    payments.set(key, (payments.get(key) ?? 0) + amount);
  }
  const note = closing.note ? slipText(closing.note, 120) : '';
  return {
    kind: 'shift_close',
    ...head,
    ref: report.id,
    since: report.openedAt,
    figures: [
      { item: 'salesCount', value: takings.sales.count },
      { item: 'salesTotal', value: takings.sales.total },
      { item: 'refunds', value: takings.returns.refunds },
      { item: 'float', value: cash.float },
      { item: 'cashIn', value: cash.cashIn },
      { item: 'paidOut', value: cash.paidOut },
      { item: 'expected', value: cash.expected },
      { item: 'counted', value: closing.counted },
      { item: 'variance', value: closing.counted - cash.expected },
    ],
    payments: [...payments].map(([method, amount]) => ({ method, amount })),
    ...(note && { note }),
  };
}

/** The 存款单 / 取款单 of cash put into or paid out of the drawer, with its reason. */
export function cashEntrySlip(
  head: Pick<SlipDocument, 'store' | 'at' | 'timeZone' | 'cashier' | 'terminalName'>,
  entry: { id: string; kind: 'cash_in' | 'paid_out'; amount: number; reason: string },
): SlipDocument {
  const note = slipText(entry.reason, 120);
  return {
    kind: entry.kind,
    ...head,
    ref: entry.id,
    figures: [{ item: 'amount', value: entry.amount }],
    payments: [],
    ...(note && { note }),
  };
}
