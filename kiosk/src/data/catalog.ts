import type {
  BoughtWithView as BoughtWith,
  BoughtWithList,
  CatalogImportReport as ImportReport,
  PhotoView as Photo,
  ScannedSku,
  Showcase,
  ShowcasePicture,
  SizeGroup,
  StyleView as Style,
  StyleHit as StyleSummary,
} from '../../../server/protocol/catalog.js';
import type { StyleCertificate } from '../../../server/protocol/printing.js';
import { type ApiAuth, call, send } from './http.js';

export type {
  BoughtWithView as BoughtWith,
  CatalogImportReport as ImportReport,
  ShowcasePicture,
  SizeGroup,
  SkuView as Sku,
} from '../../../server/protocol/catalog.js';
export type { Photo, ScannedSku, Style, StyleSummary };

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
  supplier?: string | null;
  season?: string | null;
  year?: number | null;
  tagPrice?: number;
  cost?: number | null;
  specialPrice?: boolean;
  memberPrices?: Record<string, number>;
  active?: boolean;
  lowStockThreshold?: number | null;
  /** 合格证 fields; null clears them. */
  certificate?: StyleCertificate | null;
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

/** A style's prices at this store (`GET /api/products/:id/prices`, the fields the admin page shows). */
export interface StorePrices {
  /** In force now at this store: its own price when it has one, else the list price. */
  price: number;
  /** The chain's list price in force now. */
  listPrice: number;
  /** A chain branch's own price, when it set one. */
  storePrice: { price: number; setAt: string; staffId: string | null } | null;
}

export function stylePrices(auth: ApiAuth, id: string): Promise<StorePrices> {
  return call<StorePrices>(auth, 'GET', `/api/products/${encodeURIComponent(id)}/prices`);
}

/** A chain branch sells the style at its own price; `null` goes back to the list price. */
export function setStorePrice(auth: ApiAuth, id: string, price: number | null): Promise<StorePrices> {
  const path = `/api/products/${encodeURIComponent(id)}/store-price`;
  return price === null
    ? call<StorePrices>(auth, 'DELETE', path)
    : call<StorePrices>(auth, 'PUT', path, { body: { price } });
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

/** Sends price tags to the label printer of the store's bridge; the print jobs' ids. */
export async function printLabels(
  auth: ApiAuth,
  request:
    | { items: { skuId: string; copies: number }[] }
    | { styleId: string; copies: number }
    | { receiptId: string },
): Promise<string[]> {
  return (await call<{ jobIds: string[] }>(auth, 'POST', '/api/labels/print', { body: request })).jobIds;
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
 * A photo's image from the server. The photo routes want a Bearer token like every API route,
 * which a plain `<img src>` cannot send: the screens fetch the bytes and show them through a
 * blob URL (`hg-photo` does both and revokes the URL when done).
 */
export async function fetchPhoto(auth: ApiAuth, url: string, signal?: AbortSignal): Promise<Blob> {
  if (!url.startsWith('/api/')) throw new TypeError(`not a photo path of this server: ${url}`);
  const response = await send(auth, 'GET', url, { signal });
  return response.blob();
}

/** Adds a photo (JPEG, PNG or WebP, at most 5 MB) to a style; answers the style's photos. */
export async function addPhoto(auth: ApiAuth, styleId: string, file: Blob): Promise<Photo[]> {
  const answer = await call<{ photos: Photo[] }>(
    auth,
    'POST',
    `/api/products/${encodeURIComponent(styleId)}/photos`,
    {
      raw: file,
      contentType: file.type,
    },
  );
  return answer.photos;
}

export async function deletePhoto(auth: ApiAuth, styleId: string, photoId: string): Promise<Photo[]> {
  const path = `/api/products/${encodeURIComponent(styleId)}/photos/${encodeURIComponent(photoId)}`;
  return (await call<{ photos: Photo[] }>(auth, 'DELETE', path)).photos;
}

/** Puts the photos in this order; the first becomes the cover. */
export async function reorderPhotos(auth: ApiAuth, styleId: string, photoIds: string[]): Promise<Photo[]> {
  const path = `/api/products/${encodeURIComponent(styleId)}/photos/order`;
  return (await call<{ photos: Photo[] }>(auth, 'PUT', path, { body: { photoIds } })).photos;
}

/** Shows a photo on the customer display's idle screen, or stops showing it. */
export async function showPhotoOnDisplay(
  auth: ApiAuth,
  styleId: string,
  photoId: string,
  showcase: boolean,
): Promise<Photo[]> {
  const path = `/api/products/${encodeURIComponent(styleId)}/photos/${encodeURIComponent(photoId)}`;
  return (await call<{ photos: Photo[] }>(auth, 'PATCH', path, { body: { showcase } })).photos;
}

/** How long a style's cover stays remembered on a screen before it is asked again. */
const COVER_TTL_MS = 10 * 60_000;
const covers = new Map<string, { at: number; url: Promise<string | null> }>();

/**
 * The cover photo's path of a style (null without photos), remembered for a while: the till
 * shows a thumbnail on every line and should not fetch the style again for each scan.
 */
export function coverPhoto(auth: ApiAuth, styleId: string): Promise<string | null> {
  const known = covers.get(styleId);
  if (known && Date.now() - known.at < COVER_TTL_MS) return known.url;
  const url = getStyle(auth, styleId).then(
    (style) => style.photos[0]?.url ?? null,
    (error: unknown) => {
      covers.delete(styleId);
      throw error;
    },
  );
  covers.set(styleId, { at: Date.now(), url });
  return url;
}

/** The shop's pictures for the customer display: photos the owner chose, of styles on sale. */
export async function showcase(auth: ApiAuth): Promise<ShowcasePicture[]> {
  return (await call<Showcase>(auth, 'GET', '/api/showcase')).items;
}

/** What customers bought in the same sales as this style over the last 90 days. */
export async function boughtWith(auth: ApiAuth, styleId: string, limit = 4): Promise<BoughtWith[]> {
  return (
    await call<BoughtWithList>(auth, 'GET', `/api/products/${encodeURIComponent(styleId)}/bought-with`, {
      query: { limit },
    })
  ).items;
}
