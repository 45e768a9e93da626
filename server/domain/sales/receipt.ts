import type { AppContext } from '../../context.js';
import type { Discount } from '../../protocol/quote.js';
import {
  RECEIPT_SCHEMA,
  type ReceiptDiscount,
  type ReceiptDocument,
  type ReceiptLine,
} from '../../protocol/receipt.js';
import type { ReceiptSettings } from '../../protocol/sales.js';
import { maskPhone } from '../members/phone.js';

/** Discounts printed under their line; the rest are whole-sale discounts printed under the subtotal. */
const LINE_SOURCES = new Set<Discount['source']>(['member_price', 'promotion', 'manual', 'tier', 'birthday']);

export interface ReceiptSource {
  kind: 'sale' | 'refund';
  id: string;
  number: string;
  /** A refund's original sale number. */
  originalNumber?: string;
  at: string;
  cashierName: string;
  training: boolean;
  lines: {
    /** The sale line's id; a refund's line names the sale line it came back from, if any. */
    lineId?: string | null | undefined;
    name: string;
    styleCode: string;
    color: string;
    size: string;
    barcode: string;
    qty: number;
    unitPrice: number;
    discounts: readonly Discount[];
    total: number;
  }[];
  total: number;
  payments: { method: string; amount: number; reference?: string | null | undefined }[];
  change: number;
  member: {
    name: string;
    phone: string | null;
    tier: string;
    pointsEarned: number;
    pointsBalance: number;
    storedValueBalance: number;
  } | null;
  /** The member's invitation, printed at the end of a sale's receipt when the shop wants it. */
  invite?: ReceiptDocument['invite'] | undefined;
  /** Notes of this document (no receipt, points kept back), printed above the shop's footer. */
  notes?: string[];
  /** What the shop prints on every receipt. */
  shop: ReceiptSettings;
}

const text = (value: string, max: number) => value.replace(/\p{Cc}/gu, ' ').slice(0, max);

/** The receipt document of a committed sale or return, stored with it for reprints. */
export function buildReceipt(ctx: AppContext, source: ReceiptSource): ReceiptDocument {
  const sign = source.kind === 'refund' ? -1 : 1;
  const orderDiscounts = new Map<string, number>();
  const lines: ReceiptLine[] = source.lines.map((line) => {
    const own: ReceiptDiscount[] = [];
    let ownTotal = 0;
    for (const discount of line.discounts) {
      if (LINE_SOURCES.has(discount.source)) {
        own.push({ label: text(discount.label, 40) || '折扣', amount: discount.amount });
        ownTotal += discount.amount;
      } else {
        const label = text(discount.label, 40) || '优惠';
        orderDiscounts.set(label, (orderDiscounts.get(label) ?? 0) + discount.amount);
      }
    }
    return {
      ...(line.lineId && { lineId: line.lineId }),
      name: text(line.name, 80),
      styleCode: text(line.styleCode, 32),
      color: text(line.color, 20),
      size: text(line.size, 20),
      barcode: text(line.barcode, 32),
      quantity: sign * line.qty,
      unitPrice: line.unitPrice,
      discounts: own.slice(0, 10),
      total: sign * (line.qty * line.unitPrice - ownTotal),
    };
  });
  const subtotal = lines.reduce((sum, line) => sum + line.total, 0);
  const discounts = [...orderDiscounts.entries()].map(([label, amount]) => ({ label, amount }));
  const footer = [...(source.notes ?? []), ...source.shop.footer].map((line) => text(line, 120));
  const { address, phone, returnsPolicy, header } = source.shop;
  return {
    schema: RECEIPT_SCHEMA,
    kind: source.kind,
    store: {
      code: ctx.store.code,
      name: text(ctx.store.name, 80),
      ...(address && { address: text(address, 120) }),
      ...(phone && { phone: text(phone, 40) }),
    },
    ...(header.length > 0 && { header: header.slice(0, 8).map((line) => text(line, 120)) }),
    saleId: source.id,
    saleNumber: source.number,
    ...(source.originalNumber && { originalSaleNumber: source.originalNumber }),
    at: source.at,
    timeZone: ctx.store.timeZone,
    currency: ctx.store.currency,
    cashier: { name: text(source.cashierName, 40) || '—' },
    lines,
    subtotal,
    discounts: discounts.slice(0, 20),
    total: sign * source.total,
    payments: source.payments.map((payment) => ({
      method: (['cash', 'card', 'wechat', 'alipay', 'stored_value'].includes(payment.method)
        ? payment.method
        : 'other') as ReceiptDocument['payments'][number]['method'],
      ...(payment.method === 'exchange' && { label: '换货抵扣' }),
      amount: sign * payment.amount,
      // An exchange credit's reference is its return's id: nothing a customer can read.
      ...(payment.reference && payment.method !== 'exchange' && { reference: text(payment.reference, 40) }),
    })),
    change: source.change,
    ...(source.member && {
      member: {
        name: text(source.member.name, 40),
        phoneMasked: source.member.phone ? maskPhone(source.member.phone) : '',
        tier: source.member.tier,
        pointsEarned: source.member.pointsEarned,
        pointsBalance: source.member.pointsBalance,
        storedValueBalance: source.member.storedValueBalance,
      },
    }),
    ...(returnsPolicy.length > 0 && { returnsPolicy: returnsPolicy.map((line) => text(line, 120)) }),
    ...(source.training && { training: true }),
    ...(footer.length > 0 && { footer: footer.slice(0, 10) }),
    barcode: true,
    qr: true,
    ...(source.invite && { invite: source.invite }),
  };
}
