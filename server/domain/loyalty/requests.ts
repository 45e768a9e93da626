import type { Kysely } from 'kysely';
import { canonicalJson } from '../../canonical-json.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Database } from '../../storage/schema.js';

export interface RequestKey {
  /** The client's idempotency key. */
  id: string;
  kind: string;
  memberId: string;
  body: unknown;
}

/**
 * Inside the action's transaction: the first result when this id was seen with the same body,
 * null when the id is new; 409 when the id was used for something else.
 */
export async function replayed<T>(trx: Kysely<Database>, key: RequestKey): Promise<T | null> {
  const seen = await trx
    .selectFrom('member_requests')
    .selectAll()
    .where('id', '=', key.id)
    .executeTakeFirst();
  if (!seen) return null;
  if (seen.kind !== key.kind || seen.member_id !== key.memberId || !sameBody(seen.body, key.body)) {
    throw new ApiError('conflict', 'This id was already used for a different request.', {
      'body.id': 'already used with another body',
    });
  }
  return JSON.parse(seen.result) as T;
}

/**
 * Bodies kept before there was one canonical JSON are in a locale's key order: the kept text
 * is put in today's order before comparing, so their replays still answer.
 */
function sameBody(kept: string, body: unknown): boolean {
  return canonicalJson(JSON.parse(kept)) === canonicalJson(body);
}

export async function remember(
  trx: Kysely<Database>,
  ctx: AppContext,
  key: RequestKey,
  result: unknown,
): Promise<void> {
  await trx
    .insertInto('member_requests')
    .values({
      id: key.id,
      store_id: ctx.store.id,
      kind: key.kind,
      member_id: key.memberId,
      body: canonicalJson(key.body),
      result: JSON.stringify(result),
      at: ctx.now().toISOString(),
    })
    .execute();
}
