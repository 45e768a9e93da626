import type { AppContext } from '../../context.js';
import type { SlipDocument } from '../../protocol/printing.js';
import type { PaymentMethod } from '../../protocol/receipt.js';
import type { ShiftReport } from '../../protocol/shifts.js';

const METHODS: ReadonlySet<string> = new Set(['cash', 'wechat', 'alipay', 'card', 'stored_value', 'coupon']);

/** Text as the print schema takes it: one line, no control characters, at most `max`. */
function line(text: string, max: number): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .trim()
    .slice(0, max);
}

/**
 * The 交班单 of a shift closed with its counted cash: the figures the cashier signs for, each
 * tender's takings, and the variance (the bridge says it as 长款 or 短款).
 */
export function shiftCloseSlip(
  ctx: AppContext,
  report: ShiftReport,
  closing: { at: string; cashier: string; terminalName: string | null; counted: number; note: string | null },
): SlipDocument {
  const { takings, cash } = report;
  const payments = new Map<PaymentMethod, number>();
  for (const [method, amount] of Object.entries(takings.payments)) {
    // A tender the paper has no word for (an exchange credit) is "other".
    const key = (METHODS.has(method) ? method : 'other') as PaymentMethod;
    payments.set(key, (payments.get(key) ?? 0) + amount);
  }
  const terminalName = closing.terminalName ? line(closing.terminalName, 40) : '';
  const note = closing.note ? line(closing.note, 120) : '';
  return {
    kind: 'shift_close',
    store: { code: ctx.store.code, name: line(ctx.store.name, 80) },
    ref: report.id,
    at: closing.at,
    since: report.openedAt,
    timeZone: ctx.store.timeZone,
    cashier: { name: line(closing.cashier, 40) || '—' },
    ...(terminalName && { terminalName }),
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
