import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Database, MemberRow } from '../../storage/schema.js';

export interface FindMembers {
  phone?: string | undefined;
  last4?: string | undefined;
  code?: string | undefined;
  q?: string | undefined;
  limit: number;
}

/**
 * What the search box means: four digits → last four, sixteen → a member code (a card scan),
 * another number → phone prefix, anything else → name prefix. Each is an index lookup.
 */
export function matchingText<O>(
  query: SelectQueryBuilder<Database, 'members', O>,
  q: string,
): SelectQueryBuilder<Database, 'members', O> {
  if (/^\d{4}$/.test(q)) return query.where('members.phone_last4', '=', q);
  if (/^\d{16}$/.test(q)) return query.where('members.code', '=', q);
  if (/^\+?\d{5,}$/.test(q))
    return query.where('members.phone', '>=', q).where('members.phone', '<', `${q}\u{10FFFF}`);
  return query.where('members.name', '>=', q).where('members.name', '<', `${q}\u{10FFFF}`);
}

/**
 * Finds active members by full phone (exact), the last four digits (a short list from the
 * `phone_last4` index), member code (a card scan) or `q` (see `matchingText`).
 */
export async function findMembers(db: Kysely<Database>, find: FindMembers): Promise<MemberRow[]> {
  let query = db.selectFrom('members').selectAll().where('status', '=', 'active');
  if (find.phone !== undefined) query = query.where('phone', '=', find.phone);
  else if (find.code !== undefined) {
    const code = find.code;
    // A card of a member merged into another (twice registered, or signed up offline at a
    // store while head office had the phone) finds the member it was merged into.
    query = query.where((eb) =>
      eb.or([
        eb('code', '=', code),
        eb(
          'id',
          'in',
          eb.selectFrom('members as merged').select('merged.merged_into').where('merged.code', '=', code),
        ),
      ]),
    );
  } else if (find.last4 !== undefined) query = query.where('phone_last4', '=', find.last4);
  else if (find.q !== undefined) query = matchingText(query, find.q);
  return query.orderBy('number').limit(find.limit).execute();
}
