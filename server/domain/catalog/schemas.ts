import { z } from 'zod';
import type { LabelRequest } from './label-print.js';

/** Integer fen, up to one million yuan. */
export const fen = z
  .number({ error: 'an integer amount in fen' })
  .int('an integer amount in fen')
  .min(0, 'not negative')
  .max(100_000_000, 'at most 1,000,000.00');
export const id = z.string().min(1).max(64);
export const styleCode = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}._\-/#]{1,32}$/u, '1–32 letters, digits, dot, dash, slash or #');
export const styleName = z.string().trim().min(1, 'required').max(60, 'at most 60 characters');
/** A colour or size label: list separators are not allowed, they split lists in an import file. */
export const variantLabel = z
  .string()
  .trim()
  .min(1, 'required')
  .max(20, 'at most 20 characters')
  .regex(/^[^|,;/\t\n]+$/, 'no | , ; / in a colour or size');
const uniqueList = (max: number, what: string) =>
  z
    .array(variantLabel)
    .min(1, `at least one ${what}`)
    .max(max, `at most ${max} ${what}s`)
    .refine((list) => new Set(list).size === list.length, `each ${what} once`);
export const colorList = uniqueList(30, 'colour');
export const sizeList = uniqueList(30, 'size');
/** A category path: names from the root, separated by "/" or "›" (女装/连衣裙). */
export const categoryPath = z
  .string()
  .trim()
  .min(1, 'required')
  .max(100, 'at most 100 characters')
  .refine(
    (path) => path.split(/[/›>]/).every((part) => part.trim().length > 0 && part.trim().length <= 20),
    'names of 1–20 characters separated by /',
  );
export const shortText = (max: number) =>
  z.string().trim().min(1, 'required').max(max, `at most ${max} characters`);
export const season = shortText(20);
export const year = z.number().int().min(2000).max(2100);
export const barcode = z.string().trim().min(1).max(32, 'at most 32 characters');
export const memberPrices = z
  .record(z.string().regex(/^[a-z0-9_-]{1,20}$/, 'a member tier code'), fen)
  .refine((prices) => Object.keys(prices).length <= 10, 'at most 10 tiers');
export const threshold = z.number().int().min(0).max(100_000);
const barcodeLine = z.strictObject({ color: variantLabel, size: variantLabel, barcode });

/** 合格证 fields; an empty field is left off the tag. */
export const certificateBody = z.strictObject({
  composition: shortText(100).optional(),
  standard: shortText(60).optional(),
  safetyCategory: shortText(40).optional(),
  inspector: shortText(20).optional(),
});

export const newStyleBody = z.strictObject({
  styleCode,
  name: styleName,
  category: categoryPath.optional(),
  brand: shortText(40).optional(),
  supplier: shortText(60).optional(),
  season: season.optional(),
  year: year.optional(),
  price: fen,
  tagPrice: fen.optional(),
  cost: fen.optional(),
  specialPrice: z.boolean().optional(),
  memberPrices: memberPrices.optional(),
  sizeGroup: z.string().max(20).optional(),
  colors: colorList,
  sizes: sizeList,
  /** Suppliers' barcodes to keep, per colour and size; the others are generated. */
  barcodes: z.array(barcodeLine).max(900).optional(),
  lowStockThreshold: threshold.optional(),
  certificate: certificateBody.optional(),
});
export type NewStyle = z.infer<typeof newStyleBody>;

export const styleChangesBody = z
  .strictObject({
    name: styleName.optional(),
    category: categoryPath.nullable().optional(),
    brand: shortText(40).nullable().optional(),
    supplier: shortText(60).nullable().optional(),
    season: season.nullable().optional(),
    year: year.nullable().optional(),
    tagPrice: fen.optional(),
    cost: fen.nullable().optional(),
    specialPrice: z.boolean().optional(),
    memberPrices: memberPrices.optional(),
    active: z.boolean().optional(),
    lowStockThreshold: threshold.nullable().optional(),
    certificate: certificateBody.nullable().optional(),
    addColors: colorList.optional(),
    addSizes: sizeList.optional(),
    removeColors: colorList.optional(),
    removeSizes: sizeList.optional(),
    barcodes: z.array(barcodeLine).max(900).optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type StyleChanges = z.infer<typeof styleChangesBody>;

export const skuChangesBody = z
  .strictObject({ lowStockThreshold: threshold.nullable().optional(), active: z.boolean().optional() })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

/** A yes/no in a query string ("true", "1"…) or a WebSocket request (a boolean). */
export const flag = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1'),
]);
const moneyQuery = z.coerce.number().int('an integer amount in fen').min(0).max(100_000_000);

export const searchQuery = z
  .strictObject({
    q: z.string().trim().max(60).optional(),
    category: id.optional(),
    season: season.optional(),
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    minPrice: moneyQuery.optional(),
    maxPrice: moneyQuery.optional(),
    inStock: flag.optional(),
    active: flag.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(20),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, {
    message: 'minPrice above maxPrice',
    path: ['minPrice'],
  });
export type SearchQuery = z.infer<typeof searchQuery>;

export const priceChangeBody = z.strictObject({
  price: fen,
  /** Omitted: at once. */
  startsAt: z.iso
    .datetime({ offset: true })
    .transform((value) => new Date(value).toISOString())
    .optional(),
  reason: shortText(100).optional(),
});

export const markdownBody = z
  .strictObject({
    categoryId: id.optional(),
    season: season.optional(),
    year: year.optional(),
    percent: z.number().int('whole percent').min(1).max(90),
    rounding: z.enum(['fen', 'jiao', 'yuan']).default('yuan'),
    startsAt: z.iso
      .datetime({ offset: true })
      .transform((value) => new Date(value).toISOString())
      .optional(),
    reason: shortText(100).optional(),
  })
  .refine((body) => body.categoryId !== undefined || body.season !== undefined || body.year !== undefined, {
    message: 'name a category, a season or a year',
    path: ['categoryId'],
  });

export const sizeGroupBody = z.strictObject({ name: shortText(20), sizes: sizeList });
export const sizeGroupCode = z.string().regex(/^[a-z0-9_-]{1,20}$/, '1–20 lowercase letters, digits, - or _');

const copies = z.number().int().min(1, 'at least 1').max(500, 'at most 500');

/** `POST /api/labels/print`: exactly one of chosen SKUs, a style's size run, or a delivery. */
export const labelPrintBody = z
  .strictObject({
    items: z
      .array(z.strictObject({ skuId: id, copies }))
      .min(1, 'choose at least one SKU')
      .max(200, 'at most 200 SKUs')
      .optional(),
    styleId: id.optional(),
    copies: copies.optional(),
    receiptId: id.optional(),
  })
  .superRefine((body, issues) => {
    const given = (['items', 'styleId', 'receiptId'] as const).filter((key) => body[key] !== undefined);
    if (given.length !== 1) {
      issues.addIssue({
        code: 'custom',
        path: [given[1] ?? 'items'],
        message: 'give exactly one of items, styleId or receiptId',
      });
    }
    if (body.copies !== undefined && body.styleId === undefined) {
      issues.addIssue({ code: 'custom', path: ['copies'], message: 'only with styleId' });
    }
  })
  .transform(
    (body): LabelRequest =>
      body.items
        ? { items: body.items }
        : body.styleId
          ? { styleId: body.styleId, copies: body.copies ?? 1 }
          : { receiptId: body.receiptId ?? '' },
  );
