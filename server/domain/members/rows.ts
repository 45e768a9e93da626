import type { Kysely } from 'kysely';
import { ApiError, notFound } from '../../errors.js';
import type { Database, MemberRow } from '../../storage/schema.js';

/** A member row by id; 404 when there is none. */
export async function memberRow(db: Kysely<Database>, id: string): Promise<MemberRow> {
  const row = await db.selectFrom('members').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('member', id);
  return row;
}

/** A member that points, stored value and coupons may still move for: not merged away, not erased. */
export async function activeMemberRow(db: Kysely<Database>, id: string): Promise<MemberRow> {
  return assertActiveMember(await memberRow(db, id));
}

/** `row` when points, stored value and coupons may still move for it; else 422 saying why. */
export function assertActiveMember<Row extends MemberRow>(row: Row): Row {
  if (row.status !== 'active') {
    throw new ApiError(
      'business_rule',
      row.status === 'merged'
        ? `This member was merged into member ${row.merged_into}; use that one.`
        : 'This member was erased on request.',
      { memberId: row.status },
    );
  }
  return row;
}
