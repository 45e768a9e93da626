import type { Kysely } from 'kysely';
import type { AppContext } from '../../../context.js';
import { ApiError } from '../../../errors.js';
import { newId } from '../../../ids.js';
import type { CatalogImportReport } from '../../../protocol/catalog.js';
import type { Database, SkuTable, StyleTable } from '../../../storage/schema.js';
import { recordAudit } from '../../audit/service.js';
import { generateBarcodes } from '../barcodes.js';
import { ensureCategory } from '../categories.js';
import { ensureColors } from '../palette.js';
import { searchText } from '../pinyin.js';
import { insertChunked } from '../write.js';
import { type ImportPlan, type PlannedStyle, planImport } from './plan.js';
import { readSheet } from './sheet.js';

/** A response lists this many problems at most; `moreProblems` counts the rest. */
export const PROBLEMS_SHOWN = 1000;
const PROGRESS_EVERY = 2000;

function report(
  importId: string,
  dryRun: boolean,
  format: 'csv' | 'xlsx',
  plan: ImportPlan,
): CatalogImportReport {
  return {
    importId,
    dryRun,
    format,
    rows: plan.rows,
    newStyles: plan.styles.filter((s) => s.existingId === null).length,
    extendedStyles: plan.styles.filter((s) => s.existingId !== null).length,
    newSkus: plan.styles.reduce((sum, s) => sum + s.variants.length, 0),
    unchangedSkus: plan.unchanged,
    problems: plan.problems.slice(0, PROBLEMS_SHOWN),
    moreProblems: Math.max(0, plan.problems.length - PROBLEMS_SHOWN),
  };
}

/**
 * Imports styles and SKUs from a CSV or XLSX file: one row per SKU, or one row per style
 * with colour and size lists ("黑|白", "S,M,L"). A dry run checks every row and reports each
 * bad one (line, column, reason) and writes nothing. A real run checks again inside one write
 * transaction and writes everything or, with any bad row, nothing (422 listing the rows).
 * A style that exists gets only its new SKUs; its name, prices and other fields stay.
 */
export async function importCatalog(
  ctx: AppContext,
  file: Buffer,
  contentType: string,
  options: { dryRun: boolean; importId?: string | undefined },
  staffId: string | null,
): Promise<CatalogImportReport> {
  const importId = options.importId ?? newId();
  const progress = (
    phase: 'reading' | 'checking' | 'writing' | 'done' | 'failed',
    done: number,
    total: number,
  ) => ctx.bus.publish('import.progress', ctx.store.id, { importId, phase, done, total });
  progress('reading', 0, 0);
  try {
    const sheet = await readSheet(file, contentType);
    progress('checking', 0, sheet.rows.length);
    if (options.dryRun) {
      const plan = await planImport(ctx.storage.db, ctx, sheet);
      progress('done', sheet.rows.length, sheet.rows.length);
      return report(importId, true, sheet.format, plan);
    }
    const result = await ctx.storage.write(async (trx) => {
      const plan = await planImport(trx, ctx, sheet);
      const summary = report(importId, false, sheet.format, plan);
      if (plan.problems.length > 0) return summary;
      await writePlan(trx, ctx, plan.styles, (done, total) => progress('writing', done, total));
      await recordAudit(trx, ctx, {
        kind: 'catalog.imported',
        staffId,
        subjectType: 'import',
        subjectId: importId,
        detail: {
          format: sheet.format,
          rows: summary.rows,
          newStyles: summary.newStyles,
          newSkus: summary.newSkus,
        },
      });
      return summary;
    });
    if (result.problems.length > 0) {
      progress('failed', 0, sheet.rows.length);
      throw new ApiError(
        'business_rule',
        `${result.problems.length + result.moreProblems} problem(s) in the file; nothing was imported. Run a dry run for the full list.`,
        Object.fromEntries(result.problems.map((p) => [`line ${p.line}, ${p.column}`, p.reason])),
      );
    }
    progress('done', sheet.rows.length, sheet.rows.length);
    return result;
  } catch (error) {
    if (error instanceof ApiError && error.code !== 'business_rule') progress('failed', 0, 0);
    throw error;
  }
}

async function writePlan(
  trx: Kysely<Database>,
  ctx: AppContext,
  styles: readonly PlannedStyle[],
  progress: (done: number, total: number) => void,
): Promise<void> {
  const now = ctx.now().toISOString();
  const categories = new Map<string, string>();
  for (const style of styles) {
    if (style.existingId === null && style.category && !categories.has(style.category)) {
      categories.set(style.category, (await ensureCategory(trx, ctx, style.category)).id);
    }
  }
  await ensureColors(trx, ctx, [...new Set(styles.flatMap((style) => style.colors))]);
  const supplied = new Set(
    styles.flatMap((style) => style.variants.flatMap((v) => (v.barcode ? [v.barcode] : []))),
  );
  const needed = styles.reduce(
    (sum, style) => sum + style.variants.filter((v) => v.barcode === null).length,
    0,
  );
  const generated = await generateBarcodes(trx, ctx, needed, supplied);

  const styleRows: StyleTable[] = [];
  const skuRows: SkuTable[] = [];
  for (const style of styles) {
    const styleId = style.existingId ?? newId();
    if (style.existingId === null) {
      styleRows.push({
        id: styleId,
        store_id: ctx.store.catalogId,
        style_code: style.styleCode,
        name: style.name,
        search_text: searchText(style.styleCode, style.name),
        category_id: style.category ? (categories.get(style.category) ?? null) : null,
        brand: style.brand,
        supplier: null,
        season: style.season,
        year: style.year,
        tag_price: style.tagPrice ?? style.price,
        base_price: style.price,
        cost: style.cost,
        special_price: 0,
        member_prices: '{}',
        size_group: null,
        colors: JSON.stringify(style.colors),
        sizes: JSON.stringify(style.sizes),
        photos: '[]',
        low_stock_threshold: null,
        active: 1,
        created_at: now,
        updated_at: now,
        certificate: null,
      });
    } else {
      await trx
        .updateTable('styles')
        .set({ colors: JSON.stringify(style.colors), sizes: JSON.stringify(style.sizes), updated_at: now })
        .where('id', '=', styleId)
        .execute();
    }
    for (const variant of style.variants) {
      skuRows.push({
        id: newId(),
        store_id: ctx.store.catalogId,
        style_id: styleId,
        color: variant.color,
        size: variant.size,
        barcode: variant.barcode ?? (generated.pop() as string),
        barcode_source: variant.barcode ? 'supplier' : 'generated',
        low_stock_threshold: null,
        active: 1,
        created_at: now,
      });
    }
  }
  await insertChunked(trx, 'styles', styleRows);
  for (let i = 0; i < skuRows.length; i += PROGRESS_EVERY) {
    await insertChunked(trx, 'skus', skuRows.slice(i, i + PROGRESS_EVERY));
    progress(Math.min(i + PROGRESS_EVERY, skuRows.length), skuRows.length);
  }
}
