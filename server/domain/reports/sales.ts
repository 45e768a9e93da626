import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Report, ReportRow } from '../../protocol/reports.js';
import type { Database } from '../../storage/schema.js';
import { type DayRange, eachDay, localHour, weekday } from './range.js';
import { int, money, pct, percent, sumRows, text } from './table.js';

/**
 * Sales reports over a range of store days. Every query keeps `store_id` (chain mode adds
 * stores later); training sales, training returns and voided sales never count. Line-level
 * reports net returns by the day of the return, attributed to the returned goods' style,
 * category, colour and size.
 */
type Db = Kysely<Database>;

async function rows<T>(db: Db, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

const n = (value: unknown): number => Number(value ?? 0);

/** Sales that count: not training, not voided, in the store and the range. */
const salesIn = (ctx: AppContext, r: DayRange) =>
  sql`s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided'
    and s.business_day >= ${r.from} and s.business_day <= ${r.to}`;
const returnsIn = (ctx: AppContext, r: DayRange) =>
  sql`r.store_id = ${ctx.store.id} and r.training = 0
    and r.business_day >= ${r.from} and r.business_day <= ${r.to}`;

function base(name: string, r: DayRange): Pick<Report, 'name' | 'from' | 'to'> {
  return { name, from: r.from, to: r.to };
}

export async function salesByDay(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const sold = await rows(
    db,
    sql<{ day: string; sales: number; gross: number; discounts: number; total: number }>`
      select s.business_day as day, count(*) as sales, sum(s.subtotal) as gross,
        sum(s.discount_total) as discounts, sum(s.total) as total
      from sales s where ${salesIn(ctx, r)} group by s.business_day`,
  );
  const items = await rows(
    db,
    sql<{ day: string; items: number }>`
      select s.business_day as day, sum(l.qty) as items
      from sale_lines l join sales s on s.id = l.sale_id
      where ${salesIn(ctx, r)} group by s.business_day`,
  );
  const back = await rows(
    db,
    sql<{ day: string; returns: number; amount: number }>`
      select r.business_day as day, count(*) as returns, sum(r.amount) as amount
      from returns r where ${returnsIn(ctx, r)} group by r.business_day`,
  );
  const byDay = new Map(sold.map((row) => [row.day, row]));
  const itemsByDay = new Map(items.map((row) => [row.day, n(row.items)]));
  const backByDay = new Map(back.map((row) => [row.day, row]));
  const out: ReportRow[] = eachDay(r).map((day) => {
    const s = byDay.get(day);
    const b = backByDay.get(day);
    const total = n(s?.total);
    const returned = n(b?.amount);
    return {
      day,
      weekday: weekday(day),
      sales: n(s?.sales),
      items: itemsByDay.get(day) ?? 0,
      gross: n(s?.gross),
      discounts: n(s?.discounts),
      total,
      returns: n(b?.returns),
      returned,
      net: total - returned,
      basket: s && n(s.sales) > 0 ? Math.round(total / n(s.sales)) : 0,
    };
  });
  const totals = sumRows(out, [
    'sales',
    'items',
    'gross',
    'discounts',
    'total',
    'returns',
    'returned',
    'net',
  ]);
  totals.basket = n(totals.sales) > 0 ? Math.round(n(totals.total) / n(totals.sales)) : 0;
  return {
    ...base('sales-by-day', r),
    columns: [
      text('day', 'Day'),
      int('weekday', 'Weekday'),
      int('sales', 'Sales'),
      int('items', 'Items'),
      money('gross', 'Gross'),
      money('discounts', 'Discounts'),
      money('total', 'Sales total'),
      int('returns', 'Returns'),
      money('returned', 'Returned'),
      money('net', 'Net sales'),
      money('basket', 'Average basket'),
    ],
    rows: out,
    totals,
  };
}

export async function salesByWeekday(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const days = await salesByDay(db, ctx, r);
  const out: ReportRow[] = [1, 2, 3, 4, 5, 6, 7].map((wd) => {
    const mine = days.rows.filter((row) => row.weekday === wd);
    const sums = sumRows(mine, ['sales', 'total', 'returned', 'net']);
    return { weekday: wd, days: mine.length, ...sums };
  });
  return {
    ...base('sales-by-weekday', r),
    columns: [
      int('weekday', 'Weekday (1 = Monday)'),
      int('days', 'Days'),
      int('sales', 'Sales'),
      money('total', 'Sales total'),
      money('returned', 'Returned'),
      money('net', 'Net sales'),
    ],
    rows: out,
    totals: sumRows(out, ['days', 'sales', 'total', 'returned', 'net']),
  };
}

export async function salesByHour(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  // Grouped by UTC hour in SQL, then moved to the store's hour: right for every zone whose
  // offset is whole hours.
  const sold = await rows(
    db,
    sql<{ hour: string; sales: number; total: number }>`
      select substr(s.at, 1, 13) as hour, count(*) as sales, sum(s.total) as total
      from sales s where ${salesIn(ctx, r)} group by substr(s.at, 1, 13)`,
  );
  const out: ReportRow[] = Array.from({ length: 24 }, (_, hour) => ({ hour, sales: 0, total: 0 }));
  for (const row of sold) {
    const hour = localHour(new Date(`${row.hour}:00:00Z`), ctx.store.timeZone);
    const target = out[hour] as ReportRow;
    target.sales = n(target.sales) + n(row.sales);
    target.total = n(target.total) + n(row.total);
  }
  return {
    ...base('sales-by-hour', r),
    columns: [int('hour', 'Hour'), int('sales', 'Sales'), money('total', 'Sales total')],
    rows: out,
    totals: sumRows(out, ['sales', 'total']),
  };
}

export type Dimension = 'category' | 'style' | 'colour' | 'size';

interface Figures {
  soldQty: number;
  sold: number;
  soldCost: number;
  returnedQty: number;
  returned: number;
  returnedCost: number;
}

/**
 * Sold and returned quantities, money and cost per key of a dimension. Cost is the style's cost
 * when the line was sold; goods returned without a receipt take the style's cost of today.
 * `categories`: only goods of these categories.
 */
async function lineFigures(
  db: Db,
  ctx: AppContext,
  r: DayRange,
  dimension: Dimension,
  categories: readonly string[] | null = null,
) {
  const soldIn = categories ? sql`and l.category_id in (${sql.join(categories)})` : sql``;
  const backIn = categories ? sql`and st.category_id in (${sql.join(categories)})` : sql``;
  const saleKey = {
    category: sql`l.category_id`,
    style: sql`l.style_id`,
    colour: sql`l.color`,
    size: sql`l.size`,
  }[dimension];
  const returnKey = {
    category: sql`st.category_id`,
    style: sql`k.style_id`,
    colour: sql`k.color`,
    size: sql`k.size`,
  }[dimension];
  const sold = await rows(
    db,
    sql<{ key: string | null; qty: number; amount: number; cost: number }>`
      select ${saleKey} as key, sum(l.qty) as qty, sum(l.total) as amount,
        sum(l.qty * coalesce(l.unit_cost, 0)) as cost
      from sale_lines l join sales s on s.id = l.sale_id
      where ${salesIn(ctx, r)} ${soldIn} group by ${saleKey}`,
  );
  const back = await rows(
    db,
    sql<{ key: string | null; qty: number; amount: number; cost: number }>`
      select ${returnKey} as key, sum(rl.qty) as qty, sum(rl.amount) as amount,
        sum(rl.qty * case when rl.sale_line_id is null then coalesce(st.cost, 0)
          else coalesce(sl.unit_cost, 0) end) as cost
      from return_lines rl join returns r on r.id = rl.return_id join skus k on k.id = rl.sku_id
        left join styles st on st.id = k.style_id left join sale_lines sl on sl.id = rl.sale_line_id
      where ${returnsIn(ctx, r)} ${backIn} group by ${returnKey}`,
  );
  const figures = new Map<string, Figures>();
  const at = (key: string | null) => {
    const k = key ?? '';
    let f = figures.get(k);
    if (!f) {
      f = { soldQty: 0, sold: 0, soldCost: 0, returnedQty: 0, returned: 0, returnedCost: 0 };
      figures.set(k, f);
    }
    return f;
  };
  for (const row of sold) {
    const f = at(row.key);
    f.soldQty += n(row.qty);
    f.sold += n(row.amount);
    f.soldCost += n(row.cost);
  }
  for (const row of back) {
    const f = at(row.key);
    f.returnedQty += n(row.qty);
    f.returned += n(row.amount);
    f.returnedCost += n(row.cost);
  }
  return figures;
}

interface FigureRow {
  soldQty: number;
  sold: number;
  returnedQty: number;
  returned: number;
  netQty: number;
  net: number;
  cost: number;
  margin: number;
  marginPct: number | null;
  [key: string]: string | number | null;
}

function figureRow(f: Figures): FigureRow {
  const net = f.sold - f.returned;
  const cost = f.soldCost - f.returnedCost;
  return {
    soldQty: f.soldQty,
    sold: f.sold,
    returnedQty: f.returnedQty,
    returned: f.returned,
    netQty: f.soldQty - f.returnedQty,
    net,
    cost,
    margin: net - cost,
    marginPct: pct(net - cost, net),
  };
}

const FIGURE_COLUMNS = [
  int('soldQty', 'Sold qty'),
  money('sold', 'Sold'),
  int('returnedQty', 'Returned qty'),
  money('returned', 'Returned'),
  int('netQty', 'Net qty'),
  money('net', 'Net sales'),
  money('cost', 'Cost'),
  money('margin', 'Gross margin'),
  percent('marginPct', 'Margin'),
];
const FIGURE_SUMS = ['soldQty', 'sold', 'returnedQty', 'returned', 'netQty', 'net', 'cost', 'margin'];

function withTotals(out: readonly ReportRow[]): ReportRow {
  const totals = sumRows(out, FIGURE_SUMS);
  totals.marginPct = pct(n(totals.margin), n(totals.net));
  return totals;
}

export async function salesByCategory(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const figures = await lineFigures(db, ctx, r, 'category');
  const names = new Map(
    (
      await db
        .selectFrom('categories')
        .select(['id', 'path'])
        .where('store_id', '=', ctx.store.catalogId)
        .execute()
    ).map((c) => [c.id, c.path]),
  );
  const out = [...figures].map(([id, f]) => ({ category: names.get(id) ?? '', ...figureRow(f) }));
  out.sort((a, b) => n(b.net) - n(a.net) || String(a.category).localeCompare(String(b.category)));
  return {
    ...base('sales-by-category', r),
    columns: [text('category', 'Category'), ...FIGURE_COLUMNS],
    rows: out,
    totals: withTotals(out),
  };
}

async function styleNames(db: Db, ctx: AppContext) {
  const styles = await db
    .selectFrom('styles')
    .select(['id', 'style_code', 'name'])
    .where('store_id', '=', ctx.store.catalogId)
    .execute();
  return new Map(styles.map((s) => [s.id, s]));
}

export async function salesByStyle(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const figures = await lineFigures(db, ctx, r, 'style');
  const styles = await styleNames(db, ctx);
  const out = [...figures].map(([id, f]) => ({
    styleCode: styles.get(id)?.style_code ?? '',
    name: styles.get(id)?.name ?? '',
    ...figureRow(f),
  }));
  out.sort(
    (a, b) => n(b.netQty) - n(a.netQty) || n(b.net) - n(a.net) || a.styleCode.localeCompare(b.styleCode),
  );
  return {
    ...base('sales-by-style', r),
    columns: [text('styleCode', 'Style'), text('name', 'Name'), ...FIGURE_COLUMNS],
    rows: out,
    totals: withTotals(out),
  };
}

export async function salesByColour(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const figures = await lineFigures(db, ctx, r, 'colour');
  const out = [...figures].map(([colour, f]) => ({ colour, ...figureRow(f) }));
  out.sort((a, b) => n(b.netQty) - n(a.netQty) || a.colour.localeCompare(b.colour));
  return {
    ...base('sales-by-colour', r),
    columns: [text('colour', 'Colour'), ...FIGURE_COLUMNS],
    rows: out,
    totals: withTotals(out),
  };
}

const SIZE_ORDER = ['XXS', 'XS', 'S', 'M', 'L', 'XL', 'XXL', '2XL', 'XXXL', '3XL', '4XL', '5XL'];

/** Clothing sizes in wearing order (XS…XXL), then numeric sizes by number, then the rest. */
export function compareSizes(a: string, b: string): number {
  const ia = SIZE_ORDER.indexOf(a.toUpperCase());
  const ib = SIZE_ORDER.indexOf(b.toUpperCase());
  if (ia >= 0 && ib >= 0) return ia - ib;
  if (ia >= 0) return -1;
  if (ib >= 0) return 1;
  const na = Number.parseFloat(a);
  const nb = Number.parseFloat(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb) && na !== nb) return na - nb;
  return a.localeCompare(b);
}

/**
 * Which run of sizes a size belongs to, so a curve compares like with like: letter sizes
 * (S–XXL), waists and shoe sizes (numbers below 50: 25–34) and heights (100–130) apart.
 */
export function sizeRun(size: string): 'letters' | 'small-numbers' | 'large-numbers' | 'other' {
  if (SIZE_ORDER.includes(size.toUpperCase())) return 'letters';
  const number = Number.parseFloat(size);
  if (Number.isNaN(number) || !/^\d/.test(size)) return 'other';
  return number < 50 ? 'small-numbers' : 'large-numbers';
}

/**
 * The size curve: per run of sizes (see `sizeRun`; the run is named by its first and last
 * size, "S–XXL") and per size, units received into stock and units sold (net of returns) in
 * the range, each size's share of its run's sales, and sell-through = net sold ÷ received.
 * `categories`: only goods of these categories (a category and those below it).
 */
export async function sizeCurve(
  db: Db,
  ctx: AppContext,
  r: DayRange,
  categories: readonly string[] | null = null,
): Promise<Report> {
  const figures = await lineFigures(db, ctx, r, 'size', categories);
  const inCategories = categories ? sql`and st.category_id in (${sql.join(categories)})` : sql``;
  const received = await rows(
    db,
    sql<{ size: string; qty: number }>`
      select k.size as size, sum(m.delta) as qty
      from stock_movements m join skus k on k.id = m.sku_id join styles st on st.id = k.style_id
      where m.store_id = ${ctx.store.id} and m.kind = 'receipt'
        and m.at >= ${r.startAt} and m.at < ${r.endAt} ${inCategories}
      group by k.size`,
  );
  const onHand = await rows(
    db,
    sql<{ size: string; qty: number }>`
      select v.size as size, sum(v.on_hand) as qty from stock_levels v join styles st on st.id = v.style_id
      where v.store_id = ${ctx.store.id} ${inCategories} group by v.size`,
  );
  const receivedBy = new Map(received.map((row) => [row.size, n(row.qty)]));
  const onHandBy = new Map(onHand.map((row) => [row.size, n(row.qty)]));
  const sizes = [...new Set([...figures.keys(), ...receivedBy.keys()])].sort(compareSizes);
  const net = (size: string) => (figures.get(size)?.soldQty ?? 0) - (figures.get(size)?.returnedQty ?? 0);
  const runs = new Map<string, string[]>();
  for (const size of sizes) runs.set(sizeRun(size), [...(runs.get(sizeRun(size)) ?? []), size]);
  const out: ReportRow[] = [];
  for (const run of ['letters', 'small-numbers', 'large-numbers', 'other']) {
    const members = runs.get(run);
    if (!members) continue;
    const first = members[0] ?? '';
    const last = members.at(-1) ?? first;
    const group = first === last ? first : `${first}–${last}`;
    const runNet = members.reduce((sum, size) => sum + net(size), 0);
    for (const size of members) {
      const f = figures.get(size);
      const got = receivedBy.get(size) ?? 0;
      out.push({
        group,
        size,
        received: got,
        soldQty: f?.soldQty ?? 0,
        returnedQty: f?.returnedQty ?? 0,
        netQty: net(size),
        share: pct(net(size), runNet),
        sellThrough: pct(net(size), got),
        onHand: onHandBy.get(size) ?? 0,
      });
    }
  }
  const totals = sumRows(out, ['received', 'soldQty', 'returnedQty', 'netQty', 'onHand']);
  totals.share = n(totals.netQty) === 0 ? null : 100;
  totals.sellThrough = pct(n(totals.netQty), n(totals.received));
  return {
    ...base('size-curve', r),
    columns: [
      text('group', 'Size run'),
      text('size', 'Size'),
      int('received', 'Received'),
      int('soldQty', 'Sold qty'),
      int('returnedQty', 'Returned qty'),
      int('netQty', 'Net qty'),
      percent('share', 'Share of its run'),
      percent('sellThrough', 'Sell-through'),
      int('onHand', 'On hand now'),
    ],
    rows: out,
    totals,
  };
}

export async function salesByStaff(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const sold = await rows(
    db,
    sql<{ staff: string | null; sales: number; total: number }>`
      select s.staff_id as staff, count(*) as sales, sum(s.total) as total
      from sales s where ${salesIn(ctx, r)} group by s.staff_id`,
  );
  const back = await rows(
    db,
    sql<{ staff: string | null; returns: number; amount: number }>`
      select r.staff_id as staff, count(*) as returns, sum(r.amount) as amount
      from returns r where ${returnsIn(ctx, r)} group by r.staff_id`,
  );
  const staff = new Map(
    (
      await db
        .selectFrom('staff')
        .select(['id', 'name', 'username'])
        .where('store_id', '=', ctx.store.id)
        .execute()
    ).map((s) => [s.id, s]),
  );
  const ids = new Set([...sold.map((row) => row.staff ?? ''), ...back.map((row) => row.staff ?? '')]);
  const out: ReportRow[] = [...ids].map((id) => {
    const s = sold.find((row) => (row.staff ?? '') === id);
    const b = back.find((row) => (row.staff ?? '') === id);
    const total = n(s?.total);
    return {
      staff: staff.get(id)?.name ?? '',
      username: staff.get(id)?.username ?? '',
      sales: n(s?.sales),
      total,
      basket: n(s?.sales) > 0 ? Math.round(total / n(s?.sales)) : 0,
      returns: n(b?.returns),
      returned: n(b?.amount),
      net: total - n(b?.amount),
    };
  });
  out.sort((a, b) => n(b.net) - n(a.net));
  return {
    ...base('sales-by-staff', r),
    columns: [
      text('staff', 'Staff'),
      text('username', 'Username'),
      int('sales', 'Sales'),
      money('total', 'Sales total'),
      money('basket', 'Average basket'),
      int('returns', 'Returns'),
      money('returned', 'Returned'),
      money('net', 'Net sales'),
    ],
    rows: out,
    totals: sumRows(out, ['sales', 'total', 'returns', 'returned', 'net']),
  };
}

/** Money per tender: taken on sales (cash net of change), given back on returns, and net. */
export async function salesByPayment(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const taken = await rows(
    db,
    sql<{ method: string; payments: number; amount: number }>`
      select p.method as method, count(*) as payments, sum(p.amount) as amount
      from sale_payments p join sales s on s.id = p.sale_id
      where ${salesIn(ctx, r)} group by p.method`,
  );
  const change = await rows(
    db,
    sql<{
      change: number;
    }>`select coalesce(sum(s.change), 0) as change from sales s where ${salesIn(ctx, r)}`,
  );
  const given = await rows(
    db,
    sql<{ method: string; refunds: number; amount: number }>`
      select f.method as method, count(*) as refunds, sum(f.amount) as amount
      from refunds f join returns r on r.id = f.return_id
      where ${returnsIn(ctx, r)} group by f.method`,
  );
  const methods = new Set([...taken.map((row) => row.method), ...given.map((row) => row.method)]);
  const out: ReportRow[] = [...methods].sort().map((method) => {
    const t = taken.find((row) => row.method === method);
    const g = given.find((row) => row.method === method);
    const amount = n(t?.amount) - (method === 'cash' ? n(change[0]?.change) : 0);
    return {
      method,
      payments: n(t?.payments),
      taken: amount,
      refunds: n(g?.refunds),
      refunded: n(g?.amount),
      net: amount - n(g?.amount),
    };
  });
  const totals = sumRows(out, ['payments', 'taken', 'refunds', 'refunded', 'net']);
  for (const row of out) row.share = pct(n(row.taken), n(totals.taken));
  totals.share = n(totals.taken) === 0 ? null : 100;
  return {
    ...base('sales-by-payment', r),
    columns: [
      text('method', 'Method'),
      int('payments', 'Payments'),
      money('taken', 'Taken'),
      percent('share', 'Share'),
      int('refunds', 'Refunds'),
      money('refunded', 'Refunded'),
      money('net', 'Net'),
    ],
    rows: out,
    totals,
  };
}

interface Seller {
  styleId: string;
  netQty: number;
  net: number;
  onHand: number;
  sellThrough: number | null;
}

/** This store's units on hand per style (all styles, or only `styleIds`), from the stock index. */
async function stockByStyle(db: Db, ctx: AppContext, styleIds?: readonly string[]) {
  const onHand = new Map<string, number>();
  const read = async (only: readonly string[] | null) => {
    const found = await db
      .selectFrom('stock_levels')
      .select(['style_id', (eb) => eb.fn.sum<number>('on_hand').as('qty')])
      .where('store_id', '=', ctx.store.id)
      .$if(only !== null, (q) => q.where('style_id', 'in', only ?? []))
      .groupBy('style_id')
      .execute();
    for (const row of found) onHand.set(row.style_id, n(row.qty));
  };
  if (!styleIds) await read(null);
  else for (let i = 0; i < styleIds.length; i += 500) await read(styleIds.slice(i, i + 500));
  return onHand;
}

/** The first `limit` of `items` in `order`, and any tied with the last of those. */
function leaders<T>(items: T[], order: (a: T, b: T) => number, limit: number): T[] {
  items.sort(order);
  const last = items[limit - 1];
  let end = Math.min(limit, items.length);
  while (last !== undefined && end < items.length && order(items[end] as T, last) === 0) end++;
  return items.slice(0, end);
}

/** The first `limit` of `sellers` as report rows: named, in `order`, style code breaking ties. */
async function named(
  db: Db,
  sellers: readonly Seller[],
  order: (a: Seller, b: Seller) => number,
  limit: number,
): Promise<ReportRow[]> {
  const styles = new Map<string, { style_code: string; name: string }>();
  for (let i = 0; i < sellers.length; i += 500) {
    const ids = sellers.slice(i, i + 500).map((seller) => seller.styleId);
    for (const style of await db
      .selectFrom('styles')
      .select(['id', 'style_code', 'name'])
      .where('id', 'in', ids)
      .execute()) {
      styles.set(style.id, style);
    }
  }
  const code = (seller: Seller) => styles.get(seller.styleId)?.style_code ?? '';
  return sellers
    .filter((seller) => styles.has(seller.styleId))
    .sort((a, b) => order(a, b) || code(a).localeCompare(code(b)))
    .slice(0, limit)
    .map((seller) => ({
      styleCode: code(seller),
      name: styles.get(seller.styleId)?.name ?? '',
      netQty: seller.netQty,
      net: seller.net,
      onHand: seller.onHand,
      sellThrough: seller.sellThrough,
    }));
}

function seller(styleId: string, f: Figures | undefined, onHand: number): Seller {
  const netQty = (f?.soldQty ?? 0) - (f?.returnedQty ?? 0);
  return {
    styleId,
    netQty,
    net: (f?.sold ?? 0) - (f?.returned ?? 0),
    onHand,
    sellThrough: pct(netQty, netQty + onHand),
  };
}

const SELLER_COLUMNS = [
  text('styleCode', 'Style'),
  text('name', 'Name'),
  int('netQty', 'Net qty'),
  money('net', 'Net sales'),
  int('onHand', 'On hand'),
  percent('sellThrough', 'Sell-through'),
];

/** Styles by net units sold in the range, best first, with stock on hand and sell-through. */
export async function bestSellers(db: Db, ctx: AppContext, r: DayRange, limit = 20): Promise<Report> {
  const figures = await lineFigures(db, ctx, r, 'style');
  const order = (a: Seller, b: Seller) => b.netQty - a.netQty || b.net - a.net;
  const sold = [...figures].map(([id, f]) => seller(id, f, 0)).filter((row) => row.netQty > 0);
  // Stock does not change the order: it is read only for the styles that make the list.
  const top = leaders(sold, order, limit);
  const onHand = await stockByStyle(
    db,
    ctx,
    top.map((row) => row.styleId),
  );
  const rows = await named(
    db,
    top.map((row) => seller(row.styleId, figures.get(row.styleId), onHand.get(row.styleId) ?? 0)),
    order,
    limit,
  );
  return { ...base('best-sellers', r), columns: SELLER_COLUMNS, rows };
}

/** Styles with stock on hand that sold least (none first), slowest sell-through first. */
export async function slowSellers(db: Db, ctx: AppContext, r: DayRange, limit = 20): Promise<Report> {
  const figures = await lineFigures(db, ctx, r, 'style');
  const order = (a: Seller, b: Seller) => (a.sellThrough ?? 0) - (b.sellThrough ?? 0) || b.onHand - a.onHand;
  const stocked = [...(await stockByStyle(db, ctx))]
    .filter(([, onHand]) => onHand > 0)
    .map(([id, onHand]) => seller(id, figures.get(id), onHand));
  const rows = await named(db, leaders(stocked, order, limit), order, limit);
  return { ...base('slow-sellers', r), columns: SELLER_COLUMNS, rows };
}

/**
 * Gross margin per category: net sales less the cost of what sold (each line's cost when it
 * was sold × net units); `unitsWithoutCost` counts units sold while their style had no cost.
 */
export async function grossMargin(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const figures = await lineFigures(db, ctx, r, 'category');
  const names = new Map(
    (
      await db
        .selectFrom('categories')
        .select(['id', 'path'])
        .where('store_id', '=', ctx.store.catalogId)
        .execute()
    ).map((c) => [c.id, c.path]),
  );
  const missing = await rows(
    db,
    sql<{ qty: number }>`
      select coalesce(sum(l.qty), 0) as qty from sale_lines l join sales s on s.id = l.sale_id
      where ${salesIn(ctx, r)} and l.unit_cost is null`,
  );
  const out = [...figures].map(([id, f]) => {
    const row = figureRow(f);
    return {
      category: names.get(id) ?? '',
      net: row.net,
      cost: row.cost,
      margin: row.margin,
      marginPct: row.marginPct,
    };
  });
  out.sort((a, b) => n(b.margin) - n(a.margin));
  const totals = sumRows(out, ['net', 'cost', 'margin']);
  totals.marginPct = pct(n(totals.margin), n(totals.net));
  return {
    ...base('gross-margin', r),
    columns: [
      text('category', 'Category'),
      money('net', 'Net sales'),
      money('cost', 'Cost'),
      money('margin', 'Gross margin'),
      percent('marginPct', 'Margin'),
    ],
    rows: out,
    totals,
    meta: { unitsWithoutCost: n(missing[0]?.qty) },
  };
}

/**
 * Discounts given, per promotion, coupon and other source: the sales and lines they touched,
 * what those lines brought in, and what the discount cost. Points and rounding group by source.
 */
export async function discounts(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const found = await rows(
    db,
    sql<{ source: string; ref: string | null; label: string; sales: number; lines: number; amount: number }>`
      select d.source as source, d.ref as ref, min(d.label) as label, count(distinct d.sale_id) as sales,
        count(distinct d.line_id) as lines, sum(d.amount) as amount
      from sale_line_discounts d join sales s on s.id = d.sale_id
      where ${salesIn(ctx, r)} group by d.source, d.ref`,
  );
  const revenue = await rows(
    db,
    sql<{ source: string; ref: string | null; revenue: number }>`
      select x.source as source, x.ref as ref, sum(l.total) as revenue
      from (select distinct d.source, d.ref, d.line_id from sale_line_discounts d join sales s on s.id = d.sale_id
            where ${salesIn(ctx, r)}) x
      join sale_lines l on l.id = x.line_id group by x.source, x.ref`,
  );
  const out: ReportRow[] = found.map((row) => ({
    source: row.source,
    ref: row.ref ?? '',
    label: row.ref ? row.label : row.source === 'points' ? 'points' : row.label,
    sales: n(row.sales),
    lines: n(row.lines),
    revenue: n(revenue.find((v) => v.source === row.source && v.ref === row.ref)?.revenue),
    amount: n(row.amount),
  }));
  out.sort((a, b) => n(b.amount) - n(a.amount));
  return {
    ...base('discounts', r),
    columns: [
      text('source', 'Source'),
      text('ref', 'Promotion or coupon'),
      text('label', 'Label'),
      int('sales', 'Sales'),
      int('lines', 'Lines'),
      money('revenue', 'Line sales after discount'),
      money('amount', 'Discount'),
    ],
    rows: out,
    totals: sumRows(out, ['amount']),
  };
}

/** Every return in the range: what came back, what was refunded and why. */
export async function returnsReport(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const found = await rows(
    db,
    sql<{
      number: string;
      day: string;
      kind: string;
      saleNumber: string | null;
      items: number;
      amount: number;
      refund: number;
      reason: string | null;
    }>`
      select r.number as number, r.business_day as day, r.kind as kind, s.number as "saleNumber",
        (select coalesce(sum(rl.qty), 0) from return_lines rl where rl.return_id = r.id) as items,
        r.amount as amount, r.refund_total as refund, r.reason as reason
      from returns r left join sales s on s.id = r.sale_id
      where ${returnsIn(ctx, r)} order by r.at`,
  );
  const out: ReportRow[] = found.map((row) => ({
    number: row.number,
    day: row.day,
    kind: row.kind,
    saleNumber: row.saleNumber ?? '',
    items: n(row.items),
    amount: n(row.amount),
    refund: n(row.refund),
    reason: row.reason ?? '',
  }));
  return {
    ...base('returns', r),
    columns: [
      text('number', 'Return'),
      text('day', 'Day'),
      text('kind', 'Kind'),
      text('saleNumber', 'Sale'),
      int('items', 'Items'),
      money('amount', 'Goods value'),
      money('refund', 'Refunded'),
      text('reason', 'Reason'),
    ],
    rows: out,
    totals: sumRows(out, ['items', 'amount', 'refund']),
  };
}

/** Stock on hand now, per category: units, value at cost and at the current base price. */
export async function stockValue(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const found = await rows(
    db,
    sql<{
      category: string | null;
      styles: number;
      units: number;
      cost: number;
      retail: number;
      noCost: number;
    }>`
      select c.path as category, count(*) as styles, sum(sl.units) as units,
        sum(sl.units * coalesce(st.cost, 0)) as cost, sum(sl.units * st.base_price) as retail,
        sum(case when st.cost is null then sl.units else 0 end) as "noCost"
      from (select style_id, sum(on_hand) as units from stock_levels
            where store_id = ${ctx.store.id} and on_hand > 0 group by style_id) sl
        join styles st on st.id = sl.style_id left join categories c on c.id = st.category_id
      group by c.path`,
  );
  const out: ReportRow[] = found.map((row) => ({
    category: row.category ?? '',
    styles: n(row.styles),
    units: n(row.units),
    cost: n(row.cost),
    retail: n(row.retail),
    unitsWithoutCost: n(row.noCost),
  }));
  out.sort((a, b) => n(b.retail) - n(a.retail));
  return {
    ...base('stock-value', r),
    columns: [
      text('category', 'Category'),
      int('styles', 'Styles'),
      int('units', 'Units on hand'),
      money('cost', 'Value at cost'),
      money('retail', 'Value at retail'),
      int('unitsWithoutCost', 'Units without cost'),
    ],
    rows: out,
    totals: sumRows(out, ['styles', 'units', 'cost', 'retail', 'unitsWithoutCost']),
  };
}
