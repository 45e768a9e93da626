import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { ScannedSku } from '../../protocol/catalog.js';
import { priceInForce } from './price-in-force.js';

/** `GET /api/skus/by-barcode/:barcode`: one unique-index lookup; an unknown code is a 404 saying so. */
export async function skuByBarcode(ctx: AppContext, barcode: string): Promise<ScannedSku> {
  const row = await ctx.storage.db
    .selectFrom('skus as k')
    .innerJoin('styles as s', 's.id', 'k.style_id')
    .leftJoin('stock_levels as l', (join) =>
      join.onRef('l.sku_id', '=', 'k.id').on('l.store_id', '=', ctx.store.id),
    )
    .select([
      'k.id',
      'k.barcode',
      'k.color',
      'k.size',
      'k.active',
      's.id as styleId',
      's.style_code as styleCode',
      's.name',
      's.tag_price as tagPrice',
      's.special_price as specialPrice',
      's.member_prices as memberPrices',
      's.active as styleActive',
      'l.on_hand as onHand',
      priceInForce(ctx.now().toISOString(), ctx.store).as('price'),
    ])
    .where('k.barcode', '=', barcode)
    .executeTakeFirst();
  if (!row) {
    throw new ApiError('not_found', `Barcode ${barcode} is not in the catalogue.`, {
      barcode: 'unknown barcode',
    });
  }
  return {
    id: row.id,
    barcode: row.barcode,
    styleId: row.styleId,
    styleCode: row.styleCode,
    name: row.name,
    color: row.color,
    size: row.size,
    price: row.price,
    tagPrice: row.tagPrice,
    specialPrice: row.specialPrice === 1,
    memberPrices: JSON.parse(row.memberPrices) as Record<string, number>,
    stock: row.onHand ?? 0,
    active: row.active === 1 && row.styleActive === 1,
  };
}
