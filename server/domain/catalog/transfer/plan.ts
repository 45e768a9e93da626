import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { AppContext } from '../../../context.js';
import type { ImportProblem } from '../../../protocol/catalog.js';
import type { Database } from '../../../storage/schema.js';
import { supplierBarcodeProblem } from '../barcodes.js';
import { categoryPath, season, shortText, styleCode, styleName, variantLabel } from '../schemas.js';
import { type Column, columnLetter, mapHeader, REQUIRED, yuanToFen } from './columns.js';
import type { Sheet } from './sheet.js';

export interface PlannedVariant {
  color: string;
  size: string;
  /** The supplier's barcode, or null to generate one. */
  barcode: string | null;
}

export interface PlannedStyle {
  styleCode: string;
  name: string;
  category: string | null;
  brand: string | null;
  season: string | null;
  year: number | null;
  price: number;
  tagPrice: number | null;
  cost: number | null;
  /** Set when the style exists already: only its new SKUs are added, its other fields stay. */
  existingId: string | null;
  colors: string[];
  sizes: string[];
  /** SKUs to create. */
  variants: PlannedVariant[];
}

export interface ImportPlan {
  rows: number;
  styles: PlannedStyle[];
  /** SKU rows of the file that exist already with the same barcode (or none given). */
  unchanged: number;
  problems: ImportProblem[];
}

/** A list cell: "黑|白", "S,M,L" or "S，M" make one SKU per colour × size. */
const LIST_SEPARATOR = /[|,，;；]/;
const CHUNK = 500;

type StyleFields = Omit<PlannedStyle, 'existingId' | 'colors' | 'sizes' | 'variants'>;
const COMPARED: readonly (keyof StyleFields & Column)[] = [
  'name',
  'category',
  'brand',
  'season',
  'year',
  'price',
  'tagPrice',
  'cost',
];

interface Row {
  line: number;
  fields: StyleFields;
  colors: string[];
  sizes: string[];
  barcode: string | null;
}

/**
 * Checks every row of a sheet against the rules and the catalogue, and plans what an import
 * would create. Reads only; pass the write transaction for a real run so nothing changes
 * between check and write.
 */
export async function planImport(db: Kysely<Database>, ctx: AppContext, sheet: Sheet): Promise<ImportPlan> {
  const problems: ImportProblem[] = [];
  const { index, unknown } = mapHeader(sheet.header);
  const label = (column: Column) => {
    const i = index.get(column) ?? 0;
    return `${columnLetter(i)} (${sheet.header[i] ?? column})`;
  };
  for (const [i, name] of unknown) {
    problems.push({
      line: sheet.headerLine,
      column: `${columnLetter(i)} (${name})`,
      reason: 'unknown or repeated column',
    });
  }
  for (const column of REQUIRED) {
    if (!index.has(column))
      problems.push({ line: sheet.headerLine, column, reason: 'required column missing' });
  }
  if (problems.length > 0) return { rows: sheet.rows.length, styles: [], unchanged: 0, problems };

  const rows: Row[] = [];
  for (const { line, cells } of sheet.rows) {
    const before = problems.length;
    const cell = (column: Column) => (index.has(column) ? (cells[index.get(column) ?? 0] ?? '').trim() : '');
    const bad = (column: Column, reason: string) => problems.push({ line, column: label(column), reason });
    const text = <T>(column: Column, schema: z.ZodType<T>, required: boolean): T | null => {
      const value = cell(column);
      if (value === '') {
        if (required) bad(column, 'required');
        return null;
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) bad(column, parsed.error.issues[0]?.message ?? 'invalid');
      return parsed.success ? parsed.data : null;
    };
    const money = (column: Column, required: boolean): number | null => {
      const value = cell(column);
      if (value === '') {
        if (required) bad(column, 'required');
        return null;
      }
      const fen = yuanToFen(value);
      if (fen === null) bad(column, 'not an amount in yuan such as 299 or 299.90');
      return fen;
    };
    const list = (column: Column): string[] => {
      const values = cell(column)
        .split(LIST_SEPARATOR)
        .map((value) => value.trim())
        .filter(Boolean);
      if (values.length === 0) bad(column, 'required');
      for (const value of values) {
        const parsed = variantLabel.safeParse(value);
        if (!parsed.success) bad(column, `${value}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      }
      if (new Set(values).size !== values.length) bad(column, 'a value listed twice');
      return values;
    };
    const yearText = cell('year');
    let year: number | null = null;
    if (yearText !== '') {
      year = /^\d{4}$/.test(yearText) ? Number(yearText) : null;
      if (year === null || year < 2000 || year > 2100) bad('year', 'a year such as 2026');
    }
    const fields: StyleFields = {
      styleCode: text('styleCode', styleCode, true) ?? '',
      name: text('name', styleName, true) ?? '',
      category: text('category', categoryPath, false),
      brand: text('brand', shortText(40), false),
      season: text('season', season, false),
      year,
      price: money('price', true) ?? 0,
      tagPrice: money('tagPrice', false),
      cost: money('cost', false),
    };
    const colors = list('color');
    const sizes = list('size');
    const barcode: string | null = cell('barcode') || null;
    if (barcode !== null) {
      const problem = supplierBarcodeProblem(barcode);
      if (problem) bad('barcode', problem);
      else if (colors.length * sizes.length > 1)
        bad('barcode', 'one barcode cannot go on several colours or sizes');
    }
    if (problems.length === before) rows.push({ line, fields, colors, sizes, barcode });
  }

  // Group rows by style: later rows must agree with the first on the style's fields.
  const byCode = new Map<
    string,
    { first: Row; style: PlannedStyle; variants: Map<string, { line: number; barcode: string | null }> }
  >();
  const barcodeLines = new Map<string, number>();
  for (const row of rows) {
    let entry = byCode.get(row.fields.styleCode);
    if (!entry) {
      entry = {
        first: row,
        style: { ...row.fields, existingId: null, colors: [], sizes: [], variants: [] },
        variants: new Map(),
      };
      byCode.set(row.fields.styleCode, entry);
    } else {
      for (const column of COMPARED) {
        const value = row.fields[column];
        if (value !== null && value !== entry.first.fields[column]) {
          problems.push({
            line: row.line,
            column: label(column),
            reason: `differs from line ${entry.first.line} of the same style`,
          });
        }
      }
    }
    for (const color of row.colors) {
      for (const size of row.sizes) {
        const key = `${color}\u0000${size}`;
        const seen = entry.variants.get(key);
        if (seen) {
          problems.push({
            line: row.line,
            column: label('size'),
            reason: `${color}/${size} is on line ${seen.line} already`,
          });
          continue;
        }
        entry.variants.set(key, { line: row.line, barcode: row.barcode });
        if (!entry.style.colors.includes(color)) entry.style.colors.push(color);
        if (!entry.style.sizes.includes(size)) entry.style.sizes.push(size);
      }
    }
    if (row.barcode) {
      const other = barcodeLines.get(row.barcode);
      if (other !== undefined)
        problems.push({
          line: row.line,
          column: label('barcode'),
          reason: `the same barcode is on line ${other}`,
        });
      else barcodeLines.set(row.barcode, row.line);
    }
  }

  // Against the catalogue: existing styles, their SKUs, and barcodes in use.
  const codes = [...byCode.keys()];
  const existing = new Map<string, { id: string; colors: string[]; sizes: string[] }>();
  for (let i = 0; i < codes.length; i += CHUNK) {
    const found = await db
      .selectFrom('styles')
      .select(['id', 'style_code', 'colors', 'sizes'])
      .where('store_id', '=', ctx.store.catalogId)
      .where('style_code', 'in', codes.slice(i, i + CHUNK))
      .execute();
    for (const row of found) {
      existing.set(row.style_code, {
        id: row.id,
        colors: JSON.parse(row.colors),
        sizes: JSON.parse(row.sizes),
      });
    }
  }
  const existingSkus = new Map<string, string>();
  const existingIds = [...existing.values()].map((style) => style.id);
  for (let i = 0; i < existingIds.length; i += CHUNK) {
    const skus = await db
      .selectFrom('skus')
      .select(['style_id', 'color', 'size', 'barcode'])
      .where('style_id', 'in', existingIds.slice(i, i + CHUNK))
      .execute();
    for (const sku of skus)
      existingSkus.set(`${sku.style_id}\u0000${sku.color}\u0000${sku.size}`, sku.barcode);
  }
  const supplied = [...barcodeLines.keys()];
  const taken = new Set<string>();
  for (let i = 0; i < supplied.length; i += CHUNK) {
    const found = await db
      .selectFrom('skus')
      .select('barcode')
      .where('barcode', 'in', supplied.slice(i, i + CHUNK))
      .execute();
    for (const row of found) taken.add(row.barcode);
  }

  let unchanged = 0;
  const styles: PlannedStyle[] = [];
  for (const [code, entry] of byCode) {
    const current = existing.get(code);
    const style = entry.style;
    if (current) {
      style.existingId = current.id;
      style.colors = [...current.colors, ...style.colors.filter((c) => !current.colors.includes(c))];
      style.sizes = [...current.sizes, ...style.sizes.filter((s) => !current.sizes.includes(s))];
    }
    for (const [key, variant] of entry.variants) {
      const [color = '', size = ''] = key.split('\u0000');
      const onFile = current ? existingSkus.get(`${current.id}\u0000${key}`) : undefined;
      if (onFile !== undefined) {
        if (variant.barcode !== null && variant.barcode !== onFile) {
          problems.push({
            line: variant.line,
            column: label('barcode'),
            reason: `${code} ${color}/${size} exists with barcode ${onFile}`,
          });
        } else unchanged++;
        continue;
      }
      if (variant.barcode !== null && taken.has(variant.barcode)) {
        problems.push({ line: variant.line, column: label('barcode'), reason: 'already on another SKU' });
        continue;
      }
      style.variants.push({ color, size, barcode: variant.barcode });
    }
    if (style.variants.length > 0) styles.push(style);
  }
  problems.sort((a, b) => a.line - b.line);
  return { rows: sheet.rows.length, styles, unchanged, problems };
}
