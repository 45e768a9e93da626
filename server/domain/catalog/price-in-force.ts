import { type RawBuilder, sql } from 'kysely';
import type { Store } from '../../context.js';

/**
 * The retail price in force at `at` of the style aliased `s` in the surrounding query.
 * The chain's list price: the latest price change that has started and was not cancelled, else
 * the price the style was created with. With `store`, what that store sells at: its own store
 * price when a branch of a chain set one, else the list price. Plain SQL that PostgreSQL runs as
 * well.
 */
export function priceInForce(at: string, store?: Pick<Store, 'id' | 'catalogId'>): RawBuilder<number> {
  const listPrice = sql<number>`coalesce((select pc.price from price_changes pc
    where pc.style_id = s.id and pc.starts_at <= ${at}
      and not exists (select 1 from price_change_cancellations x where x.change_id = pc.id)
    order by pc.starts_at desc, pc.id desc limit 1), s.base_price)`;
  // Head office (and a shop on its own) sells at the list price: it has no store price.
  if (!store || store.id === store.catalogId) return listPrice;
  return sql<number>`coalesce((select sp.price from store_prices sp
    where sp.store_id = ${store.id} and sp.style_id = s.id), ${listPrice})`;
}
