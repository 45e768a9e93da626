/** Stock as the till, the stockroom and the admin page see it. */

export interface CountResult {
  skuId: string;
  barcode: string;
  styleCode: string;
  color: string;
  size: string;
  counted: number;
}

/** This store's on-hand of one SKU. */
export interface SkuStock {
  skuId: string;
  onHand: number;
}
