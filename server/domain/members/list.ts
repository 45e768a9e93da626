import { type Expression, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import {
  MEMBER_SORTS,
  type MemberListItem,
  type MemberListPage,
  type MemberSort,
} from '../../protocol/members.js';
import type { Database, MemberRow } from '../../storage/schema.js';
import { addDays, dayStart } from '../reports/range.js';
import { matchingText } from './find.js';
import { viewOf } from './service.js';

const storeDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const fen = z.coerce.number().int('whole fen').min(0).max(10_000_000_000);

/**
 * Which members the admin's list shows (every condition given must hold); the same filter
 * picks the members a bulk tag or an export covers. Values come as query strings or JSON.
 */
export const memberFilterFields = {
  /** The search box: four digits, a phone prefix or a name prefix; empty lists everyone. */
  q: z.string().trim().max(40).optional(),
  /** A tier code. */
  tier: z.string().trim().min(1).max(40).optional(),
  /** A profile tag. */
  tag: z.string().trim().min(1).max(20).optional(),
  birthdayMonth: z.coerce.number().int().min(1).max(12).optional(),
  /** Last purchase on or after / on or before these store days (members who never bought match neither). */
  lastVisitFrom: storeDay.optional(),
  lastVisitTo: storeDay.optional(),
  /** Net spend over all history, fen. */
  spendMin: fen.optional(),
  spendMax: fen.optional(),
  /** Only members the shop owes stored value (principal or bonus left). */
  owesStoredValue: z
    .union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')])
    .optional(),
  /** Only members with points that expire within this many days. */
  pointsExpiringDays: z.coerce.number().int().min(1).max(3650).optional(),
};

/** A filter's ranges the right way round (a schema with the filter's fields and maybe more). */
export function checkedRanges<
  S extends z.ZodType<{
    spendMin?: number | undefined;
    spendMax?: number | undefined;
    lastVisitFrom?: string | undefined;
    lastVisitTo?: string | undefined;
  }>,
>(schema: S): S {
  return schema
    .refine((f) => f.spendMin === undefined || f.spendMax === undefined || f.spendMin <= f.spendMax, {
      message: 'spendMin must not be above spendMax',
      path: ['spendMin'],
    })
    .refine((f) => !f.lastVisitFrom || !f.lastVisitTo || f.lastVisitFrom <= f.lastVisitTo, {
      message: 'lastVisitFrom must not be after lastVisitTo',
      path: ['lastVisitFrom'],
    });
}

export const memberFilter = checkedRanges(z.strictObject(memberFilterFields));
export type MemberFilter = z.output<typeof memberFilter>;

export const memberListQuery = checkedRanges(
  z.strictObject({
    ...memberFilterFields,
    sort: z.enum(MEMBER_SORTS).default('joined'),
    dir: z.enum(['asc', 'desc']).default('desc'),
    /** `next` of the page before. */
    after: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  }),
);
export type MemberListQuery = z.output<typeof memberListQuery>;

/** The column each sort reads, in the order of its index (`members_list_*`, migration 26). */
const SORT_KEYS: Record<MemberSort, string> = {
  joined: 'members.number',
  lastVisit: 'members.last_visit_at',
  spend: 'members.spend_lifetime',
  storedValue: '(members.stored_principal + members.stored_bonus)',
  points: 'members.points',
};

type MemberQuery<O> = SelectQueryBuilder<Database, 'members', O>;

/** Narrows a query on `members` to this store's active members that the filter picks. */
export function filteredMembers<O>(ctx: AppContext, query: MemberQuery<O>, f: MemberFilter): MemberQuery<O> {
  let out = query.where('members.store_id', '=', ctx.store.id).where('members.status', '=', 'active');
  if (f.q) out = matchingText(out, f.q);
  const tier = f.tier;
  if (tier !== undefined) {
    out = out.where('members.tier_id', 'in', (eb) =>
      eb.selectFrom('tiers').select('tiers.id').where('tiers.code', '=', tier),
    );
  }
  // Tags are a JSON list on the member: the quoted tag inside it (as segments match them).
  if (f.tag !== undefined)
    out = out.where(
      sql<SqlBool>`members.tags like ${`%${JSON.stringify(f.tag).replace(/[\\%_]/g, '\\$&')}%`} escape '\\'`,
    );
  if (f.birthdayMonth !== undefined) out = out.where('members.birth_month', '=', f.birthdayMonth);
  const zone = ctx.store.timeZone;
  if (f.lastVisitFrom) out = out.where('members.last_visit_at', '>=', dayStart(f.lastVisitFrom, zone));
  if (f.lastVisitTo) {
    out = out
      .where('members.last_visit_at', '<', dayStart(addDays(f.lastVisitTo, 1), zone))
      .where('members.last_visit_at', '<>', '');
  }
  if (f.spendMin !== undefined) out = out.where('members.spend_lifetime', '>=', f.spendMin);
  if (f.spendMax !== undefined) out = out.where('members.spend_lifetime', '<=', f.spendMax);
  if (f.owesStoredValue) out = out.where(sql<SqlBool>`members.stored_principal + members.stored_bonus > 0`);
  const days = f.pointsExpiringDays;
  if (days !== undefined) {
    const now = ctx.now();
    const until = new Date(now.getTime() + days * 86_400_000).toISOString();
    out = out.where('members.id', 'in', (eb) =>
      eb
        .selectFrom('points_lots')
        .select('points_lots.member_id')
        .where('points_lots.remaining', '>', 0)
        .where('points_lots.expires_at', '>', now.toISOString())
        .where('points_lots.expires_at', '<=', until),
    );
  }
  return out;
}

/** `next`: the last row's sort value and number, so the next page starts right after it. */
type Cursor = [string | number, number];

function cursorOf(row: MemberRow, sort: MemberSort): string {
  const value =
    sort === 'joined'
      ? row.number
      : sort === 'lastVisit'
        ? row.last_visit_at
        : sort === 'spend'
          ? row.spend_lifetime
          : sort === 'storedValue'
            ? row.stored_principal + row.stored_bonus
            : row.points;
  return Buffer.from(JSON.stringify([value, row.number] satisfies Cursor)).toString('base64url');
}

function readCursor(after: string, sort: MemberSort): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown;
    const valueType = sort === 'lastVisit' ? 'string' : 'number';
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === valueType &&
      Number.isSafeInteger(parsed[1])
    )
      return parsed as Cursor;
  } catch {
    // Falls through to the refusal below.
  }
  throw new ApiError('validation_failed', 'That page is not one of this list.', { 'query.after': 'invalid' });
}

/**
 * A page of the member list: the store's active members the filter picks, in the order asked
 * for (ties by member number), read with `limit + 1` rows along the sort's index.
 */
export async function listMembers(
  ctx: AppContext,
  query: MemberListQuery,
  unmasked: (rows: MemberRow[]) => Promise<boolean>,
): Promise<MemberListPage> {
  const db = ctx.storage.db;
  const key = sql.raw(SORT_KEYS[query.sort]);
  const desc = query.dir === 'desc';
  let rows = filteredMembers(ctx, db.selectFrom('members').selectAll('members'), query);
  if (query.after) {
    const [value, number] = readCursor(query.after, query.sort);
    const beyond: Expression<SqlBool> = desc
      ? sql<SqlBool>`(${key} < ${value} or (${key} = ${value} and members.number < ${number}))`
      : sql<SqlBool>`(${key} > ${value} or (${key} = ${value} and members.number > ${number}))`;
    rows = rows.where(beyond);
  }
  const order = desc ? sql`desc` : sql`asc`;
  const found = await rows
    .orderBy(sql`${key} ${order}`)
    .orderBy('members.number', query.dir)
    .limit(query.limit + 1)
    .execute();
  const page = found.slice(0, query.limit);
  const counted = await filteredMembers(
    ctx,
    db.selectFrom('members').select((eb) => eb.fn.countAll<number | string>().as('n')),
    query,
  ).executeTakeFirst();
  const views = await viewOf(ctx, page, page.length > 0 && (await unmasked(page)));
  const items: MemberListItem[] = views.map((view, i) => {
    const row = page[i] as MemberRow;
    return { ...view, spend: row.spend_lifetime, visits: row.visits, lastVisitAt: row.last_visit_at || null };
  });
  const last = page.at(-1);
  return {
    items,
    next: found.length > query.limit && last ? cursorOf(last, query.sort) : null,
    total: Number(counted?.n ?? 0),
  };
}
