import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Report } from '../../protocol/reports.js';
import {
  RFM_SEGMENTS,
  type SavedSegment,
  type SegmentDefinition,
  type SegmentMember,
} from '../../protocol/segments.js';
import { storeDate } from '../loyalty/calendar.js';
import { type RfmScore, rfmScores } from '../reports/members.js';
import { daysBetween } from '../reports/range.js';
import { int, money, text } from '../reports/table.js';

const bounds = (what: string) =>
  z
    .strictObject({
      min: z.number().int().min(0).optional(),
      max: z.number().int().min(0).optional(),
    })
    .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, {
      message: `min must not be above max (${what})`,
    });
const names = (max: number) => z.array(z.string().trim().min(1).max(max)).min(1).max(50);

/**
 * A member segment: every condition given must hold (AND); inside a list any value will do
 * (OR). An unknown condition is refused by name.
 */
export const segmentDefinition: z.ZodType<SegmentDefinition> = z.strictObject({
  /** Tier codes. */
  tiers: names(40).optional(),
  /** Profile tags. */
  tags: names(20).optional(),
  /** A size in the member's profile (top, bottom, shoes) or a size they bought. */
  sizes: names(10).optional(),
  /** Category ids: bought something in the category or below it. */
  categories: names(64).optional(),
  /** RFM segments as of today. */
  rfmSegments: z.array(z.enum(RFM_SEGMENTS)).min(1).optional(),
  /** Birth months, 1–12. */
  birthdayMonths: z.array(z.number().int().min(1).max(12)).min(1).optional(),
  /** Days since the last purchase (members who never bought have none and do not match). */
  daysSinceLastVisit: bounds('daysSinceLastVisit').optional(),
  /** Net spend over all history, fen. */
  spend: bounds('spend').optional(),
  /** The store the member belongs to (chain mode); this store only for now. */
  storeId: z.string().min(1).max(64).optional(),
});
const inRange = (value: number | null, b?: { min?: number | undefined; max?: number | undefined }) =>
  !b ||
  (value !== null && (b.min === undefined || value >= b.min) && (b.max === undefined || value <= b.max));

/**
 * The members a definition picks, as of now. Without `scores` (a campaign whose conditions
 * need no recency, spend or RFM segment) the RFM pass over every sale is skipped and the
 * members carry no segment, last day or spend.
 */
export async function segmentMembers(
  ctx: AppContext,
  def: SegmentDefinition,
  options: { scores: boolean } = { scores: true },
): Promise<SegmentMember[]> {
  const db = ctx.storage.db;
  if (def.storeId && def.storeId !== ctx.store.id) return [];
  const today = storeDate(ctx.now(), ctx.store.timeZone);
  let chosen = db
    .selectFrom('members')
    .innerJoin('tiers', 'tiers.id', 'members.tier_id')
    .select([
      'members.id',
      'members.number',
      'members.name',
      'members.tags',
      'members.sizes',
      'members.birth_month as birthMonth',
      'tiers.code as tier',
    ])
    .where('members.store_id', '=', ctx.store.id)
    .where('members.status', '=', 'active');
  // The conditions on the member's own record narrow the rows in SQL (a campaign to 100,000 of
  // a million members reads 100,000); the exact test stays in the loop below.
  if (def.tiers) chosen = chosen.where('tiers.code', 'in', def.tiers);
  if (def.birthdayMonths) chosen = chosen.where('members.birth_month', 'in', def.birthdayMonths);
  const tags = def.tags;
  if (tags) {
    chosen = chosen.where((eb) =>
      eb.or(
        tags.map(
          (tag) =>
            sql<boolean>`${eb.ref('members.tags')} like ${`%${JSON.stringify(tag).replace(/[\\%_]/g, '\\$&')}%`} escape '\\'`,
        ),
      ),
    );
  }
  const people = await chosen.execute();
  const scores = new Map<string, RfmScore>(
    options.scores ? (await rfmScores(db, ctx, today)).map((row) => [row.memberId, row]) : [],
  );

  let boughtCategory: Set<string> | null = null;
  if (def.categories) {
    const all = await db
      .selectFrom('categories')
      .select(['id', 'parent_id'])
      .where('store_id', '=', ctx.store.catalogId)
      .execute();
    const wanted = new Set(def.categories);
    // Descendants: keep adding children of what is wanted until nothing changes.
    for (let grew = true; grew; ) {
      grew = false;
      for (const c of all) {
        if (c.parent_id && wanted.has(c.parent_id) && !wanted.has(c.id)) {
          wanted.add(c.id);
          grew = true;
        }
      }
    }
    const found = await sql<{ member: string }>`
      select distinct s.member_id as member from sale_lines l join sales s on s.id = l.sale_id
      where s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided' and s.member_id is not null
        and l.category_id in (${sql.join([...wanted])})`.execute(db);
    boughtCategory = new Set(found.rows.map((row) => row.member));
  }
  let boughtSize: Set<string> | null = null;
  if (def.sizes) {
    const found = await sql<{ member: string }>`
      select distinct s.member_id as member from sale_lines l join sales s on s.id = l.sale_id
      where s.store_id = ${ctx.store.id} and s.training = 0 and s.status <> 'voided' and s.member_id is not null
        and l.size in (${sql.join(def.sizes)})`.execute(db);
    boughtSize = new Set(found.rows.map((row) => row.member));
  }

  const out: SegmentMember[] = [];
  for (const person of people) {
    const score = scores.get(person.id);
    const lastDay = score?.lastDay ?? null;
    const daysSince = lastDay ? daysBetween(lastDay, today) : null;
    const spend = score?.monetary ?? 0;
    if (def.tiers && !def.tiers.includes(person.tier)) continue;
    if (def.tags) {
      const tags = JSON.parse(person.tags) as string[];
      if (!def.tags.some((tag) => tags.includes(tag))) continue;
    }
    if (def.sizes && boughtSize) {
      const profile = Object.values(JSON.parse(person.sizes) as Record<string, string>);
      if (!boughtSize.has(person.id) && !def.sizes.some((size) => profile.includes(size))) continue;
    }
    if (boughtCategory && !boughtCategory.has(person.id)) continue;
    if (def.rfmSegments && (!score || !def.rfmSegments.includes(score.segment))) continue;
    if (def.birthdayMonths && (person.birthMonth === null || !def.birthdayMonths.includes(person.birthMonth)))
      continue;
    if (!inRange(daysSince, def.daysSinceLastVisit)) continue;
    if (!inRange(spend, def.spend)) continue;
    out.push({
      memberId: person.id,
      number: person.number,
      name: person.name,
      tier: person.tier,
      segment: score?.segment ?? '',
      lastDay,
      daysSince,
      spend,
    });
  }
  out.sort((a, b) => b.spend - a.spend || a.number - b.number);
  return out;
}

/** A segment's members as a report, for the table and the CSV/XLSX download (no phone numbers). */
export function segmentReport(name: string, today: string, members: readonly SegmentMember[]): Report {
  return {
    name: `segment-${name}`.replace(/[^\p{L}\p{N}_-]+/gu, '-'),
    from: today,
    to: today,
    columns: [
      int('number', 'Member no.'),
      text('name', 'Name'),
      text('tier', 'Tier'),
      text('segment', 'Segment'),
      text('lastDay', 'Last purchase'),
      int('daysSince', 'Days since'),
      money('spend', 'Net spend'),
    ],
    rows: members.map(({ memberId: _id, ...row }) => ({ ...row })),
  };
}

export async function listSegments(ctx: AppContext): Promise<SavedSegment[]> {
  const rows = await ctx.storage.db
    .selectFrom('segments')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .orderBy('name')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    definition: segmentDefinition.parse(JSON.parse(row.definition)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }));
}

export async function getSegment(ctx: AppContext, id: string): Promise<SavedSegment> {
  const found = (await listSegments(ctx)).find((s) => s.id === id);
  if (!found) throw notFound('segment', id);
  return found;
}

export async function saveSegment(
  ctx: AppContext,
  input: { name: string; definition: SegmentDefinition },
  staffId: string,
): Promise<SavedSegment> {
  const at = ctx.now().toISOString();
  const id = newId();
  await ctx.storage.write(async (trx) => {
    const taken = await trx
      .selectFrom('segments')
      .select('id')
      .where('store_id', '=', ctx.store.id)
      .where('name', '=', input.name)
      .executeTakeFirst();
    if (taken)
      throw new ApiError('conflict', 'A segment with this name exists.', { 'body.name': 'already used' });
    await trx
      .insertInto('segments')
      .values({
        id,
        store_id: ctx.store.id,
        name: input.name,
        definition: JSON.stringify(input.definition),
        created_at: at,
        created_by: staffId,
        updated_at: at,
      })
      .execute();
  });
  return { id, name: input.name, definition: input.definition, createdAt: at, updatedAt: at };
}

export async function deleteSegment(ctx: AppContext, id: string): Promise<void> {
  await getSegment(ctx, id);
  await ctx.storage.write((trx) => trx.deleteFrom('segments').where('id', '=', id).execute());
}
