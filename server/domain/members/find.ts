import type { Kysely } from 'kysely';
import type { Database, MemberRow } from '../../storage/schema.js';

export interface FindMembers {
  phone?: string | undefined;
  last4?: string | undefined;
  code?: string | undefined;
  q?: string | undefined;
  limit: number;
}

/**
 * Finds active members by full phone (exact), the last four digits (a short list from the
 * `phone_last4` index), member code (a card scan) or `q`: four digits → last four, a longer
 * number → phone prefix, anything else → name prefix. Every branch is an index lookup.
 */
export async function findMembers(db: Kysely<Database>, find: FindMembers): Promise<MemberRow[]> {
  let query = db.selectFrom('members').selectAll().where('status', '=', 'active');
  const q = find.q;
  if (find.phone !== undefined) query = query.where('phone', '=', find.phone);
  else if (find.code !== undefined) query = query.where('code', '=', find.code);
  else if (find.last4 !== undefined) query = query.where('phone_last4', '=', find.last4);
  else if (q !== undefined && /^\d{4}$/.test(q)) query = query.where('phone_last4', '=', q);
  else if (q !== undefined && /^\+?\d{5,}$/.test(q))
    query = query.where('phone', '>=', q).where('phone', '<', `${q}\u{10FFFF}`);
  else if (q !== undefined) query = query.where('name', '>=', q).where('name', '<', `${q}\u{10FFFF}`);
  return query.orderBy('number').limit(find.limit).execute();
}
