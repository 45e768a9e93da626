import { z } from 'zod';
import { SALE_PAYMENT_METHODS } from '../../protocol/sales.js';
import { MAX_LINE_QTY } from '../pricing/engine.js';

export const id = z.string().min(1).max(64);
const fen = z.number().int('whole fen').min(0).max(1_000_000_000);
const positiveFen = z.number().int('whole fen').min(1).max(1_000_000_000);

export const saleLineInput = z
  .strictObject({
    /**
     * The line's id, kept as the sale line's id and on its receipt line; a cart's lines bring
     * their own. Without it the server makes one when it prices the line.
     */
    lineId: z.uuid().optional(),
    skuId: id.optional(),
    barcode: z.string().trim().min(1).max(64).optional(),
    qty: z.number().int('a whole number').min(1, 'at least 1').max(MAX_LINE_QTY, `at most ${MAX_LINE_QTY}`),
    /** A price for one unit the cashier sets: needs `price.override` (a manager's approval). */
    priceOverride: fen.optional(),
    /** A manual line discount: beyond the cashier limit it needs `discount.beyond_limit`. */
    discount: z
      .discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('percent'), offBp: z.number().int().min(1).max(10_000) }),
        z.strictObject({ kind: z.literal('amount'), amount: positiveFen }),
      ])
      .optional(),
  })
  .refine((line) => (line.skuId === undefined) !== (line.barcode === undefined), {
    message: 'give either skuId or barcode',
    path: ['skuId'],
  });
export type SaleLineInput = z.output<typeof saleLineInput>;

/** The lines of one sale (or of a cart tried on a draft): a line id names one line only. */
export const saleLines = (max: number) =>
  z
    .array(saleLineInput)
    .min(1, 'at least one line')
    .max(max)
    .superRefine((lines, check) => {
      const seen = new Set<string>();
      for (const [i, line] of lines.entries()) {
        if (line.lineId === undefined) continue;
        if (seen.has(line.lineId)) {
          check.addIssue({
            code: 'custom',
            message: 'given to another line of this sale',
            path: [i, 'lineId'],
          });
        }
        seen.add(line.lineId);
      }
    });

const cartFields = {
  memberId: id.optional(),
  lines: saleLines(200),
  couponCodes: z.array(z.string().trim().min(1).max(32)).max(5).default([]),
  redeemPoints: z.number().int().min(0).max(100_000_000).default(0),
  training: z.boolean().default(false),
};

export const quoteBody = z.strictObject({
  ...cartFields,
  /** Accepted (and ignored) so a terminal can quote the very body it will send. */
  id: z.uuid().optional(),
  expectedTotal: fen.optional(),
  payments: z.array(z.unknown()).max(10).optional(),
  memberPin: z.string().optional(),
});
export type QuoteInput = z.output<typeof quoteBody>;

export const paymentInput = z.strictObject({
  method: z.enum(SALE_PAYMENT_METHODS),
  amount: positiveFen,
  /** The card slip or payment reference number (no gateway: it is recorded, not checked). */
  reference: z.string().trim().min(1).max(64).optional(),
  /** A mobile payment (`POST /api/payments`) that succeeded: this tender is that money. */
  paymentId: z.string().trim().min(1).max(64).optional(),
});
export type PaymentInput = z.output<typeof paymentInput>;

export const saleBody = z.strictObject({
  ...cartFields,
  /** The terminal's UUID for this sale, made before the first attempt: the idempotency key. */
  id: z.uuid(),
  payments: z.array(paymentInput).max(10).default([]),
  /** The total the terminal showed; if the price in force differs at commit, 409 with the new quote. */
  expectedTotal: fen.optional(),
  /** The member's PIN for a stored-value payment above the PIN limit; never stored or compared. */
  memberPin: z
    .string()
    .regex(/^\d{4,6}$/, '4–6 digits')
    .optional(),
});
export type SaleInput = z.output<typeof saleBody>;

export const refundInput = z.strictObject({
  method: z.enum(SALE_PAYMENT_METHODS),
  amount: positiveFen,
  reference: z.string().trim().min(1).max(64).optional(),
});
export type RefundInput = z.output<typeof refundInput>;

export const returnLineInput = z.strictObject({
  skuId: id,
  qty: z.number().int('a whole number').min(1, 'at least 1').max(MAX_LINE_QTY, `at most ${MAX_LINE_QTY}`),
});

export const returnBody = z.strictObject({
  /** The terminal's UUID for this return: the idempotency key. */
  id: z.uuid(),
  lines: z.array(returnLineInput).min(1).max(200),
  /** How the money goes back; by default to the sale's own tenders (stored value to the member). */
  refund: z.array(refundInput).max(10).optional(),
  reason: z.string().trim().min(1).max(200).optional(),
});
export type ReturnInput = z.output<typeof returnBody>;

/** Goods back without a receipt, by SKU or by the barcode on their tag. */
const receiptlessLines = z
  .array(
    z
      .strictObject({
        skuId: id.optional(),
        barcode: z.string().trim().min(1).max(64).optional(),
        qty: z
          .number()
          .int('a whole number')
          .min(1, 'at least 1')
          .max(MAX_LINE_QTY, `at most ${MAX_LINE_QTY}`),
        /** What is refunded for one unit; the price in force when not given. */
        unitAmount: fen.optional(),
      })
      .refine((line) => (line.skuId === undefined) !== (line.barcode === undefined), {
        message: 'give either skuId or barcode',
        path: ['skuId'],
      }),
  )
  .min(1, 'at least one line')
  .max(200);
export type ReceiptlessLineInput = z.output<typeof receiptlessLines>[number];

export const receiptlessReturnBody = z.strictObject({
  id: z.uuid(),
  lines: receiptlessLines,
  refund: z.array(refundInput).max(10).optional(),
  reason: z.string().trim().min(1).max(200),
  /**
   * A training till's practice: kept flagged, nothing moves (a till in training mode makes it
   * one anyway). Optional, not defaulted: a return kept before this field still replays by its hash.
   */
  training: z.boolean().optional(),
});
export type ReceiptlessReturnInput = z.output<typeof receiptlessReturnBody>;

export const exchangeBody = z.strictObject({
  /** The exchange's UUID: the return's id; the new sale's id is `saleId`. */
  id: z.uuid(),
  saleId: z.uuid(),
  /** What comes back from the original sale. */
  returnLines: z.array(returnLineInput).min(1).max(200),
  /** What the customer takes instead. */
  lines: z.array(saleLineInput).min(1).max(200),
  couponCodes: z.array(z.string().trim().min(1).max(32)).max(5).default([]),
  redeemPoints: z.number().int().min(0).max(100_000_000).default(0),
  /** What the customer pays on top when the new goods cost more. */
  payments: z.array(paymentInput).max(10).default([]),
  /** Where the difference goes when the new goods cost less (default: the sale's own tenders). */
  refund: z.array(refundInput).max(10).optional(),
  expectedTotal: fen.optional(),
  memberPin: z
    .string()
    .regex(/^\d{4,6}$/, '4–6 digits')
    .optional(),
  reason: z.string().trim().min(1).max(200).optional(),
});
export type ExchangeInput = z.output<typeof exchangeBody>;

/**
 * 无小票换货: goods back without a receipt (valued as `POST /api/returns` values them) and a new
 * sale they pay for. No member: points are not earned twice on goods whose sale is unknown.
 */
export const receiptlessExchangeBody = z.strictObject({
  /** The exchange's UUID: the return's id; the new sale's id is `saleId`. */
  id: z.uuid(),
  saleId: z.uuid(),
  returnLines: receiptlessLines,
  lines: saleLines(200),
  /** What the customer pays on top when the new goods cost more. */
  payments: z.array(paymentInput).max(10).default([]),
  /** Where the difference goes when the new goods cost less (default: cash; never stored value). */
  refund: z.array(refundInput).max(10).optional(),
  expectedTotal: fen.optional(),
  reason: z.string().trim().min(1).max(200),
  /** A training till's practice: priced and kept (flagged), nothing moves. */
  training: z.boolean().default(false),
});
export type ReceiptlessExchangeInput = z.output<typeof receiptlessExchangeBody>;

export const voidBody = z.strictObject({ reason: z.string().trim().min(1).max(200) });
