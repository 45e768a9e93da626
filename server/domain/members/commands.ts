import { z } from 'zod';
import { command } from '../../ws/command.js';
import { actorOf } from '../loyalty/actor.js';
import { topUp } from '../loyalty/stored-value-actions.js';
import { findMembers } from './find.js';
import { memberRow } from './rows.js';
import { findQuery, memberParams } from './schemas.js';
import { viewOf, viewOne } from './service.js';
import { phonesVisibleWith } from './visibility.js';

/**
 * Over WebSocket as over HTTP: full phones for roles that may see them, or for a cashier whose
 * request carries a manager's `approval` (audited as `member.phone_unmasked`).
 */
export const membersCommands = [
  command({
    type: 'members/find',
    permission: 'member.read',
    summary: 'Find members, as GET /api/members',
    params: findQuery,
    handle: async ({ ctx, principal, approval, params }) => {
      const rows = await findMembers(ctx.storage.db, params);
      const unmasked =
        rows.length > 0 && (await phonesVisibleWith(ctx, principal, approval, () => rows.map((r) => r.id)));
      return { items: await viewOf(ctx, rows, unmasked) };
    },
  }),
  command({
    type: 'members/get',
    permission: 'member.read',
    summary: 'One member, as GET /api/members/:id (`memberId`: the envelope already uses `id`)',
    params: z.strictObject({ memberId: memberParams.shape.id }),
    handle: async ({ ctx, principal, approval, params }) => {
      const row = await memberRow(ctx.storage.db, params.memberId);
      return viewOne(ctx, row, await phonesVisibleWith(ctx, principal, approval, () => [row.id]));
    },
  }),
  command({
    type: 'members/top_up',
    permission: 'member.topup',
    summary:
      'Top up stored value, as POST /api/members/:id/top-ups (the result says whether it was a repeat)',
    params: z.strictObject({
      memberId: z.string().min(1).max(64),
      /** The client's idempotency key (the message's own `id` numbers the request). */
      topUpId: z.string().min(1).max(64),
      amount: z.number().int().positive().max(100_000_000),
      method: z.enum(['cash', 'card', 'wechat', 'alipay']),
    }),
    handle: async ({ ctx, principal, approver, params }) => {
      const { memberId, topUpId, ...body } = params;
      const outcome = await topUp(ctx, memberId, { id: topUpId, ...body }, actorOf(principal, approver));
      return { ...outcome.result, replayed: outcome.replayed };
    },
  }),
];
