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
