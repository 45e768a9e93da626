import { z } from 'zod';
import type { LabelDocument, PrintJob, SlipDocument } from './printing.js';
import { RECEIPT_SCHEMA, type ReceiptDocument } from './receipt.js';

/** Text printed on paper: one line, no control characters. */
const text = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'no control characters');
const fen = z.number().int('whole fen').min(-1e11).max(1e11);
const discount = z.strictObject({ label: text(40).min(1), amount: fen });

export const receiptDocumentSchema: z.ZodType<ReceiptDocument> = z.strictObject({
  schema: z.literal(RECEIPT_SCHEMA),
  kind: z.enum(['sale', 'refund']),
  store: z.strictObject({
    code: text(16).min(1),
    name: text(80).min(1),
    address: text(120).optional(),
    phone: text(40).optional(),
  }),
  header: z.array(text(120)).max(8).optional(),
  originalSaleNumber: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,32}$/, 'letters, digits and dashes, at most 32')
    .optional(),
  saleId: z.string().min(1).max(64),
  saleNumber: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,32}$/, 'letters, digits and dashes, at most 32 (it is printed as a barcode)'),
  at: z.iso.datetime({ offset: true }),
  timeZone: z.string().min(1).max(64),
  currency: z.string().regex(/^[A-Z]{3}$/),
  cashier: z.strictObject({ name: text(40).min(1) }),
  terminalName: text(40).optional(),
  lines: z
    .array(
      z.strictObject({
        lineId: z.uuid().optional(),
        name: text(80).min(1),
        styleCode: text(32).optional(),
        color: text(20).optional(),
        size: text(20).optional(),
        barcode: text(32).optional(),
        quantity: z.number().int().min(-9999).max(9999),
        unitPrice: fen,
        discounts: z.array(discount).max(10),
        total: fen,
      }),
    )
    .max(500),
  subtotal: fen,
  discounts: z.array(discount).max(20),
  total: fen,
  payments: z
    .array(
      z.strictObject({
        method: z.enum(['cash', 'wechat', 'alipay', 'card', 'stored_value', 'coupon', 'other']),
        label: text(20).optional(),
        amount: fen,
        reference: text(40).optional(),
      }),
    )
    .max(10),
  change: fen,
  member: z
    .strictObject({
      name: text(40).optional(),
      phoneMasked: z.string().regex(/^[0-9+]{0,4}\*{2,}[0-9]{0,4}$|^$/, 'a masked phone such as 138****8000'),
      tier: text(20).optional(),
      pointsEarned: z.number().int(),
      pointsBalance: z.number().int(),
      storedValueBalance: fen.optional(),
    })
    .optional(),
  returnsPolicy: z.array(text(120)).max(10).optional(),
  footer: z.array(text(120)).max(10).optional(),
  barcode: z.boolean().optional(),
  qr: z.union([z.boolean(), z.string().min(1).max(300)]).optional(),
  invite: z.strictObject({ code: text(12), url: z.string().min(1).max(300).optional() }).optional(),
});

export const labelDocumentSchema: z.ZodType<LabelDocument> = z.strictObject({
  labels: z
    .array(
      z.strictObject({
        styleCode: text(32).min(1),
        name: text(60).min(1),
        color: text(20).optional(),
        size: text(20).optional(),
        barcode: z.string().regex(/^[\x21-\x7e]{1,40}$/, 'printable ASCII, at most 40'),
        price: fen,
        originalPrice: fen.optional(),
        copies: z.number().int().min(1).max(100),
        certificate: z
          .strictObject({
            composition: text(100).optional(),
            standard: text(60).optional(),
            safetyCategory: text(40).optional(),
            inspector: text(20).optional(),
          })
          .optional(),
      }),
    )
    .min(1)
    .max(500),
});

const paymentMethod = z.enum(['cash', 'wechat', 'alipay', 'card', 'stored_value', 'coupon', 'other']);

export const slipDocumentSchema: z.ZodType<SlipDocument> = z.strictObject({
  kind: z.enum(['shift_close', 'top_up', 'cash_in', 'paid_out']),
  store: z.strictObject({ code: text(16).min(1), name: text(80).min(1) }),
  ref: z.string().min(1).max(64),
  at: z.iso.datetime({ offset: true }),
  since: z.iso.datetime({ offset: true }).optional(),
  timeZone: z.string().min(1).max(64),
  cashier: z.strictObject({ name: text(40).min(1) }),
  terminalName: text(40).optional(),
  figures: z
    .array(
      z.strictObject({
        item: z.enum([
          'float',
          'salesCount',
          'salesTotal',
          'refunds',
          'cashIn',
          'paidOut',
          'expected',
          'counted',
          'variance',
          'amount',
          'bonus',
          'balance',
        ]),
        value: fen,
      }),
    )
    .max(20),
  payments: z.array(z.strictObject({ method: paymentMethod, amount: fen })).max(10),
  member: z
    .strictObject({
      name: text(40).optional(),
      phoneMasked: z.string().regex(/^[0-9+]{0,4}\*{2,}[0-9]{0,4}$|^$/, 'a masked phone such as 138****8000'),
    })
    .optional(),
  method: paymentMethod.optional(),
  note: text(120).optional(),
});

export const jobIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _, at most 64');

/** A print job as it travels to a bridge; the bridge checks it again before it touches paper. */
export const printJobSchema: z.ZodType<PrintJob> = z.union([
  z.strictObject({
    jobId: jobIdSchema,
    terminalId: z.string().min(1).max(64),
    reprint: z.boolean(),
    kind: z.literal('receipt'),
    document: receiptDocumentSchema,
    openDrawer: z.boolean(),
  }),
  z.strictObject({
    jobId: jobIdSchema,
    terminalId: z.string().min(1).max(64),
    reprint: z.boolean(),
    kind: z.literal('labels'),
    document: labelDocumentSchema,
  }),
  z.strictObject({
    jobId: jobIdSchema,
    terminalId: z.string().min(1).max(64),
    reprint: z.boolean(),
    kind: z.literal('slip'),
    document: slipDocumentSchema,
  }),
]);
