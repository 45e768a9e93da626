import type { StyleCertificate } from './printing.js';
/** What the till and the admin page are told about a scanned SKU and a style search. Money in fen. */

/** What a scan at the till or the lookup kiosk shows. Never the cost. */
export interface ScannedSku {
  id: string;
  barcode: string;
  styleId: string;
  styleCode: string;
  name: string;
  color: string;
  size: string;
  /** The retail price in force now, fen. */
  price: number;
  tagPrice: number;
  specialPrice: boolean;
  memberPrices: Record<string, number>;
  /** This store's on-hand. */
  stock: number;
  active: boolean;
}

export interface StyleHit {
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
  /** Units on hand in this store over all the style's SKUs. */
  onHand: number;
}

/** `GET /api/styles` and `catalog/search`: search as you type, with filters, a page at a time. */
export interface StyleSearch {
  q?: string;
  category?: string;
  season?: string;
  year?: number;
  /** Fen. */
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  active?: boolean;
  limit?: number;
  offset?: number;
}

export interface StyleHits {
  items: StyleHit[];
  nextOffset: number | null;
}

/** The image formats a style's photo may have. */
export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp';

export interface PhotoView {
  id: string;
  contentType: PhotoType;
  bytes: number;
  /** Where to fetch it (with a token that may read the catalogue). */
  url: string;
  uploadedAt: string;
  /** Shown among the shop's pictures on the customer display's idle screen. */
  showcase: boolean;
}

export interface SkuView {
  id: string;
  barcode: string;
  color: string;
  size: string;
  /** The retail price in force now, fen. */
  price: number;
  active: boolean;
  onHand: number;
  /** The other stores of a chain with this SKU on hand (none for a single shop). */
  elsewhere: { store: string; name: string; onHand: number }[];
  lowStockThreshold: number | null;
}

export interface StyleView {
  id: string;
  styleCode: string;
  name: string;
  category: { id: string; path: string } | null;
  brand: string | null;
  /** Who the style is bought from. */
  supplier: string | null;
  season: string | null;
  year: number | null;
  tagPrice: number;
  price: number;
  /** Only for those who manage the catalogue; null otherwise or when unknown. */
  cost: number | null;
  specialPrice: boolean;
  memberPrices: Record<string, number>;
  sizeGroup: string | null;
  colors: string[];
  sizes: string[];
  /** In display order: the first is the cover. */
  photos: PhotoView[];
  lowStockThreshold: number | null;
  /** 合格证 fields printed on a tag of their own; null when none are kept. */
  certificate: StyleCertificate | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  skus: SkuView[];
}

/** A picture the customer display shows while its till has no cart. */
export interface ShowcasePicture {
  styleId: string;
  photoId: string;
  styleCode: string;
  name: string;
  /** The retail price in force now, fen. */
  price: number;
  /** The image, for those who may read the showcase (the display among them). */
  url: string;
}

/** `GET /api/showcase`. */
export interface Showcase {
  items: ShowcasePicture[];
}

/** A style customers bought in the same sale as another one. Never the cost. */
export interface BoughtWithView {
  id: string;
  styleCode: string;
  name: string;
  /** The retail price in force now, fen. */
  price: number;
  tagPrice: number;
  /** Where to fetch the cover photo, if the style has one. */
  photo: string | null;
  /** In how many of the period's sales it came together with the asked-for style. */
  sales: number;
}

/** `GET /api/products/:id/bought-with`. */
export interface BoughtWithList {
  items: BoughtWithView[];
}

/** `GET /api/size-groups`: a named run of sizes a new style can take. */
export interface SizeGroup {
  code: string;
  name: string;
  sizes: string[];
  /** True while the shop has not changed the built-in group. */
  builtIn: boolean;
}

/** One bad cell of an import file: the file's line, the column (letter and header) and what is wrong. */
export interface ImportProblem {
  line: number;
  column: string;
  reason: string;
}

/** `POST /api/catalog/imports`: what a dry run would do, or what the import did. */
export interface CatalogImportReport {
  importId: string;
  dryRun: boolean;
  format: 'csv' | 'xlsx';
  rows: number;
  /** Styles created, and existing styles that get new SKUs. */
  newStyles: number;
  extendedStyles: number;
  newSkus: number;
  unchangedSkus: number;
  problems: ImportProblem[];
  /** How many problems the list leaves out. */
  moreProblems: number;
}
