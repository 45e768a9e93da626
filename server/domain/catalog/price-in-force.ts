import { type RawBuilder, sql } from 'kysely';

/**
 * The retail price in force at `at` of the style aliased `s` in the surrounding query: the
 * latest price change that has started and was not cancelled, else the price the style was
 * created with. Plain SQL that PostgreSQL runs as well.
 */
export function priceInForce(at: string): RawBuilder<number> {
  return sql<number>`coalesce((select pc.price from price_changes pc
    where pc.style_id = s.id and pc.starts_at <= ${at}
      and not exists (select 1 from price_change_cancellations x where x.change_id = pc.id)
    order by pc.starts_at desc, pc.id desc limit 1), s.base_price)`;
}
