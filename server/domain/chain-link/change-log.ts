import { sql } from 'kysely';
import type { Storage } from '../../storage/database.js';

/**
 * How long head office's log of changed rows (`row_changes`, migration 34) keeps a change: a
 * store whose last refresh is older copies whole. A day covers a store closed overnight.
 */
export const CHANGE_LOG_HORIZON_MS = 24 * 3600_000;

/** How often the log is pruned (each prune notes where head office's snapshot stood then). */
export const CHANGE_LOG_PRUNE_MS = 10 * 60_000;

/**
 * Drops the changes older than `horizonMs` from head office's log, without a clock on each
 * logged row: each prune notes the oldest transaction still running (`row_change_marks`), and
 * the changes of transactions older than the newest note at least `horizonMs` old go. Every
 * transaction below that note had ended by then, so a store whose last refresh is younger saw
 * them all. `row_changes_kept` says where the log starts, in the same transaction as the delete:
 * a store's snapshot sees both or neither. Any chain server may prune; at most one prunes at a
 * time and at most every `everyMs`. Returns the changes dropped.
 */
export async function pruneChangeLog(
  chain: Storage,
  now: Date,
  { horizonMs = CHANGE_LOG_HORIZON_MS, everyMs = CHANGE_LOG_PRUNE_MS } = {},
): Promise<number> {
  if (chain.engine !== 'postgres') return 0;
  return chain.db.transaction().execute(async (trx) => {
    const turn = await sql<{
      mine: boolean;
    }>`select pg_try_advisory_xact_lock(hashtext('hanger row_changes prune')) as mine`.execute(trx);
    if (!turn.rows[0]?.mine) return 0;
    const last = await trx
      .selectFrom('row_change_marks')
      .select((eb) => eb.fn.max('at').as('at'))
      .executeTakeFirst();
    if (last?.at && now.getTime() - Date.parse(last.at) < everyMs) return 0;
    await sql`insert into row_change_marks (at, oldest_running)
      values (${now.toISOString()}, pg_snapshot_xmin(pg_current_snapshot())::text::bigint)
      on conflict (at) do nothing`.execute(trx);
    const edge = await trx
      .selectFrom('row_change_marks')
      .select(['at', 'oldest_running'])
      .where('at', '<=', new Date(now.getTime() - horizonMs).toISOString())
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!edge) return 0;
    await trx.deleteFrom('row_change_marks').where('at', '<', edge.at).execute();
    await sql`insert into row_changes_kept (id, kept_from) values (1, ${edge.oldest_running})
      on conflict (id) do update set kept_from = greatest(row_changes_kept.kept_from, excluded.kept_from)`.execute(
      trx,
    );
    const dropped = await trx
      .deleteFrom('row_changes')
      .where('changed_in', '<', edge.oldest_running)
      .executeTakeFirst();
    return Number(dropped.numDeletedRows);
  });
}
