import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { StyleView } from '../../protocol/catalog.js';
import type { StyleCertificate } from '../../protocol/printing.js';
import type { Database, SkuTable, StyleRow } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { generateBarcodes, supplierBarcodeProblem } from './barcodes.js';
import { ensureCategory } from './categories.js';
import { ensureColors, listSizeGroups } from './palette.js';
import { searchText } from './pinyin.js';
import type { NewStyle, StyleChanges } from './schemas.js';
import { loadStyle } from './views.js';
import { insertChunked } from './write.js';

interface BarcodeLine {
  color: string;
  size: string;
  barcode: string;
}

const variantKey = (color: string, size: string) => `${color}\u0000${size}`;

/** Sizes outside the chosen size group are refused, naming the first one. */
async function checkSizeGroup(
  trx: Kysely<Database>,
  ctx: AppContext,
  code: string,
  sizes: readonly string[],
  field: string,
): Promise<void> {
  const group = (await listSizeGroups(trx, ctx)).find((g) => g.code === code);
  if (!group) {
    throw new ApiError('validation_failed', `No size group ${code}.`, {
      'body.sizeGroup': 'unknown size group',
    });
  }
  const outside = sizes.find((size) => !group.sizes.includes(size));
  if (outside !== undefined) {
    throw new ApiError('validation_failed', `Size ${outside} is not in the size group ${group.name}.`, {
      [field]: `${outside} is not in ${group.code}`,
    });
  }
}

/**
 * Checks suppliers' barcodes for the variants about to be made and returns them by variant.
 * A colour or size outside `variants`, a variant named twice, a malformed barcode or one in
 * use already is refused with the line and field named.
 */
async function checkBarcodes(
  trx: Kysely<Database>,
  lines: readonly BarcodeLine[],
  variants: ReadonlySet<string>,
  colors: readonly string[],
  sizes: readonly string[],
): Promise<Map<string, string>> {
  const chosen = new Map<string, string>();
  const codes = new Set<string>();
  for (const [index, line] of lines.entries()) {
    const field = `body.barcodes.${index}`;
    if (!colors.includes(line.color)) {
      throw new ApiError('validation_failed', `Colour ${line.color} is not one of this style's new SKUs.`, {
        [`${field}.color`]: 'not a colour of the style',
      });
    }
    if (!sizes.includes(line.size)) {
      throw new ApiError('validation_failed', `Size ${line.size} is not one of this style's new SKUs.`, {
        [`${field}.size`]: 'not a size of the style',
      });
    }
    const key = variantKey(line.color, line.size);
    if (!variants.has(key)) {
      throw new ApiError(
        'validation_failed',
        `${line.color}/${line.size} exists already; its barcode stays.`,
        {
          [field]: 'not a new SKU',
        },
      );
    }
    if (chosen.has(key)) {
      throw new ApiError('validation_failed', `${line.color}/${line.size} is given two barcodes.`, {
        [field]: 'colour and size given twice',
      });
    }
    const problem = supplierBarcodeProblem(line.barcode);
    if (problem) {
      throw new ApiError('validation_failed', `Barcode ${line.barcode}: ${problem}.`, {
        [`${field}.barcode`]: problem,
      });
    }
    if (codes.has(line.barcode)) {
      throw new ApiError('conflict', `Barcode ${line.barcode} is given to two SKUs.`, {
        [`${field}.barcode`]: 'given twice',
      });
    }
    codes.add(line.barcode);
    chosen.set(key, line.barcode);
  }
  const taken =
    codes.size === 0
      ? []
      : await trx
          .selectFrom('skus')
          .select('barcode')
          .where('barcode', 'in', [...codes])
          .execute();
  if (taken[0]) {
    const index = lines.findIndex((line) => line.barcode === taken[0]?.barcode);
    throw new ApiError('conflict', `Barcode ${taken[0].barcode} is already on another SKU.`, {
      [`body.barcodes.${index}.barcode`]: 'already in use',
    });
  }
  return chosen;
}

/** New SKU rows for these variants: the supplier's barcode where given, else a generated EAN-13. */
async function makeSkus(
  trx: Kysely<Database>,
  ctx: AppContext,
  styleId: string,
  variants: readonly [string, string][],
  supplied: ReadonlyMap<string, string>,
): Promise<SkuTable[]> {
  const needed = variants.filter(([color, size]) => !supplied.has(variantKey(color, size))).length;
  const generated = await generateBarcodes(trx, ctx, needed);
  const now = ctx.now().toISOString();
  return variants.map(([color, size]) => {
    const own = supplied.get(variantKey(color, size));
    return {
      id: newId(),
      store_id: ctx.store.catalogId,
      style_id: styleId,
      color,
      size,
      barcode: own ?? (generated.shift() as string),
      barcode_source: own ? 'supplier' : 'generated',
      low_stock_threshold: null,
      active: 1,
      created_at: now,
    };
  });
}

/** 合格证 fields as stored: only those filled in, null when none is. */
function storedCertificate(certificate: StyleCertificate | null | undefined): string | null {
  const kept = Object.entries(certificate ?? {}).filter(([, value]) => value);
  return kept.length > 0 ? JSON.stringify(Object.fromEntries(kept)) : null;
}

/** Creates a style and one SKU per colour × size, in one transaction. */
export async function createStyle(
  ctx: AppContext,
  input: NewStyle,
  staffId: string | null,
): Promise<StyleView> {
  const id = await ctx.storage.write(async (trx) => {
    const taken = await trx
      .selectFrom('styles')
      .select('id')
      .where('store_id', '=', ctx.store.catalogId)
      .where('style_code', '=', input.styleCode)
      .executeTakeFirst();
    if (taken) {
      throw new ApiError('conflict', `Style code ${input.styleCode} is in use.`, {
        'body.styleCode': 'in use',
      });
    }
    if (input.sizeGroup) await checkSizeGroup(trx, ctx, input.sizeGroup, input.sizes, 'body.sizes');
    const variants = input.colors.flatMap((color) =>
      input.sizes.map((size): [string, string] => [color, size]),
    );
    const supplied = await checkBarcodes(
      trx,
      input.barcodes ?? [],
      new Set(variants.map(([c, s]) => variantKey(c, s))),
      input.colors,
      input.sizes,
    );
    const category = input.category ? await ensureCategory(trx, ctx, input.category) : null;
    await ensureColors(trx, ctx, input.colors);
    const now = ctx.now().toISOString();
    const styleId = newId();
    await trx
      .insertInto('styles')
      .values({
        id: styleId,
        store_id: ctx.store.catalogId,
        style_code: input.styleCode,
        name: input.name,
        search_text: searchText(input.styleCode, input.name),
        category_id: category?.id ?? null,
        brand: input.brand ?? null,
        supplier: input.supplier ?? null,
        season: input.season ?? null,
        year: input.year ?? null,
        tag_price: input.tagPrice ?? input.price,
        base_price: input.price,
        cost: input.cost ?? null,
        special_price: input.specialPrice ? 1 : 0,
        member_prices: JSON.stringify(input.memberPrices ?? {}),
        size_group: input.sizeGroup ?? null,
        colors: JSON.stringify(input.colors),
        sizes: JSON.stringify(input.sizes),
        photos: '[]',
        low_stock_threshold: input.lowStockThreshold ?? null,
        certificate: storedCertificate(input.certificate),
        active: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await insertChunked(trx, 'skus', await makeSkus(trx, ctx, styleId, variants, supplied));
    await recordAudit(trx, ctx, {
      kind: 'catalog.style_created',
      staffId,
      subjectType: 'style',
      subjectId: styleId,
      detail: { styleCode: input.styleCode, skus: variants.length, price: input.price },
    });
    return styleId;
  });
  return loadStyle(ctx.storage.db, ctx, id, { withCost: true });
}

export function getStyle(ctx: AppContext, id: string, withCost: boolean): Promise<StyleView> {
  return loadStyle(ctx.storage.db, ctx, id, { withCost });
}

async function findStyle(trx: Kysely<Database>, ctx: AppContext, id: string): Promise<StyleRow> {
  const row = await trx
    .selectFrom('styles')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.catalogId)
    .executeTakeFirst();
  if (!row) throw notFound('style', id);
  return row;
}

/**
 * Removes the SKUs of a colour or size taken off a style. A SKU that ever moved stock (a
 * receipt, a sale…) or was counted is kept, deactivated, so its history stays whole.
 */
async function removeVariants(
  trx: Kysely<Database>,
  styleId: string,
  match: (sku: { color: string; size: string }) => boolean,
): Promise<{ deleted: number; deactivated: number }> {
  const skus = (
    await trx.selectFrom('skus').select(['id', 'color', 'size']).where('style_id', '=', styleId).execute()
  ).filter(match);
  let deleted = 0;
  let deactivated = 0;
  for (const sku of skus) {
    const used =
      (await trx
        .selectFrom('stock_movements')
        .select('id')
        .where('sku_id', '=', sku.id)
        .limit(1)
        .executeTakeFirst()) ??
      (await trx
        .selectFrom('stocktake_counts')
        .select('sku_id')
        .where('sku_id', '=', sku.id)
        .limit(1)
        .executeTakeFirst());
    if (used) {
      await trx.updateTable('skus').set({ active: 0 }).where('id', '=', sku.id).execute();
      deactivated++;
    } else {
      await trx.deleteFrom('stock_levels').where('sku_id', '=', sku.id).execute();
      await trx.deleteFrom('skus').where('id', '=', sku.id).execute();
      deleted++;
    }
  }
  return { deleted, deactivated };
}

function mustBeOn(list: readonly string[], values: readonly string[], field: string, what: string): void {
  const index = values.findIndex((value) => !list.includes(value));
  if (index >= 0) {
    throw new ApiError('validation_failed', `${values[index]} is not a ${what} of this style.`, {
      [`${field}.${index}`]: `not a ${what} of the style`,
    });
  }
}

/**
 * Edits a style. Adding colours or sizes makes the new SKUs (re-adding one that was
 * deactivated brings its SKUs back); removing one deletes SKUs never used and deactivates
 * the others. Prices change through price changes, not here.
 */
export async function updateStyle(
  ctx: AppContext,
  id: string,
  changes: StyleChanges,
  staffId: string | null,
): Promise<StyleView> {
  await ctx.storage.write(async (trx) => {
    const style = await findStyle(trx, ctx, id);
    let colors = JSON.parse(style.colors) as string[];
    let sizes = JSON.parse(style.sizes) as string[];
    const existing = await trx
      .selectFrom('skus')
      .select(['id', 'color', 'size', 'active'])
      .where('style_id', '=', id)
      .execute();
    const activeColors = new Set(existing.filter((s) => s.active === 1).map((s) => s.color));
    const activeSizes = new Set(existing.filter((s) => s.active === 1).map((s) => s.size));
    const addColors = changes.addColors ?? [];
    const addSizes = changes.addSizes ?? [];
    const already = [
      ...addColors.filter((c) => activeColors.has(c)).map((c) => ['body.addColors', c] as const),
      ...addSizes.filter((s) => activeSizes.has(s)).map((s) => ['body.addSizes', s] as const),
    ][0];
    if (already) {
      throw new ApiError('validation_failed', `${already[1]} is on the style already.`, {
        [already[0]]: `${already[1]} is on the style already`,
      });
    }
    mustBeOn(colors, changes.removeColors ?? [], 'body.removeColors', 'colour');
    mustBeOn(sizes, changes.removeSizes ?? [], 'body.removeSizes', 'size');
    if (style.size_group && addSizes.length > 0)
      await checkSizeGroup(trx, ctx, style.size_group, addSizes, 'body.addSizes');

    colors = [...colors, ...addColors.filter((c) => !colors.includes(c))];
    sizes = [...sizes, ...addSizes.filter((s) => !sizes.includes(s))];
    const removeColors = new Set(changes.removeColors ?? []);
    const removeSizes = new Set(changes.removeSizes ?? []);
    const wantedColors = colors.filter((c) => !removeColors.has(c));
    const wantedSizes = sizes.filter((s) => !removeSizes.has(s));
    if (wantedColors.length === 0 || wantedSizes.length === 0) {
      throw new ApiError(
        'business_rule',
        'A style keeps at least one colour and one size; deactivate it instead.',
        {
          [wantedColors.length === 0 ? 'body.removeColors' : 'body.removeSizes']: 'would leave none',
        },
      );
    }

    // Reactivate SKUs of re-added variants; make the ones that never existed.
    const byVariant = new Map(existing.map((s) => [variantKey(s.color, s.size), s]));
    const missing: [string, string][] = [];
    for (const color of wantedColors) {
      for (const size of wantedSizes) {
        const sku = byVariant.get(variantKey(color, size));
        if (!sku) missing.push([color, size]);
        else if (sku.active === 0 && (addColors.includes(color) || addSizes.includes(size))) {
          await trx.updateTable('skus').set({ active: 1 }).where('id', '=', sku.id).execute();
        }
      }
    }
    const supplied = await checkBarcodes(
      trx,
      changes.barcodes ?? [],
      new Set(missing.map(([c, s]) => variantKey(c, s))),
      wantedColors,
      wantedSizes,
    );
    await ensureColors(trx, ctx, addColors);
    await insertChunked(trx, 'skus', await makeSkus(trx, ctx, id, missing, supplied));
    const removed = await removeVariants(
      trx,
      id,
      (sku) => removeColors.has(sku.color) || removeSizes.has(sku.size),
    );
    // A removed colour or size stays listed while deactivated SKUs of it remain.
    const left = await trx.selectFrom('skus').select(['color', 'size']).where('style_id', '=', id).execute();
    colors = colors.filter((c) => !removeColors.has(c) || left.some((s) => s.color === c));
    sizes = sizes.filter((s) => !removeSizes.has(s) || left.some((k) => k.size === s));

    const name = changes.name ?? style.name;
    let categoryId = style.category_id;
    if (changes.category !== undefined) {
      categoryId = changes.category === null ? null : (await ensureCategory(trx, ctx, changes.category)).id;
    }
    await trx
      .updateTable('styles')
      .set({
        name,
        search_text: searchText(style.style_code, name),
        category_id: categoryId,
        ...(changes.brand !== undefined && { brand: changes.brand }),
        ...(changes.supplier !== undefined && { supplier: changes.supplier }),
        ...(changes.season !== undefined && { season: changes.season }),
        ...(changes.year !== undefined && { year: changes.year }),
        ...(changes.tagPrice !== undefined && { tag_price: changes.tagPrice }),
        ...(changes.cost !== undefined && { cost: changes.cost }),
        ...(changes.specialPrice !== undefined && { special_price: changes.specialPrice ? 1 : 0 }),
        ...(changes.memberPrices !== undefined && { member_prices: JSON.stringify(changes.memberPrices) }),
        ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
        ...(changes.lowStockThreshold !== undefined && { low_stock_threshold: changes.lowStockThreshold }),
        ...(changes.certificate !== undefined && { certificate: storedCertificate(changes.certificate) }),
        colors: JSON.stringify(colors),
        sizes: JSON.stringify(sizes),
        updated_at: ctx.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'catalog.style_updated',
      staffId,
      subjectType: 'style',
      subjectId: id,
      detail: { changes: Object.keys(changes), added: missing.length, ...removed },
    });
  });
  return loadStyle(ctx.storage.db, ctx, id, { withCost: true });
}

/** Per-SKU settings: its own low-stock threshold, active or not. */
export async function updateSku(
  ctx: AppContext,
  id: string,
  changes: { lowStockThreshold?: number | null | undefined; active?: boolean | undefined },
  staffId: string | null,
): Promise<StyleView> {
  const styleId = await ctx.storage.write(async (trx) => {
    const sku = await trx
      .selectFrom('skus')
      .select(['id', 'style_id', 'barcode'])
      .where('id', '=', id)
      .where('store_id', '=', ctx.store.catalogId)
      .executeTakeFirst();
    if (!sku) throw notFound('SKU', id);
    await trx
      .updateTable('skus')
      .set({
        ...(changes.lowStockThreshold !== undefined && { low_stock_threshold: changes.lowStockThreshold }),
        ...(changes.active !== undefined && { active: changes.active ? 1 : 0 }),
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'catalog.style_updated',
      staffId,
      subjectType: 'sku',
      subjectId: id,
      detail: { barcode: sku.barcode, ...changes },
    });
    return sku.style_id;
  });
  return loadStyle(ctx.storage.db, ctx, styleId, { withCost: true });
}
