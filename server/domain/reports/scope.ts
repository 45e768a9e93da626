import { sql } from 'kysely';
import type { AppContext, Store } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Report, ReportRow } from '../../protocol/reports.js';
import type { Principal } from '../../protocol/roles.js';
import { readsEveryStore } from '../staff/stores.js';
import type { DayRange } from './range.js';
import { int, money, sumRows, text } from './table.js';

/**
 * The store a report is about: this server's, or — for head office in a chain — another
 * store of the chain named by its code (`?store=BR02`). A store's own staff see their store only.
 */
export async function reportStore(
  ctx: AppContext,
  principal: Principal,
  code: string | undefined,
): Promise<AppContext> {
  if (code === undefined || code === ctx.store.code) return ctx;
  if (!(await readsEveryStore(ctx, principal))) {
    throw new ApiError('forbidden', 'Only head office sees the reports of other stores.', {
      'query.store': 'another store',
    });
  }
  const row = await ctx.storage.db
    .selectFrom('stores')
    .selectAll()
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row)
    throw new ApiError('not_found', `There is no store ${code} in this chain.`, {
      'query.store': 'unknown store',
    });
  const store: Store = {
    id: row.id,
    code: row.code,
    name: row.name,
    currency: row.currency,
    timeZone: row.time_zone,
    address: row.address,
    catalogId: ctx.store.catalogId,
  };
  return { ...ctx, store };
}

/**
 * Chain-wide: sales, returns and net per store over the range (each store's own days). A
 * single shop has one row; in a chain only head office sees the other stores' rows.
 */
export async function salesByStore(ctx: AppContext, principal: Principal, r: DayRange): Promise<Report> {
  const all = await readsEveryStore(ctx, principal);
  const stores = await ctx.storage.db
    .selectFrom('stores')
    .select(['id', 'code', 'name'])
    .$if(!all, (q) => q.where('id', '=', ctx.store.id))
    .orderBy('code')
    .execute();
  const sold = await sql<{ store: string; sales: number; total: number }>`
    select s.store_id as store, count(*) as sales, coalesce(sum(s.total), 0) as total from sales s
    where s.training = 0 and s.status <> 'voided' and s.business_day >= ${r.from} and s.business_day <= ${r.to}
    group by s.store_id`.execute(ctx.storage.db);
  const back = await sql<{ store: string; returns: number; amount: number }>`
    select r.store_id as store, count(*) as returns, coalesce(sum(r.amount), 0) as amount from returns r
    where r.training = 0 and r.business_day >= ${r.from} and r.business_day <= ${r.to}
    group by r.store_id`.execute(ctx.storage.db);
  const soldBy = new Map(sold.rows.map((row) => [row.store, row]));
  const backBy = new Map(back.rows.map((row) => [row.store, row]));
  const rows: ReportRow[] = stores.map((store) => {
    const s = soldBy.get(store.id);
    const b = backBy.get(store.id);
    const total = Number(s?.total ?? 0);
    const returned = Number(b?.amount ?? 0);
    return {
      store: store.code,
      name: store.name,
      sales: Number(s?.sales ?? 0),
      total,
      returns: Number(b?.returns ?? 0),
      returned,
      net: total - returned,
    };
  });
  return {
    name: 'sales-by-store',
    from: r.from,
    to: r.to,
    columns: [
      text('store', 'Store'),
      text('name', 'Name'),
      int('sales', 'Sales'),
      money('total', 'Sold'),
      int('returns', 'Returns'),
      money('returned', 'Returned'),
      money('net', 'Net'),
    ],
    rows,
    totals: sumRows(rows, ['sales', 'total', 'returns', 'returned', 'net']),
  };
}
