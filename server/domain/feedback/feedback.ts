import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { FeedbackPage, FeedbackView } from '../../protocol/feedback.js';
import type { DevicePrincipal } from '../../protocol/roles.js';
import { newestFirstPage } from '../../storage/paging.js';

export interface NewFeedback {
  stars: number;
  comment?: string | undefined;
  memberCode?: string | undefined;
}

/** `POST /api/self/feedback`: one customer's stars and comment, from the lookup kiosk. */
export async function leaveFeedback(
  ctx: AppContext,
  device: DevicePrincipal,
  input: NewFeedback,
): Promise<FeedbackView> {
  const comment = input.comment?.trim() || null;
  const at = ctx.now().toISOString();
  const id = newId();
  const memberId = await ctx.storage.write(async (trx) => {
    let memberId: string | null = null;
    if (input.memberCode !== undefined) {
      const member = await trx
        .selectFrom('members')
        .select('id')
        .where('store_id', '=', ctx.store.id)
        .where('code', '=', input.memberCode)
        .executeTakeFirst();
      if (!member)
        throw new ApiError('not_found', 'No member with this code.', { 'body.memberCode': 'unknown code' });
      memberId = member.id;
    }
    await trx
      .insertInto('feedback')
      .values({
        id,
        store_id: ctx.store.id,
        at,
        stars: input.stars,
        comment,
        device_id: device.deviceId,
        member_id: memberId,
      })
      .execute();
    return memberId;
  });
  return {
    id,
    at,
    stars: input.stars,
    comment,
    memberCode: memberId ? (input.memberCode ?? null) : null,
    device: device.name,
  };
}

/** `GET /api/feedback`: newest first, `before` an id from the previous page. */
export async function listFeedback(
  ctx: AppContext,
  options: { limit: number; before?: string | undefined },
): Promise<FeedbackPage> {
  let query = ctx.storage.db
    .selectFrom('feedback as f')
    .leftJoin('members as m', 'm.id', 'f.member_id')
    .leftJoin('devices as d', 'd.id', 'f.device_id')
    .select(['f.id', 'f.at', 'f.stars', 'f.comment', 'm.code as memberCode', 'd.name as device'])
    .where('f.store_id', '=', ctx.store.id);
  if (options.before) query = query.where('f.id', '<', options.before);
  const rows = await query
    .orderBy('f.id', 'desc')
    .limit(options.limit + 1)
    .execute();
  const { items, nextBefore } = newestFirstPage(rows, options.limit, (row) => ({
    id: row.id,
    at: row.at,
    stars: row.stars,
    comment: row.comment,
    memberCode: row.memberCode ?? null,
    device: row.device ?? null,
  }));
  return { items, next: nextBefore };
}
