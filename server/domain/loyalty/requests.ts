import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Database } from '../../storage/schema.js';

/** A JSON text with keys sorted, so the same body always compares equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

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
  if (seen.kind !== key.kind || seen.member_id !== key.memberId || seen.body !== canonical(key.body)) {
    throw new ApiError('conflict', 'This id was already used for a different request.', {
      'body.id': 'already used with another body',
    });
  }
  return JSON.parse(seen.result) as T;
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
      body: canonical(key.body),
      result: JSON.stringify(result),
      at: ctx.now().toISOString(),
    })
    .execute();
}
