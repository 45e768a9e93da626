import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import type { SkuView, StyleView } from '../../protocol/catalog.js';
import type { StyleCertificate } from '../../protocol/printing.js';
import type { Database } from '../../storage/schema.js';
import { photoViews } from './photos.js';
import { priceInForce } from './price-in-force.js';

/** The style with its SKU matrix (in colour × size order) and this store's on-hand of each. */
export async function loadStyle(
  db: Kysely<Database>,
  ctx: AppContext,
  id: string,
  options: { withCost: boolean },
): Promise<StyleView> {
  const row = await db
    .selectFrom('styles as s')
    .leftJoin('categories as c', 'c.id', 's.category_id')
    .selectAll('s')
    .select(['c.path as category_path', priceInForce(ctx.now().toISOString(), ctx.store).as('price')])
    .where('s.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('style', id);
  const skus = await db
    .selectFrom('skus as k')
    .leftJoin('stock_levels as l', (join) =>
      join.onRef('l.sku_id', '=', 'k.id').on('l.store_id', '=', ctx.store.id),
    )
    .select(['k.id', 'k.barcode', 'k.color', 'k.size', 'k.active', 'k.low_stock_threshold', 'l.on_hand'])
    .where('k.style_id', '=', id)
    .execute();
  const elsewhere = new Map<string, SkuView['elsewhere']>();
  if (skus.length > 0) {
    const others = await db
      .selectFrom('stock_levels as l')
      .innerJoin('stores as st', 'st.id', 'l.store_id')
      .select(['l.sku_id', 'st.code', 'st.name', 'l.on_hand'])
      .where(
        'l.sku_id',
        'in',
        skus.map((sku) => sku.id),
      )
      .where('l.store_id', '<>', ctx.store.id)
      .where('l.on_hand', '>', 0)
      .orderBy('st.code')
      .execute();
    for (const other of others) {
      const list = elsewhere.get(other.sku_id) ?? [];
      list.push({ store: other.code, name: other.name, onHand: other.on_hand });
      elsewhere.set(other.sku_id, list);
    }
  }
  const colors = JSON.parse(row.colors) as string[];
  const sizes = JSON.parse(row.sizes) as string[];
  const order = (color: string, size: string) => colors.indexOf(color) * 1000 + sizes.indexOf(size);
  skus.sort((a, b) => order(a.color, a.size) - order(b.color, b.size));
  return {
    id: row.id,
    styleCode: row.style_code,
    name: row.name,
    category: row.category_id && row.category_path ? { id: row.category_id, path: row.category_path } : null,
    brand: row.brand,
    supplier: row.supplier,
    season: row.season,
    year: row.year,
    tagPrice: row.tag_price,
    price: row.price,
    cost: options.withCost ? row.cost : null,
    specialPrice: row.special_price === 1,
    memberPrices: JSON.parse(row.member_prices) as Record<string, number>,
    sizeGroup: row.size_group,
    colors,
    sizes,
    photos: photoViews(row.id, row.photos),
    lowStockThreshold: row.low_stock_threshold,
    certificate: row.certificate ? (JSON.parse(row.certificate) as StyleCertificate) : null,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    skus: skus.map((sku) => ({
      id: sku.id,
      barcode: sku.barcode,
      color: sku.color,
      size: sku.size,
      price: row.price,
      active: sku.active === 1,
      onHand: sku.on_hand ?? 0,
      elsewhere: elsewhere.get(sku.id) ?? [],
      lowStockThreshold: sku.low_stock_threshold,
    })),
  };
}
