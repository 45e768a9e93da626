import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Report, ReportRow } from '../../protocol/reports.js';
import type { Database } from '../../storage/schema.js';
import type { DayRange } from './range.js';
import { discounts } from './sales.js';
import { int, money, pct, percent, sumRows, text } from './table.js';

type Db = Kysely<Database>;
const n = (value: unknown): number => Number(value ?? 0);

/** Sales and discount cost per promotion (line and order promotions) in the range. */
export async function promotionResults(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const all = await discounts(db, ctx, r);
  const promos = new Map(
    (
      await db
        .selectFrom('promotions')
        .select(['id', 'kind', 'label', 'active'])
        .where('store_id', '=', ctx.store.id)
        .execute()
    ).map((p) => [p.id, p]),
  );
  const out: ReportRow[] = all.rows
    .filter((row) => row.source === 'promotion' || row.source === 'order_promotion')
    .map((row) => {
      const promo = promos.get(String(row.ref));
      return {
        promotion: promo?.label ?? String(row.label),
        kind: promo?.kind ?? '',
        active: promo ? (promo.active ? 1 : 0) : null,
        sales: row.sales ?? 0,
        revenue: row.revenue ?? 0,
        discount: row.amount ?? 0,
        costShare: pct(n(row.amount), n(row.revenue) + n(row.amount)),
      };
    });
  return {
    name: 'promotions',
    from: r.from,
    to: r.to,
    columns: [
      text('promotion', 'Promotion'),
      text('kind', 'Kind'),
      int('active', 'Active'),
      int('sales', 'Sales'),
      money('revenue', 'Line sales after discount'),
      money('discount', 'Discount cost'),
      percent('costShare', 'Discount of list'),
    ],
    rows: out,
    totals: sumRows(out, ['sales', 'revenue', 'discount']),
  };
}

/**
 * Per coupon template: coupons issued in the range, how many of those were redeemed (at any
 * time since), the rate, and what the redemptions in the range cost and brought in.
 */
export async function couponResults(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const issued = (
    await sql<{ template: string; issued: number; redeemed: number; voided: number }>`
      select c.template_id as template, count(*) as issued,
        sum(case when c.status = 'redeemed' then 1 else 0 end) as redeemed,
        sum(case when c.status = 'voided' then 1 else 0 end) as voided
      from coupons c where c.store_id = ${ctx.store.id} and c.issued_at >= ${r.startAt} and c.issued_at < ${r.endAt}
      group by c.template_id`.execute(db)
  ).rows;
  const used = (
    await sql<{ template: string; sales: number; discount: number; revenue: number }>`
      select c.template_id as template, count(distinct d.sale_id) as sales, sum(d.amount) as discount,
        sum(l.total) as revenue
      from sale_line_discounts d join sales s on s.id = d.sale_id join sale_lines l on l.id = d.line_id
        join coupons c on c.code = d.ref
      where d.source = 'coupon' and s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided'
        and s.business_day >= ${r.from} and s.business_day <= ${r.to}
      group by c.template_id`.execute(db)
  ).rows;
  const templates = await db
    .selectFrom('coupon_templates')
    .select(['id', 'name', 'kind', 'value', 'trigger'])
    .execute();
  const out: ReportRow[] = templates
    .map((t) => {
      const i = issued.find((row) => row.template === t.id);
      const u = used.find((row) => row.template === t.id);
      return {
        template: t.name,
        kind: t.kind,
        trigger: t.trigger,
        issued: n(i?.issued),
        redeemed: n(i?.redeemed),
        rate: pct(n(i?.redeemed), n(i?.issued)),
        voided: n(i?.voided),
        salesWithCoupon: n(u?.sales),
        revenue: n(u?.revenue),
        discount: n(u?.discount),
      };
    })
    .filter((row) => row.issued > 0 || row.salesWithCoupon > 0);
  const totals = sumRows(out, ['issued', 'redeemed', 'voided', 'salesWithCoupon', 'revenue', 'discount']);
  totals.rate = pct(n(totals.redeemed), n(totals.issued));
  return {
    name: 'coupons',
    from: r.from,
    to: r.to,
    columns: [
      text('template', 'Template'),
      text('kind', 'Kind'),
      text('trigger', 'Trigger'),
      int('issued', 'Issued'),
      int('redeemed', 'Redeemed'),
      percent('rate', 'Redemption rate'),
      int('voided', 'Voided'),
      int('salesWithCoupon', 'Sales with coupon'),
      money('revenue', 'Line sales after discount'),
      money('discount', 'Discount cost'),
    ],
    rows: out,
    totals,
  };
}
