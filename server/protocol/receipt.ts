/**
 * The receipt document: everything a printed receipt shows, already priced and formatted-free.
 * Checkout produces it from a committed sale; the bridge turns it into printer bytes. Money is
 * integer fen (minor units) throughout; the bridge formats it. Text is as the shop wrote it
 * (Chinese first); the bridge decides how to encode it for each printer.
 */

export const RECEIPT_SCHEMA = 1;

export type PaymentMethod = 'cash' | 'wechat' | 'alipay' | 'card' | 'stored_value' | 'coupon' | 'other';

/** A discount applied to one line or to the whole sale, as the pricing engine explained it. */
export interface ReceiptDiscount {
  /** What the customer reads, e.g. "会员9折" or "满300减50". */
  label: string;
  /** The reduction in fen, positive (20_00 means 20.00 off). */
  amount: number;
}

export interface ReceiptLine {
  /** The sale line's UUID (the cart line's and the quote line's): not printed. Absent on receipts kept before line ids. */
  lineId?: string;
  /** Style name, e.g. "羊毛混纺大衣". */
  name: string;
  styleCode?: string;
  color?: string;
  size?: string;
  /** The SKU's barcode. */
  barcode?: string;
  /** Units; negative on a refund or exchange return line. */
  quantity: number;
  /** Price per unit in fen before this line's discounts. */
  unitPrice: number;
  /** This line's discounts (promotions, member price, manual), each with its label. */
  discounts: ReceiptDiscount[];
  /** quantity × unitPrice − discounts, in fen. */
  total: number;
}

export interface ReceiptPayment {
  method: PaymentMethod;
  /** Printed instead of the method's default name when given, e.g. "微信支付". */
  label?: string;
  /** Fen tendered with this method (cash: what the customer handed over). */
  amount: number;
  /** The last digits of a card or a payment reference, if the shop wants it printed. */
  reference?: string;
}

export interface ReceiptMember {
  name?: string;
  /** Always masked, e.g. "138****8000"; a receipt never carries a full phone number. */
  phoneMasked: string;
  tier?: string;
  pointsEarned: number;
  pointsBalance: number;
  /** Stored value left after this sale, in fen. */
  storedValueBalance?: number;
}

/**
 * The shop's logo as printers take it: a 1-bit image at most 384 dots wide (58 mm paper), rows
 * of width / 8 bytes with the leftmost dot in the high bit, 1 = black; base64. The bridge gets
 * it with its setup (`bridge/setup`), not with every receipt.
 */
export interface ReceiptLogo {
  width: number;
  height: number;
  bits: string;
}

export interface ReceiptDocument {
  schema: typeof RECEIPT_SCHEMA;
  kind: 'sale' | 'refund';
  store: { code: string; name: string; address?: string; phone?: string };
  /** Lines the shop prints under its name (a slogan, opening hours, a WeChat id). */
  header?: string[];
  /** A refund's original sale number, printed as 原单号. */
  originalSaleNumber?: string;
  /** The sale's UUID. */
  saleId: string;
  /** The receipt number people read and scan, e.g. "S001-20261124-0042". */
  saleNumber: string;
  /** When the sale was committed, ISO 8601 UTC. */
  at: string;
  /** The shop's time zone; the time is printed in it. */
  timeZone: string;
  /** ISO 4217, e.g. "CNY". */
  currency: string;
  cashier: { name: string };
  terminalName?: string;
  lines: ReceiptLine[];
  /** Sum of the line totals, in fen. */
  subtotal: number;
  /** Whole-sale discounts (coupons, full-reduction promotions), each with its label. */
  discounts: ReceiptDiscount[];
  /** What the customer pays: subtotal − whole-sale discounts, in fen. */
  total: number;
  payments: ReceiptPayment[];
  /** Cash handed back, in fen. */
  change: number;
  member?: ReceiptMember;
  /** The shop's 退换须知 (returns policy), printed under its heading. */
  returnsPolicy?: string[];
  /** A training sale's receipt: the bridge marks it in the printer's own words, under the title. */
  training?: boolean;
  /** Lines printed at the bottom (thanks, opening hours); the bridge ends with 谢谢惠顾 itself. */
  footer?: string[];
  /** Print the sale number as a CODE128 barcode (for returns at the till). */
  barcode?: boolean;
  /** Content of a QR code printed at the end (e.g. an e-receipt URL); the sale number when true. */
  qr?: string | boolean;
  /**
   * The member's invitation (邀请好友入会), when the shop prints it: the invitation code, and
   * the join address with the code for a QR when the shop set where phones reach it.
   */
  invite?: { code: string; url?: string };
}
