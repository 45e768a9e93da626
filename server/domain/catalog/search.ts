import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { StyleHits } from '../../protocol/catalog.js';
import { likeEscape } from '../../storage/sql-text.js';
import { withDescendants } from './categories.js';
import { priceInForce } from './price-in-force.js';
import type { SearchQuery } from './schemas.js';

/**
 * Search-as-you-type over styles. Every word of `q` must occur somewhere in the style's
 * precomputed search text (style code, name, pinyin initials, full pinyin); a `q` that is a
 * barcode finds its style directly. Matches rank exact style code, then code prefix, then
 * name prefix, then the rest by style code. A first query picks the page of ids; a second
 * fills in prices and stock for that page only.
 */
export async function searchStyles(ctx: AppContext, query: SearchQuery): Promise<StyleHits> {
  const db = ctx.storage.db;
  const now = ctx.now().toISOString();
  const text = query.q?.toLowerCase() ?? '';
  let ids = db.selectFrom('styles as s').select('s.id').where('s.store_id', '=', ctx.store.catalogId);
  if (text) {
    const scanned = /^[0-9A-Za-z.-]{4,32}$/.test(query.q ?? '')
      ? await db
          .selectFrom('skus')
          .select('style_id')
          .where('barcode', '=', query.q ?? '')
          .executeTakeFirst()
      : undefined;
    if (scanned) ids = ids.where('s.id', '=', scanned.style_id);
    else {
      for (const word of text.split(/\s+/).filter(Boolean)) {
        ids = ids.where(sql<boolean>`s.search_text like ${`%${likeEscape(word)}%`} escape '\\'`);
      }
    }
  }
  if (query.category)
    ids = ids.where('s.category_id', 'in', await withDescendants(db, ctx, [query.category]));
  if (query.season) ids = ids.where('s.season', '=', query.season);
  if (query.year) ids = ids.where('s.year', '=', query.year);
  if (query.active !== undefined) ids = ids.where('s.active', '=', query.active ? 1 : 0);
  if (query.minPrice !== undefined || query.maxPrice !== undefined) {
    // One evaluation of the price in force per style, both bounds at once.
    ids = ids.where(
      sql<boolean>`${priceInForce(now, ctx.store)} between ${query.minPrice ?? 0} and ${query.maxPrice ?? Number.MAX_SAFE_INTEGER}`,
    );
  }
  if (query.inStock) {
    ids = ids.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('skus as k')
          .innerJoin('stock_levels as l', 'l.sku_id', 'k.id')
          .select('k.id')
          .whereRef('k.style_id', '=', 's.id')
          .where('l.store_id', '=', ctx.store.id)
          .where('l.on_hand', '>', 0),
      ),
    );
  }
  if (text) {
    const prefix = `${likeEscape(text)}%`;
    ids = ids.orderBy(
      sql<number>`case when lower(s.style_code) = ${text} then 0
        when lower(s.style_code) like ${prefix} escape '\\' then 1
        when s.name like ${prefix} escape '\\' then 2 else 3 end`,
    );
  }
  const page = await ids
    .orderBy('s.style_code')
    .limit(query.limit + 1)
    .offset(query.offset)
    .execute();
  const pageIds = page.slice(0, query.limit).map((row) => row.id);
  if (pageIds.length === 0) return { items: [], nextOffset: null };
  const rows = await db
    .selectFrom('styles as s')
    .leftJoin('categories as c', 'c.id', 's.category_id')
    .select([
      's.id',
      's.style_code as styleCode',
      's.name',
      'c.path as category',
      's.season',
      's.year',
      priceInForce(now, ctx.store).as('price'),
      's.tag_price as tagPrice',
      's.special_price as specialPrice',
      's.active',
      (eb) =>
        eb
          .selectFrom('skus as k')
          .innerJoin('stock_levels as l', 'l.sku_id', 'k.id')
          .select(sql<number>`coalesce(sum(l.on_hand), 0)`.as('n'))
          .whereRef('k.style_id', '=', 's.id')
          .where('l.store_id', '=', ctx.store.id)
          .as('onHand'),
    ])
    .where('s.id', 'in', pageIds)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  const items = pageIds.flatMap((id) => {
    const row = byId.get(id);
    return row
      ? [
          {
            ...row,
            specialPrice: row.specialPrice === 1,
            active: row.active === 1,
            onHand: Number(row.onHand ?? 0),
          },
        ]
      : [];
  });
  return { items, nextOffset: page.length > query.limit ? query.offset + query.limit : null };
}
