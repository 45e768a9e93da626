/** How a line names its SKU wherever one crosses the wire: a stock list, a document, a sale. */
export interface SkuLabel {
  skuId: string;
  barcode: string;
  styleCode: string;
  name: string;
  color: string;
  size: string;
}
