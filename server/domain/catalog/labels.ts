import bwipjs from 'bwip-js';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import type { LabelDocument, PriceLabel, StyleCertificate } from '../../protocol/printing.js';
import { isValidGtin } from './barcodes.js';
import { priceInForce } from './price-in-force.js';

/** The bridge prints at most this many copies of one label; a bigger delivery gets several labels. */
const MAX_COPIES = 100;

interface LabelSku {
  id: string;
  barcode: string;
  color: string;
  size: string;
  styleCode: string;
  name: string;
  price: number;
  tagPrice: number;
  certificate: string | null;
}

async function labelSkus(ctx: AppContext, ids: readonly string[]): Promise<Map<string, LabelSku>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.storage.db
    .selectFrom('skus as k')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .select([
      'k.id',
      'k.barcode',
      'k.color',
      'k.size',
      's.style_code as styleCode',
      's.name',
      's.tag_price as tagPrice',
      's.certificate',
      priceInForce(ctx.now().toISOString(), ctx.store).as('price'),
    ])
    .where('k.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** Labels for `copies` of a SKU: the tag price shows crossed out when the price in force is lower. */
function labelsFor(sku: LabelSku, copies: number): PriceLabel[] {
  const labels: PriceLabel[] = [];
  for (let left = copies; left > 0; left -= MAX_COPIES) {
    labels.push({
      styleCode: sku.styleCode,
      name: sku.name,
      color: sku.color,
      size: sku.size,
      barcode: sku.barcode,
      price: sku.price,
      ...(sku.price < sku.tagPrice && { originalPrice: sku.tagPrice }),
      copies: Math.min(left, MAX_COPIES),
      ...(sku.certificate && { certificate: JSON.parse(sku.certificate) as StyleCertificate }),
    });
  }
  return labels;
}

/** Price tags for one SKU, ready for the bridge. */
export async function skuLabels(ctx: AppContext, skuId: string, copies: number): Promise<LabelDocument> {
  const sku = (await labelSkus(ctx, [skuId])).get(skuId);
  if (!sku) throw notFound('SKU', skuId);
  return { labels: labelsFor(sku, copies) };
}

/** Price tags for chosen SKUs, `copies` of each; an unknown SKU is a 404 naming its place in the list. */
export async function itemLabels(
  ctx: AppContext,
  items: readonly { skuId: string; copies: number }[],
): Promise<LabelDocument> {
  const skus = await labelSkus(
    ctx,
    items.map((item) => item.skuId),
  );
  const labels = items.flatMap((item, index) => {
    const sku = skus.get(item.skuId);
    if (!sku) {
      throw new ApiError('not_found', `No SKU ${item.skuId}.`, { [`items.${index}.skuId`]: 'no such SKU' });
    }
    return labelsFor(sku, item.copies);
  });
  return { labels: capped(labels) };
}

/** A style's size run: `copies` tags of every SKU of the style (colours × sizes). */
export async function styleLabels(ctx: AppContext, styleId: string, copies: number): Promise<LabelDocument> {
  const rows = await ctx.storage.db
    .selectFrom('skus')
    .select('id')
    .where('style_id', '=', styleId)
    .where('store_id', '=', ctx.store.catalogId)
    .orderBy('id')
    .execute();
  if (rows.length === 0) throw notFound('style', styleId);
  return itemLabels(
    ctx,
    rows.map((row) => ({ skuId: row.id, copies })),
  );
}

/** One print job holds at most 500 labels (each up to 100 copies). */
function capped(labels: PriceLabel[]): PriceLabel[] {
  if (labels.length > 500) {
    throw new ApiError('business_rule', 'This needs more than 500 different labels; print it in parts.');
  }
  return labels;
}

/** Price tags for a whole delivery: one per unit received. */
export async function receiptLabels(ctx: AppContext, receiptId: string): Promise<LabelDocument> {
  const receipt = await ctx.storage.db
    .selectFrom('stock_documents')
    .select('kind')
    .where('id', '=', receiptId)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (receipt?.kind !== 'receipt') throw notFound('receipt', receiptId);
  const lines = await ctx.storage.db
    .selectFrom('stock_movements')
    .select(['sku_id', 'delta'])
    .where('ref_id', '=', receiptId)
    .orderBy('id')
    .execute();
  const skus = await labelSkus(
    ctx,
    lines.map((line) => line.sku_id),
  );
  const labels = lines.flatMap((line) => {
    const sku = skus.get(line.sku_id);
    return sku ? labelsFor(sku, line.delta) : [];
  });
  return { labels: capped(labels) };
}

function symbology(barcode: string): string {
  if (isValidGtin(barcode)) return { 8: 'ean8', 12: 'upca', 13: 'ean13' }[barcode.length] ?? 'code128';
  return 'code128';
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );

/** A 40 × 30 mm price tag as SVG for the admin page, the barcode drawn by bwip-js. */
export async function labelPreviewSvg(ctx: AppContext, skuId: string): Promise<string> {
  const [label] = (await skuLabels(ctx, skuId, 1)).labels;
  if (!label) throw notFound('SKU', skuId);
  const money = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: ctx.store.currency });
  const barcode = bwipjs
    .toSVG({
      bcid: symbology(label.barcode),
      text: label.barcode,
      includetext: true,
      textxalign: 'center',
      height: 10,
    })
    .replace('<svg ', '<svg x="8" y="112" width="224" height="60" preserveAspectRatio="xMidYMid meet" ');
  const line = (y: number, size: number, text: string, extra = '') =>
    `<text x="120" y="${y}" font-size="${size}" text-anchor="middle" ${extra}>${escapeXml(text)}</text>`;
  return [
    '<svg xmlns="http://www.w3.org/2000/svg" width="40mm" height="30mm" viewBox="0 0 240 180" font-family="sans-serif">',
    '<rect x="0.5" y="0.5" width="239" height="179" rx="6" fill="#fff" stroke="#999"/>',
    line(22, 16, label.name, 'font-weight="bold"'),
    line(42, 12, `${label.styleCode}  ${label.color ?? ''} / ${label.size ?? ''}`),
    label.originalPrice === undefined
      ? line(80, 28, money.format(label.price / 100), 'font-weight="bold"')
      : `${line(62, 13, money.format(label.originalPrice / 100), 'text-decoration="line-through" fill="#666"')}${line(92, 26, money.format(label.price / 100), 'font-weight="bold"')}`,
    barcode,
    '</svg>',
  ].join('\n');
}
