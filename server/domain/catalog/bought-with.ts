import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import type { BoughtWithList } from '../../protocol/catalog.js';
import { photoViews } from './photos.js';
import { priceInForce } from './price-in-force.js';

/** How far back "bought together" looks. */
export const BOUGHT_WITH_DAYS = 90;

/**
 * `GET /api/products/:id/bought-with`: the active styles most often in the same completed,
 * non-training sales as this one over the last 90 days (most shared sales first, then name).
 */
export async function boughtWith(ctx: AppContext, styleId: string, limit: number): Promise<BoughtWithList> {
  const db = ctx.storage.db;
  const style = await db.selectFrom('styles').select('id').where('id', '=', styleId).executeTakeFirst();
  if (!style) throw notFound('style', styleId);
  const now = ctx.now();
  const since = new Date(now.getTime() - BOUGHT_WITH_DAYS * 86_400_000).toISOString();
  const rows = await db
    .selectFrom('sale_lines as other')
    .innerJoin('sales as sa', 'sa.id', 'other.sale_id')
    .innerJoin('styles as s', 's.id', 'other.style_id')
    .where('sa.store_id', '=', ctx.store.id)
    .where('sa.training', '=', 0)
    .where('sa.status', '=', 'completed')
    .where('sa.voided_at', 'is', null)
    .where('sa.at', '>=', since)
    .where('other.style_id', '!=', styleId)
    .where('s.active', '=', 1)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('sale_lines as mine')
          .select('mine.id')
          .whereRef('mine.sale_id', '=', 'other.sale_id')
          .where('mine.style_id', '=', styleId),
      ),
    )
    .groupBy(['s.id', 's.style_code', 's.name', 's.tag_price', 's.photos', 's.base_price'])
    .select([
      's.id',
      's.style_code as styleCode',
      's.name',
      's.tag_price as tagPrice',
      's.photos',
      priceInForce(now.toISOString(), ctx.store).as('price'),
      sql<number>`count(distinct other.sale_id)`.as('sales'),
    ])
    .orderBy('sales', 'desc')
    .orderBy('s.name')
    .orderBy('s.id')
    .limit(limit)
    .execute();
  return {
    items: rows.map((row) => ({
      id: row.id,
      styleCode: row.styleCode,
      name: row.name,
      price: row.price,
      tagPrice: row.tagPrice,
      photo: photoViews(row.id, row.photos)[0]?.url ?? null,
      sales: Number(row.sales),
    })),
  };
}
