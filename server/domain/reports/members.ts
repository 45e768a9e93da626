import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Report, ReportRow } from '../../protocol/reports.js';
import { RFM_SEGMENTS, type RfmSegment } from '../../protocol/segments.js';
import type { Database } from '../../storage/schema.js';
import { pointsValue } from '../loyalty/points.js';
import { loadSettings } from '../loyalty/settings.js';
import { addDays, type DayRange, daysBetween } from './range.js';
import { int, money, pct, percent, text } from './table.js';

/**
 * Member analytics: what members bring, how many come back, RFM scores and segments, who has
 * gone quiet, tiers, and what the shop owes members in points and stored value.
 */
type Db = Kysely<Database>;

async function rows<T>(db: Db, query: RawBuilder<T>): Promise<T[]> {
  return (await query.execute(db)).rows;
}
const n = (value: unknown): number => Number(value ?? 0);

const counted = (ctx: AppContext) =>
  sql`s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided'`;

/**
 * Points and stored value owed to members at the instant `endAt` (chain-wide, like the
 * ledgers: members belong to the chain): the ledger rows before it, or — when `endAt` is
 * nearer the end of the ledger, as it is for "now" — the balances cached on every member
 * (changed in the same transaction as each ledger row, checked against the ledgers by
 * `npm run check`) less the rows since. Either way it reads indexes only, never a whole ledger.
 */
export async function liabilitiesAt(db: Db, endAt: string) {
  const nearerEnd = async (table: 'points_movements' | 'stored_value_entries') => {
    // Two queries: each of min() and max() alone is one step down the index.
    const [first] = await rows(db, sql<{ at: string | null }>`select min(at) as at from ${sql.table(table)}`);
    const [last] = await rows(db, sql<{ at: string | null }>`select max(at) as at from ${sql.table(table)}`);
    if (!first?.at || !last?.at) return true;
    const at = Date.parse(endAt);
    return at - Date.parse(first.at) > Date.parse(last.at) - at;
  };
  let balances: Promise<{ points: number; principal: number; bonus: number } | undefined> | null = null;
  const cachedBalances = () => {
    balances ??= rows(
      db,
      sql<{ points: number; principal: number; bonus: number }>`
        select coalesce(sum(points), 0) as points, coalesce(sum(stored_principal), 0) as principal,
          coalesce(sum(stored_bonus), 0) as bonus from members`,
    ).then((found) => found[0]);
    return balances;
  };
  let held: number;
  if (await nearerEnd('points_movements')) {
    const [later] = await rows(
      db,
      sql<{
        points: number;
      }>`select coalesce(sum(delta), 0) as points from points_movements where at >= ${endAt}`,
    );
    held = n((await cachedBalances())?.points) - n(later?.points);
  } else {
    const [before] = await rows(
      db,
      sql<{
        points: number;
      }>`select coalesce(sum(delta), 0) as points from points_movements where at < ${endAt}`,
    );
    held = n(before?.points);
  }
  const lastInstant = new Date(Date.parse(endAt) - 1).toISOString();
  let principal: number;
  let bonus: number;
  if (await nearerEnd('stored_value_entries')) {
    const [later] = await rows(
      db,
      sql<{ principal: number; bonus: number }>`
        select coalesce(sum(principal_delta), 0) as principal, coalesce(sum(bonus_delta), 0) as bonus
        from stored_value_entries where at > ${lastInstant}`,
    );
    const cached = await cachedBalances();
    principal = n(cached?.principal) - n(later?.principal);
    bonus = n(cached?.bonus) - n(later?.bonus);
  } else {
    const [before] = await rows(
      db,
      sql<{ principal: number; bonus: number }>`
        select coalesce(sum(principal_delta), 0) as principal, coalesce(sum(bonus_delta), 0) as bonus
        from stored_value_entries where at <= ${lastInstant}`,
    );
    principal = n(before?.principal);
    bonus = n(before?.bonus);
  }
  const settings = await loadSettings(db);
  return {
    points: held,
    pointsValue: pointsValue(settings, held),
    stored: { at: lastInstant, principal, bonus, total: principal + bonus },
  };
}

/**
 * Lifetime value at the instant `endAt`: the members of this store with at least one
 * purchase by then, and their net spend (all stores, returns taken off). It reads each
 * member's spend and visits, cached on the member in the sale's own transaction, and takes
 * off the purchase ledger (`member_activity`) recorded since `endAt` — nothing when the range
 * ends today — so it never reads every sale. A voided sale's visit stays counted (its amount
 * is taken off), as the tier rules count it.
 */
export async function lifetimeValue(db: Db, ctx: AppContext, endAt: string) {
  const [cached] = await rows(
    db,
    sql<{ buyers: number; spend: number }>`
      select count(*) as buyers, coalesce(sum(m.spend_lifetime), 0) as spend from members m
      where m.store_id = ${ctx.store.id} and m.status = 'active' and m.visits > 0`,
  );
  // The ledger since `endAt` alone first (its own index); the members it names after, by id —
  // joined in one query, a planner without statistics may walk every member instead.
  const since = await rows(
    db,
    sql<{ member: string; amount: number; visits: number }>`
      select a.member_id as member, sum(a.amount) as amount, sum(a.visit) as visits
      from member_activity a where a.at >= ${endAt} group by a.member_id`,
  );
  let buyers = n(cached?.buyers);
  let spend = n(cached?.spend);
  for (let i = 0; i < since.length; i += 500) {
    const part = since.slice(i, i + 500);
    const found = await db
      .selectFrom('members')
      .select(['id', 'store_id', 'status', 'visits'])
      .where(
        'id',
        'in',
        part.map((row) => row.member),
      )
      .execute();
    const now = new Map(found.map((m) => [m.id, m]));
    for (const row of part) {
      const member = now.get(row.member);
      if (!member || member.store_id !== ctx.store.id || member.status !== 'active' || member.visits <= 0)
        continue;
      spend -= n(row.amount);
      if (member.visits - n(row.visits) <= 0) buyers -= 1;
    }
  }
  return { buyers, spend };
}

export async function memberSummary(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const [period] = await rows(
    db,
    sql<{ sales: number; total: number; memberSales: number; memberTotal: number; active: number }>`
      select count(*) as sales, coalesce(sum(s.total), 0) as total,
        coalesce(sum(case when s.member_id is not null then 1 else 0 end), 0) as "memberSales",
        coalesce(sum(case when s.member_id is not null then s.total else 0 end), 0) as "memberTotal",
        count(distinct s.member_id) as active
      from sales s where ${counted(ctx)} and s.business_day >= ${r.from} and s.business_day <= ${r.to}`,
  );
  const [repeat] = await rows(
    db,
    sql<{ repeaters: number }>`
      select count(*) as repeaters from (
        select s.member_id from sales s
        where ${counted(ctx)} and s.member_id is not null and s.business_day >= ${r.from} and s.business_day <= ${r.to}
        group by s.member_id having count(*) >= 2) x`,
  );
  const [joined] = await rows(
    db,
    sql<{ joined: number }>`
      select count(*) as joined from members m
      where m.store_id = ${ctx.store.id} and m.created_at >= ${r.startAt} and m.created_at < ${r.endAt}`,
  );
  const lifetime = await lifetimeValue(db, ctx, r.endAt);
  const sales = n(period?.sales);
  const total = n(period?.total);
  const memberSales = n(period?.memberSales);
  const memberTotal = n(period?.memberTotal);
  const active = n(period?.active);
  const repeaters = n(repeat?.repeaters);
  const { buyers, spend: lifetimeNet } = lifetime;
  const avg = (sum: number, count: number) => (count > 0 ? Math.round(sum / count) : 0);
  const row = (
    metric: string,
    count: number | null,
    amount: number | null,
    share: number | null = null,
  ): ReportRow => ({
    metric,
    count,
    amount,
    percent: share,
  });
  return {
    name: 'members',
    from: r.from,
    to: r.to,
    columns: [
      text('metric', 'Metric'),
      int('count', 'Count'),
      money('amount', 'Amount'),
      percent('percent', 'Percent'),
    ],
    rows: [
      row('sales', sales, total),
      row('member_sales', memberSales, memberTotal, pct(memberTotal, total)),
      row('new_members', n(joined?.joined), null),
      row('active_members', active, null),
      row('repeat_members', repeaters, null, pct(repeaters, active)),
      row('average_basket', sales, avg(total, sales)),
      row('member_average_basket', memberSales, avg(memberTotal, memberSales)),
      row('guest_average_basket', sales - memberSales, avg(total - memberTotal, sales - memberSales)),
      row('lifetime_value', buyers, avg(lifetimeNet, buyers)),
    ],
  };
}

/**
 * Quintile scores 1–5 by mid-rank percentile: p = (values below + half the equal ones) ÷ n,
 * score = ⌊5p⌋ + 1. Equal values always score the same, a lone member scores 3 (not 1 or 5),
 * and ten distinct values score 1,1,2,2,3,3,4,4,5,5.
 */
export function quintiles(values: readonly number[]): number[] {
  // A typed array sorts numbers natively; each value's rank comes from two binary searches.
  const sorted = Float64Array.from(values).sort();
  const count = values.length;
  const search = (value: number, after: boolean) => {
    let lo = 0;
    let hi = count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const at = sorted[mid] as number;
      if (at < value || (after && at === value)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return values.map((value) => {
    const below = search(value, false);
    const equal = search(value, true) - below;
    return Math.min(5, Math.floor(((below + equal / 2) / count) * 5) + 1);
  });
}

/**
 * The named segment of an R, F, M score (first rule that matches); FM is the mean of F and M.
 * One purchase is never "loyal" or "champion", however large.
 */
export function segmentOf(r: number, f: number, m: number, purchases: number): RfmSegment {
  const fm = (f + m) / 2;
  if (purchases === 1 && r >= 4) return 'new';
  if (r >= 4 && fm >= 4 && purchases > 1) return 'champions';
  if (r >= 3 && fm >= 3 && purchases > 1) return 'loyal';
  if (r >= 4) return 'potential';
  if (r === 3) return 'need_attention';
  if (fm >= 3) return 'at_risk';
  if (r === 2) return 'hibernating';
  return 'lost';
}

/** A buying member's RFM figures and scores. */
export interface RfmScore {
  memberId: string;
  lastDay: string;
  recencyDays: number;
  frequency: number;
  monetary: number;
  r: number;
  f: number;
  m: number;
  segment: RfmSegment;
}

/**
 * RFM of every active member who bought up to the store day `asOf` (all history, net of
 * returns): one pass over the member-ordered sales index, nothing read about the members but
 * the few who are not active. Names and tiers are added by `rfmRows` to the rows shown.
 */
export async function rfmScores(db: Db, ctx: AppContext, asOf: string): Promise<RfmScore[]> {
  const bought = await rows(
    db,
    sql<{ member: string; last: string; purchases: number; spend: number }>`
      select s.member_id as member, max(s.business_day) as last, count(*) as purchases, sum(s.total) as spend
      from sales s where ${counted(ctx)} and s.member_id is not null and s.business_day <= ${asOf}
      group by s.member_id`,
  );
  const back = await rows(
    db,
    sql<{ member: string; amount: number }>`
      select r.member_id as member, sum(r.amount) as amount from returns r
      where r.store_id = ${ctx.store.id} and r.training = 0 and r.member_id is not null and r.business_day <= ${asOf}
      group by r.member_id`,
  );
  const returned = new Map(back.map((row) => [row.member, n(row.amount)]));
  // Merged and erased members keep their sales but are no one's customer any more.
  const gone = new Set(
    (
      await rows(
        db,
        sql<{
          id: string;
        }>`select m.id as id from members m where m.store_id = ${ctx.store.id} and m.status <> 'active'`,
      )
    ).map((row) => row.id),
  );
  const list = gone.size > 0 ? bought.filter((row) => !gone.has(row.member)) : bought;
  const daysBefore = new Map<string, number>();
  const recency = list.map((row) => {
    let days = daysBefore.get(row.last);
    if (days === undefined) {
      days = daysBetween(row.last, asOf);
      daysBefore.set(row.last, days);
    }
    return days;
  });
  const frequency = list.map((row) => n(row.purchases));
  const monetary = list.map((row) => n(row.spend) - (returned.get(row.member) ?? 0));
  const rScores = quintiles(recency.map((days) => -days));
  const fScores = quintiles(frequency);
  const mScores = quintiles(monetary);
  return list.map((row, i) => {
    const r = rScores[i] ?? 1;
    const f = fScores[i] ?? 1;
    const m = mScores[i] ?? 1;
    return {
      memberId: row.member,
      lastDay: row.last,
      recencyDays: recency[i] ?? 0,
      frequency: frequency[i] ?? 0,
      monetary: monetary[i] ?? 0,
      r,
      f,
      m,
      segment: segmentOf(r, f, m, frequency[i] ?? 0),
    };
  });
}

/**
 * The report rows of `scores`: each member's number, name and tier (read by id, 500 at a time;
 * in one pass when most are wanted) with their RFM.
 */
async function rfmRows(db: Db, ctx: AppContext, scores: readonly RfmScore[]): Promise<ReportRow[]> {
  const people = new Map<string, { number: number; name: string; tier: string }>();
  const base = () =>
    db
      .selectFrom('members')
      .innerJoin('tiers', 'tiers.id', 'members.tier_id')
      .select(['members.id', 'members.number', 'members.name', 'tiers.code as tier']);
  if (scores.length > 20_000) {
    for (const p of await base().where('members.store_id', '=', ctx.store.id).execute()) people.set(p.id, p);
  } else {
    for (let i = 0; i < scores.length; i += 500) {
      const part = scores.slice(i, i + 500).map((s) => s.memberId);
      for (const p of await base().where('members.id', 'in', part).execute()) people.set(p.id, p);
    }
  }
  // Built field by field: spreading each score took seven times as long at 700,000 members.
  return scores.map((score) => {
    const person = people.get(score.memberId);
    return {
      lastDay: score.lastDay,
      recencyDays: score.recencyDays,
      frequency: score.frequency,
      monetary: score.monetary,
      r: score.r,
      f: score.f,
      m: score.m,
      segment: score.segment,
      number: person?.number ?? 0,
      name: person?.name ?? '',
      tier: person?.tier ?? '',
    };
  });
}

const RFM_COLUMNS = [
  int('number', 'Member no.'),
  text('name', 'Name'),
  text('tier', 'Tier'),
  text('lastDay', 'Last purchase'),
  int('recencyDays', 'Days since'),
  int('frequency', 'Purchases'),
  money('monetary', 'Net spend'),
  int('r', 'R'),
  int('f', 'F'),
  int('m', 'M'),
  text('segment', 'Segment'),
];

/** Member lists answer this many rows as JSON unless `limit` says otherwise; files carry them all. */
export const MEMBER_LIST_ROWS = 1000;

/** Member ids are UUIDv7, so they sort in the order members joined: the last tie-break. */
const byId = (a: RfmScore, b: RfmScore) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0);

/**
 * Every buying member's RFM row, best scores first (then spend, then who joined first); the
 * first `limit` rows are named (all of them when no limit), `meta.members` counts them all.
 */
export async function rfmReport(
  db: Db,
  ctx: AppContext,
  r: DayRange,
  segment?: RfmSegment,
  limit?: number,
): Promise<Report> {
  const all = (await rfmScores(db, ctx, r.to)).filter((row) => !segment || row.segment === segment);
  all.sort((a, b) => b.r + b.f + b.m - (a.r + a.f + a.m) || b.monetary - a.monetary || byId(a, b));
  const chosen = await rfmRows(db, ctx, limit === undefined ? all : all.slice(0, limit));
  return {
    name: 'rfm',
    from: r.from,
    to: r.to,
    columns: RFM_COLUMNS,
    rows: chosen,
    meta: { members: all.length, shown: chosen.length },
  };
}

export async function rfmSegments(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const all = await rfmScores(db, ctx, r.to);
  const out: ReportRow[] = RFM_SEGMENTS.map((segment) => {
    const mine = all.filter((row) => row.segment === segment);
    const spend = mine.reduce((sum, row) => sum + row.monetary, 0);
    return {
      segment,
      members: mine.length,
      share: pct(mine.length, all.length),
      monetary: spend,
      average: mine.length > 0 ? Math.round(spend / mine.length) : 0,
    };
  });
  return {
    name: 'rfm-segments',
    from: r.from,
    to: r.to,
    columns: [
      text('segment', 'Segment'),
      int('members', 'Members'),
      percent('share', 'Share'),
      money('monetary', 'Net spend'),
      money('average', 'Average spend'),
    ],
    rows: out,
    totals: { members: all.length, monetary: all.reduce((sum, row) => sum + row.monetary, 0) },
  };
}

/** Members who bought before but not in the last `days` store days up to `to`, biggest spenders first. */
export async function dormant(
  db: Db,
  ctx: AppContext,
  r: DayRange,
  days: number,
  limit?: number,
): Promise<Report> {
  const cutoff = addDays(r.to, -days);
  const all = (await rfmScores(db, ctx, r.to)).filter((row) => row.lastDay <= cutoff);
  all.sort((a, b) => b.monetary - a.monetary || byId(a, b));
  const chosen = await rfmRows(db, ctx, limit === undefined ? all : all.slice(0, limit));
  return {
    name: 'dormant',
    from: r.from,
    to: r.to,
    columns: RFM_COLUMNS,
    rows: chosen,
    meta: { days, lastPurchaseOnOrBefore: cutoff, members: all.length, shown: chosen.length },
  };
}

/** Members per tier now, and how many moved into and out of each tier in the range. */
export async function tiers(db: Db, ctx: AppContext, r: DayRange): Promise<Report> {
  const found = await rows(
    db,
    sql<{ id: string; code: string; name: string; rank: number; members: number }>`
      select t.id as id, t.code as code, t.name as name, t.rank as rank,
        (select count(*) from members m where m.tier_id = t.id and m.status = 'active' and m.store_id = ${ctx.store.id}) as members
      from tiers t order by t.rank`,
  );
  const moves = await rows(
    db,
    sql<{ fromTier: string | null; toTier: string; moves: number }>`
      select c.from_tier_id as "fromTier", c.to_tier_id as "toTier", count(*) as moves from tier_changes c
      where c.store_id = ${ctx.store.id} and c.at >= ${r.startAt} and c.at < ${r.endAt}
      group by c.from_tier_id, c.to_tier_id`,
  );
  const rank = new Map(found.map((t) => [t.id, n(t.rank)]));
  const total = found.reduce((sum, t) => sum + n(t.members), 0);
  const out: ReportRow[] = found.map((t) => {
    const into = moves.filter((m) => m.toTier === t.id);
    const out = moves.filter((m) => m.fromTier === t.id);
    const up = (m: (typeof moves)[number]) =>
      m.fromTier === null || (rank.get(m.fromTier) ?? 0) < (rank.get(m.toTier) ?? 0);
    return {
      tier: t.code,
      name: t.name,
      members: n(t.members),
      share: pct(n(t.members), total),
      upgradedInto: into.filter(up).reduce((sum, m) => sum + n(m.moves), 0),
      downgradedInto: into.filter((m) => !up(m)).reduce((sum, m) => sum + n(m.moves), 0),
      left: out.reduce((sum, m) => sum + n(m.moves), 0),
    };
  });
  return {
    name: 'tiers',
    from: r.from,
    to: r.to,
    columns: [
      text('tier', 'Tier'),
      text('name', 'Name'),
      int('members', 'Members'),
      percent('share', 'Share'),
      int('upgradedInto', 'Upgraded into'),
      int('downgradedInto', 'Downgraded into'),
      int('left', 'Left'),
    ],
    rows: out,
    totals: { members: total },
  };
}

/** What the shop owes members at the end of the range's last day. */
export async function liabilities(db: Db, r: DayRange): Promise<Report> {
  const owed = await liabilitiesAt(db, r.endAt);
  return {
    name: 'liabilities',
    from: r.from,
    to: r.to,
    columns: [text('kind', 'Liability'), int('points', 'Points'), money('amount', 'Amount')],
    rows: [
      { kind: 'points', points: owed.points, amount: owed.pointsValue },
      { kind: 'stored_value_principal', points: null, amount: owed.stored.principal },
      { kind: 'stored_value_bonus', points: null, amount: owed.stored.bonus },
      { kind: 'stored_value', points: null, amount: owed.stored.total },
    ],
    meta: { at: owed.stored.at },
  };
}
