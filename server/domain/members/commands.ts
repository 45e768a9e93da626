import { z } from 'zod';
import { actorOf as roleOf } from '../../protocol/roles.js';
import { command } from '../../ws/command.js';
import { actorOf } from '../loyalty/actor.js';
import { topUp } from '../loyalty/stored-value-actions.js';
import { may } from '../staff/permissions.js';
import { findMembers } from './find.js';
import { memberRow } from './rows.js';
import { findQuery, memberParams } from './schemas.js';
import { viewOf } from './service.js';

/** Over WebSocket, full phones only for roles that may see them (no per-request approval). */
export const membersCommands = [
  command({
    type: 'members/find',
    permission: 'member.read',
    summary: 'Find members, as GET /api/members',
    params: findQuery,
    handle: async ({ ctx, principal, params }) => ({
      items: await viewOf(
        ctx,
        await findMembers(ctx.storage.db, params),
        may(roleOf(principal), 'member.phone.unmask'),
      ),
    }),
  }),
  command({
    type: 'members/get',
    permission: 'member.read',
    summary: 'One member, as GET /api/members/:id',
    params: memberParams,
    handle: async ({ ctx, principal, params }) => {
      const [view] = await viewOf(
        ctx,
        [await memberRow(ctx.storage.db, params.id)],
        may(roleOf(principal), 'member.phone.unmask'),
      );
      return view;
    },
  }),
  command({
    type: 'members/top_up',
    permission: 'member.topup',
    summary:
      'Top up stored value, as POST /api/members/:id/top-ups (the result says whether it was a repeat)',
    params: z.strictObject({
      memberId: z.string().min(1).max(64),
      id: z.string().min(1).max(64),
      amount: z.number().int().positive().max(100_000_000),
      method: z.enum(['cash', 'card', 'wechat', 'alipay']),
    }),
    handle: async ({ ctx, principal, approver, params }) => {
      const { memberId, ...body } = params;
      const outcome = await topUp(ctx, memberId, body, actorOf(principal, approver));
      return { ...outcome.result, replayed: outcome.replayed };
    },
  }),
];
