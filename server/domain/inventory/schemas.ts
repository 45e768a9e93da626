import { z } from 'zod';
import { ADJUSTMENT_REASONS, NEGATIVE_STOCK_POLICIES } from '../../protocol/inventory.js';
import { STOCK_KINDS } from './ledger.js';

export const id = z.string().min(1).max(64);
/** Units in one line of a stock document. */
export const qty = z
  .number({ error: 'a whole number of units' })
  .int('a whole number of units')
  .min(1, 'at least 1')
  .max(100_000, 'at most 100000');
const note = z.string().trim().min(1).max(200, 'at most 200 characters');
const lines = <T extends z.ZodType>(line: T) =>
  z.array(line).min(1, 'at least one line').max(1000, 'at most 1000 lines');

export const receiptBody = z.strictObject({
  lines: lines(
    z.strictObject({
      skuId: id,
      qty,
      unitCost: z.number().int('an integer amount in fen').min(0).max(100_000_000).optional(),
    }),
  ),
  supplier: z.string().trim().min(1).max(60, 'at most 60 characters').optional(),
  note: note.optional(),
});

export const adjustmentBody = z.strictObject({
  reason: z.enum(ADJUSTMENT_REASONS),
  lines: lines(
    z.strictObject({
      skuId: id,
      delta: z
        .number()
        .int('a whole number of units')
        .min(-100_000)
        .max(100_000)
        .refine((n) => n !== 0, 'not zero'),
    }),
  ),
  note: note.optional(),
});

export const transferBody = z
  .strictObject({
    direction: z.enum(['out', 'in']),
    store: z.string().regex(/^[A-Z0-9-]{1,16}$/, 'a store code'),
    transferId: id.optional(),
    // Closing a transfer in which nothing more came needs no lines.
    lines: z.array(z.strictObject({ skuId: id, qty })).max(1000, 'at most 1000 lines'),
    close: z.boolean().optional(),
    note: note.optional(),
  })
  .superRefine((body, issues) => {
    if (body.lines.length === 0 && !(body.direction === 'in' && body.close)) {
      issues.addIssue({ code: 'custom', path: ['lines'], message: 'at least one line' });
    }
    if (body.close && body.direction === 'out') {
      issues.addIssue({ code: 'custom', path: ['close'], message: 'only when receiving' });
    }
  });

/** `GET /api/stock/transfers?status=`: only the transfers in that state. */
export const transfersQuery = z.strictObject({
  status: z.enum(['in_transit', 'received', 'closed_short']).optional(),
});

export const movementsQuery = z.strictObject({
  skuId: id.optional(),
  kind: z.enum(STOCK_KINDS).optional(),
  before: id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const settingsBody = z.strictObject({ negativeStock: z.enum(NEGATIVE_STOCK_POLICIES) });

export const openStocktakeBody = z.strictObject({
  categoryIds: z.array(id).max(100).optional(),
  note: note.optional(),
});
export const scanBody = z.strictObject({
  barcode: z.string().trim().min(1).max(32),
  qty: z.number().int().min(1).max(10_000).default(1),
});
export const countBody = z.strictObject({
  counted: z.number().int('a whole number of units').min(0, 'not negative').max(100_000),
});
export const commitBody = z.strictObject({ zeroUncounted: z.boolean().default(false) });
