import type { AppContext } from '../../context.js';
import type { BulkTagResult } from '../../protocol/members.js';
import { recordAudit } from '../audit/service.js';
import type { Actor } from '../loyalty/ledger-ref.js';
import { filteredMembers, type MemberFilter } from './list.js';
import { recordChange } from './service.js';

/** A member keeps at most this many tags (as the profile form allows). */
const MOST_TAGS = 20;

export interface BulkTag {
  action: 'add' | 'remove';
  tag: string;
  /** The members ticked on the page, or every member the filter picks. */
  ids?: string[] | undefined;
  filter?: MemberFilter | undefined;
}

/**
 * Adds a tag to (or takes it off) the chosen members in one transaction: each changed member's
 * history says so, and one audit row names the tag, the selection and how many changed.
 * Members who have 20 tags already are counted as `full` and left alone.
 */
export async function bulkTag(ctx: AppContext, input: BulkTag, actor: Actor): Promise<BulkTagResult> {
  return ctx.storage.write(async (trx) => {
    let chosen = filteredMembers(
      ctx,
      trx.selectFrom('members').select(['members.id', 'members.tags']),
      input.filter ?? {},
    );
    if (input.ids) chosen = chosen.where('members.id', 'in', input.ids);
    const rows = await chosen.execute();
    const result: BulkTagResult = { changed: 0, unchanged: 0, full: 0 };
    const at = ctx.now().toISOString();
    for (const row of rows) {
      const before = JSON.parse(row.tags) as string[];
      const has = before.includes(input.tag);
      if (input.action === 'add' ? has : !has) {
        result.unchanged += 1;
        continue;
      }
      if (input.action === 'add' && before.length >= MOST_TAGS) {
        result.full += 1;
        continue;
      }
      const after =
        input.action === 'add' ? [...before, input.tag] : before.filter((tag) => tag !== input.tag);
      await trx
        .updateTable('members')
        .set({ tags: JSON.stringify(after), updated_at: at })
        .where('id', '=', row.id)
        .execute();
      await recordChange(trx, ctx, row.id, 'updated', actor, {
        tags: { from: row.tags, to: JSON.stringify(after) },
      });
      result.changed += 1;
    }
    await recordAudit(trx, ctx, {
      kind: 'member.tags_changed',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      detail: {
        action: input.action,
        tag: input.tag,
        ...(input.ids ? { ids: input.ids.length } : { filter: input.filter ?? {} }),
        ...result,
      },
    });
    return result;
  });
}
