import { type ApiAuth, call, send } from './http.js';

export interface Sku {
  id: string;
  barcode: string;
  color: string;
  size: string;
  /** The retail price in force now, fen. */
  price: number;
  active: boolean;
  onHand: number;
  lowStockThreshold: number | null;
}

export interface Style {
  id: string;
  styleCode: string;
  name: string;
  category: { id: string; path: string } | null;
  brand: string | null;
  season: string | null;
  year: number | null;
  tagPrice: number;
  price: number;
  /** Only for owner and manager. */
  cost: number | null;
  specialPrice: boolean;
  /** Tier code → member price in fen. */
  memberPrices: Record<string, number>;
  sizeGroup: string | null;
  colors: string[];
  sizes: string[];
  /** Photo addresses (or file names) in the order the shop put them. */
  photos: string[];
  lowStockThreshold: number | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  skus: Sku[];
}

export interface StyleSummary {
  id: string;
  styleCode: string;
  name: string;
  category: string | null;
  season: string | null;
  year: number | null;
  price: number;
  tagPrice: number;
  specialPrice: boolean;
  active: boolean;
  onHand: number;
}

/** What a scan shows: one SKU with its style's prices and this store's stock. */
export interface ScannedSku {
  id: string;
  barcode: string;
  styleId: string;
  styleCode: string;
  name: string;
  color: string;
  size: string;
  price: number;
  tagPrice: number;
  specialPrice: boolean;
  memberPrices: Record<string, number>;
  stock: number;
  active: boolean;
}

export interface NewStyle {
  styleCode: string;
  name: string;
  category?: string;
  brand?: string;
  season?: string;
  year?: number;
  price: number;
  tagPrice?: number;
  cost?: number;
  specialPrice?: boolean;
  memberPrices?: Record<string, number>;
  sizeGroup?: string;
  colors: string[];
  sizes: string[];
  barcodes?: { color: string; size: string; barcode: string }[];
  lowStockThreshold?: number;
}

export interface StyleChanges {
  name?: string;
  category?: string | null;
  brand?: string | null;
  season?: string | null;
  year?: number | null;
  tagPrice?: number;
  cost?: number | null;
  specialPrice?: boolean;
  memberPrices?: Record<string, number>;
  active?: boolean;
  lowStockThreshold?: number | null;
  addColors?: string[];
  addSizes?: string[];
  removeColors?: string[];
  removeSizes?: string[];
}

export interface SearchQuery {
  q?: string;
  category?: string;
  season?: string;
  year?: number;
  inStock?: boolean;
  active?: boolean;
  limit?: number;
  offset?: number;
}

export interface ImportReport {
  importId: string;
  dryRun: boolean;
  format: string;
  rows: number;
  newStyles: number;
  extendedStyles: number;
  newSkus: number;
  unchangedSkus: number;
  problems: { line: number; column: string | null; reason: string }[];
  moreProblems: number | boolean;
}

export interface SizeGroup {
  code: string;
  name: string;
  sizes: string[];
}

/** Search as you type: style code, name, pinyin initials or full pinyin, or a barcode. */
export function searchStyles(
  auth: ApiAuth,
  query: SearchQuery,
  signal?: AbortSignal,
): Promise<{ items: StyleSummary[]; nextOffset: number | null }> {
  return call(auth, 'GET', '/api/products', { query: { ...query }, signal });
}

export function getStyle(auth: ApiAuth, id: string): Promise<Style> {
  return call<Style>(auth, 'GET', `/api/products/${encodeURIComponent(id)}`);
}

export function createStyle(auth: ApiAuth, style: NewStyle): Promise<Style> {
  return call<Style>(auth, 'POST', '/api/products', { body: style });
}

export function changeStyle(auth: ApiAuth, id: string, changes: StyleChanges): Promise<Style> {
  return call<Style>(auth, 'PATCH', `/api/products/${encodeURIComponent(id)}`, { body: changes });
}

/** A new retail price now (or from `startsAt`). */
export function changePrice(
  auth: ApiAuth,
  id: string,
  change: { price: number; startsAt?: string; reason?: string },
): Promise<unknown> {
  return call(auth, 'POST', `/api/products/${encodeURIComponent(id)}/prices`, { body: change });
}

export function lookupBarcode(auth: ApiAuth, barcode: string): Promise<ScannedSku> {
  return call<ScannedSku>(auth, 'GET', `/api/skus/by-barcode/${encodeURIComponent(barcode)}`);
}

export async function listSizeGroups(auth: ApiAuth): Promise<SizeGroup[]> {
  return (await call<{ items: SizeGroup[] }>(auth, 'GET', '/api/size-groups')).items;
}

export async function listColors(auth: ApiAuth): Promise<string[]> {
  return (await call<{ items: string[] }>(auth, 'GET', '/api/colors')).items;
}

export async function listCategories(
  auth: ApiAuth,
): Promise<{ id: string; parentId: string | null; name: string; path: string }[]> {
  return (
    await call<{ items: { id: string; parentId: string | null; name: string; path: string }[] }>(
      auth,
      'GET',
      '/api/categories',
    )
  ).items;
}

/** The price tag of one SKU as SVG text (barcode drawn by the server). */
export async function priceTagSvg(auth: ApiAuth, skuId: string): Promise<string> {
  const response = await send(auth, 'GET', `/api/labels/skus/${encodeURIComponent(skuId)}/preview.svg`);
  return response.text();
}

/** Checks (dryRun) or imports a CSV or XLSX file of styles and SKUs. */
export function importCatalog(auth: ApiAuth, file: File, dryRun: boolean): Promise<ImportReport> {
  const xlsx = /\.xlsx$/i.test(file.name);
  return call<ImportReport>(auth, 'POST', '/api/catalog/imports', {
    query: { dryRun },
    raw: file,
    contentType: xlsx ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
  });
}

/**
 * Where a style's photo is. The photo route is still being added on the server: an entry that
 * is already an address is used as it is, a bare file name is looked for under the style.
 */
export function photoUrl(style: Pick<Style, 'id'>, photo: string): string {
  if (/^(https?:|\/|data:)/.test(photo)) return photo;
  return `/api/products/${encodeURIComponent(style.id)}/photos/${encodeURIComponent(photo)}`;
}

/** A style customers bought together with another one. */
export interface BoughtWith {
  id: string;
  styleCode: string;
  name: string;
  price: number;
  tagPrice: number;
  /** The cover photo's address, if any. */
  photo: string | null;
  sales: number;
}

/** What customers bought in the same sales as this style over the last 90 days. */
export async function boughtWith(auth: ApiAuth, styleId: string, limit = 4): Promise<BoughtWith[]> {
  return (
    await call<{ items: BoughtWith[] }>(
      auth,
      'GET',
      `/api/products/${encodeURIComponent(styleId)}/bought-with`,
      {
        query: { limit },
      },
    )
  ).items;
}
