import type { Response } from 'express';
import { z } from 'zod';
import { runAction } from '../../events/action.js';
import { approvalFrom, route } from '../../http/route.js';
import type { DevicePrincipal, Principal } from '../../protocol/roles.js';
import { recordAudit } from '../audit/service.js';
import { actorOf } from '../loyalty/actor.js';
import { memberCoupons } from '../loyalty/coupons.js';
import { memberLedger } from '../loyalty/ledger.js';
import { adjustPoints, pointsExpiringSoon } from '../loyalty/points.js';
import { remember, replayed } from '../loyalty/requests.js';
import { assertWithinStoreLimit } from '../loyalty/store-limits.js';
import {
  type Idempotent,
  payFromStoredValue,
  refundPrincipal,
  topUp,
} from '../loyalty/stored-value-actions.js';
import { bulkTag } from './bulk-tags.js';
import { exportMembers } from './export.js';
import { findMembers } from './find.js';
import { importMembers } from './import.js';
import { checkedRanges, listMembers, memberFilter, memberFilterFields, memberListQuery } from './list.js';
import { mergeMembers } from './merge.js';
import { setMemberPin } from './pin.js';
import { eraseMember, exportMemberData } from './privacy.js';
import { memberRow } from './rows.js';
import { findQuery, memberChangesBody, memberParams, memberPin, newMemberBody, phone } from './schemas.js';
import { selfLookup, selfSignUp } from './self-service.js';
import { createMember, memberHistory, updateMember, viewOf } from './service.js';
import { readUpload } from './upload.js';
import { phonesVisible } from './visibility.js';

const requestId = z.string().min(1, 'required').max(64, 'at most 64 characters');
const fen = z.number().int('whole fen').positive('more than 0').max(100_000_000, 'at most 1,000,000 yuan');
const reason = z.string().trim().min(1, 'required').max(200, 'at most 200 characters');

/** 201 for a new action, 200 with the first answer for a repeat with the same id and body. */
function answer<T>(res: Response, outcome: Idempotent<T>): T | undefined {
  if (!outcome.replayed) return outcome.result;
  res.status(200).json(outcome.result);
  return undefined;
}

export const membersRoutes = [
  route({
    method: 'post',
    path: '/api/members',
    permission: 'member.manage',
    summary: 'Register a member (phone unique across the chain)',
    status: 201,
    body: newMemberBody,
    handle: async ({ ctx, body, principal, req }) => {
      const row = await createMember(ctx, body, actorOf(principal));
      const [view] = await viewOf(ctx, [row], await phonesVisible(ctx, principal, req, () => [row.id]));
      return view;
    },
  }),
  route({
    method: 'get',
    path: '/api/members',
    permission: 'member.read',
    summary: 'Find members by phone, last four digits, member code or name (phones masked per role)',
    query: findQuery,
    handle: async ({ ctx, query, principal, req }) => {
      const rows = await findMembers(ctx.storage.db, query);
      const unmasked =
        rows.length > 0 && (await phonesVisible(ctx, principal, req, () => rows.map((r) => r.id)));
      return { items: await viewOf(ctx, rows, unmasked) };
    },
  }),
  route({
    method: 'get',
    path: '/api/members/list',
    permission: 'member.read',
    summary:
      "The store's members to browse: filters, sort and keyset pages (`after` = the last page's `next`); phones masked per role",
    query: memberListQuery,
    handle: ({ ctx, query, principal, req }) =>
      listMembers(ctx, query, async (rows) =>
        phonesVisible(ctx, principal, req, () => rows.map((r) => r.id)),
      ),
  }),
  route({
    method: 'post',
    path: '/api/members/tags',
    permission: 'member.bulk_tag',
    summary:
      'Add or remove a tag on the members ticked (ids) or on every member a list filter picks; one transaction, audited',
    body: z
      .strictObject({
        action: z.enum(['add', 'remove']),
        tag: z.string().trim().min(1, 'required').max(20, 'at most 20 characters'),
        ids: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
        filter: memberFilter.optional(),
      })
      .refine((body) => (body.ids === undefined) !== (body.filter === undefined), {
        message: 'give either ids or filter',
        path: ['ids'],
      }),
    handle: ({ ctx, body, principal, approver }) => bulkTag(ctx, body, actorOf(principal, approver)),
  }),
  route({
    method: 'get',
    path: '/api/members/export',
    permission: 'data.export',
    summary:
      "Export every active member as CSV or XLSX (full phones, amounts in yuan); filtered=true: the store's members a list filter picks",
    query: checkedRanges(
      z.strictObject({
        format: z.enum(['csv', 'xlsx']).default('csv'),
        filtered: z.enum(['true', 'false']).default('false'),
        ...memberFilterFields,
      }),
    ),
    handle: async ({ ctx, query, principal, res }) => {
      const { format, filtered, ...filter } = query;
      await exportMembers(ctx, format, res, actorOf(principal), filtered === 'true' ? filter : null);
    },
  }),
  route({
    method: 'post',
    path: '/api/members/import',
    permission: 'member.import',
    summary:
      'Import members from a CSV or XLSX body (dryRun=true reports, dryRun=false writes all or nothing)',
    query: z.strictObject({ dryRun: z.enum(['true', 'false']).default('true') }),
    handle: async ({ ctx, query, principal, req }) =>
      importMembers(ctx, await readUpload(req), query.dryRun === 'true', actorOf(principal)),
  }),
  route({
    method: 'get',
    path: '/api/members/count',
    permission: 'member.read',
    summary: 'How many active members the shop has (the admin dashboard), without reading any of them',
    handle: async ({ ctx }) => {
      const row = await ctx.storage.db
        .selectFrom('members')
        .select((eb) => eb.fn.countAll<number | string>().as('active'))
        .where('status', '=', 'active')
        .executeTakeFirst();
      return { active: Number(row?.active ?? 0) };
    },
  }),
  route({
    method: 'get',
    path: '/api/members/:id',
    permission: 'member.read',
    summary: 'One member with points, stored value, tier and benefits',
    params: memberParams,
    handle: async ({ ctx, params, principal, req }) => {
      const row = await memberRow(ctx.storage.db, params.id);
      const [view] = await viewOf(ctx, [row], await phonesVisible(ctx, principal, req, () => [row.id]));
      return view;
    },
  }),
  route({
    method: 'patch',
    path: '/api/members/:id',
    permission: 'member.manage',
    summary: 'Change a member profile (recorded in the change history)',
    params: memberParams,
    body: memberChangesBody,
    handle: async ({ ctx, params, body, principal, approver, req }) => {
      const row = await updateMember(ctx, params.id, body, actorOf(principal, approver));
      const [view] = await viewOf(ctx, [row], await phonesVisible(ctx, principal, req, () => [row.id]));
      return view;
    },
  }),
  route({
    method: 'get',
    path: '/api/members/:id/history',
    permission: 'member.read',
    summary: "A member's change history, newest first",
    params: memberParams,
    handle: async ({ ctx, params, principal, req }) => ({
      items: await memberHistory(ctx, params.id, await phonesVisible(ctx, principal, req, () => [params.id])),
    }),
  }),
  route({
    method: 'get',
    path: '/api/members/:id/ledger',
    permission: 'member.read',
    summary: "A member's points or stored-value ledger, newest first",
    params: memberParams,
    query: z.strictObject({
      kind: z.enum(['points', 'stored_value']),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handle: async ({ ctx, params, query }) => {
      await memberRow(ctx.storage.db, params.id);
      return { items: await memberLedger(ctx.storage.db, params.id, query.kind, query.limit) };
    },
  }),
  route({
    method: 'get',
    path: '/api/members/:id/tier-changes',
    permission: 'member.read',
    summary: "A member's tier ledger: every change with its reason",
    params: memberParams,
    handle: async ({ ctx, params }) => {
      await memberRow(ctx.storage.db, params.id);
      const rows = await ctx.storage.db
        .selectFrom('tier_changes')
        .leftJoin('tiers as f', 'f.id', 'tier_changes.from_tier_id')
        .innerJoin('tiers as t', 't.id', 'tier_changes.to_tier_id')
        .select([
          'tier_changes.at',
          'f.code as from',
          't.code as to',
          'tier_changes.reason',
          'tier_changes.detail',
        ])
        .where('tier_changes.member_id', '=', params.id)
        .orderBy('tier_changes.id', 'desc')
        .execute();
      return {
        items: rows.map((row) => ({ ...row, detail: JSON.parse(row.detail) as Record<string, unknown> })),
      };
    },
  }),
  route({
    method: 'post',
    path: '/api/members/:id/top-ups',
    permission: 'member.topup',
    summary: 'Top up stored value; the bonus comes from the top-up rules; idempotent by id',
    status: 201,
    params: memberParams,
    body: z.strictObject({
      id: requestId,
      amount: fen,
      method: z.enum(['cash', 'card', 'wechat', 'alipay']),
    }),
    handle: async ({ ctx, params, body, principal, approver, res }) =>
      answer(res, await topUp(ctx, params.id, body, actorOf(principal, approver))),
  }),
  route({
    method: 'post',
    path: '/api/members/:id/stored-value/payments',
    permission: 'stored_value.spend',
    summary: 'Pay from stored value outside a sale (principal first); PIN above the limit; idempotent by id',
    status: 201,
    params: memberParams,
    body: z.strictObject({
      id: requestId,
      amount: fen,
      pin: memberPin.optional(),
      note: z.string().max(200).optional(),
    }),
    handle: async ({ ctx, params, body, principal, approver, res }) =>
      answer(res, await payFromStoredValue(ctx, params.id, body, actorOf(principal, approver))),
  }),
  route({
    method: 'post',
    path: '/api/members/:id/stored-value/refunds',
    permission: 'stored_value.refund',
    summary: 'Refund unused principal (the bonus lapses in proportion); idempotent by id',
    status: 201,
    params: memberParams,
    body: z.strictObject({
      id: requestId,
      amount: fen,
      method: z.enum(['cash', 'card', 'wechat', 'alipay']),
      reason,
    }),
    handle: async ({ ctx, params, body, principal, approver, res }) => {
      await assertWithinStoreLimit(
        ctx.storage.db,
        principal,
        'storedValueRefund',
        body.amount,
        'body.amount',
      );
      return answer(res, await refundPrincipal(ctx, params.id, body, actorOf(principal, approver)));
    },
  }),
  route({
    method: 'post',
    path: '/api/members/:id/points/adjustments',
    permission: 'points.adjust',
    summary: "A manager's points adjustment with a reason; idempotent by id",
    status: 201,
    params: memberParams,
    body: z.strictObject({
      id: requestId,
      delta: z
        .number()
        .int('whole points')
        .refine((n) => n !== 0, 'not 0')
        .refine((n) => Math.abs(n) <= 10_000_000, 'too large'),
      reason,
    }),
    handle: async ({ ctx, params, body, principal, approver, res }) => {
      const actor = actorOf(principal, approver);
      await assertWithinStoreLimit(ctx.storage.db, principal, 'pointsAdjust', body.delta, 'body.delta');
      const key = { id: body.id, kind: 'points_adjustment', memberId: params.id, body };
      const outcome = await runAction(ctx, async (trx, outbox) => {
        const first = await replayed<{ id: string; delta: number; points: number }>(trx, key);
        if (first) return { replayed: true, result: first };
        const done = await adjustPoints(trx, ctx, outbox, {
          memberId: params.id,
          delta: body.delta,
          reason: body.reason,
          ref: { type: 'adjustment', id: body.id },
          actor,
        });
        const result = { id: body.id, delta: body.delta, points: done.balance };
        await remember(trx, ctx, key, result);
        await recordAudit(trx, ctx, {
          kind: 'points.adjusted',
          staffId: actor.staffId,
          approverId: actor.approverId ?? null,
          deviceId: actor.deviceId ?? null,
          subjectType: 'member',
          subjectId: params.id,
          detail: { adjustmentId: body.id, delta: body.delta, reason: body.reason },
        });
        return { replayed: false, result };
      });
      return answer(res, outcome);
    },
  }),
  route({
    method: 'get',
    path: '/api/members/:id/points/expiring',
    permission: 'member.read',
    summary: "A member's points that expire within the next N days (default 30)",
    params: memberParams,
    query: z.strictObject({ days: z.coerce.number().int().min(1).max(3650).default(30) }),
    handle: async ({ ctx, params, query }) => {
      await memberRow(ctx.storage.db, params.id);
      return { items: await pointsExpiringSoon(ctx.storage.db, ctx, params.id, query.days) };
    },
  }),
  route({
    method: 'get',
    path: '/api/members/:id/coupons',
    permission: 'member.read',
    summary: "A member's coupons (all=true: also used, voided and expired ones)",
    params: memberParams,
    query: z.strictObject({ all: z.enum(['true', 'false']).default('false') }),
    handle: async ({ ctx, params, query }) => {
      await memberRow(ctx.storage.db, params.id);
      return { items: await memberCoupons(ctx.storage.db, params.id, query.all === 'false', ctx.now()) };
    },
  }),
  route({
    method: 'put',
    path: '/api/members/:id/pin',
    permission: 'member.manage',
    summary: "Set or (pin: null) remove the member's PIN; replacing one needs oldPin or a manager's approval",
    params: memberParams,
    body: z.strictObject({ pin: memberPin.nullable(), oldPin: memberPin.optional() }),
    handle: ({ ctx, params, body, principal, req }) =>
      setMemberPin(ctx, params.id, body, {
        principal: principal as Principal,
        approval: approvalFrom(req),
      }),
  }),
  route({
    method: 'post',
    path: '/api/members/:id/merge',
    permission: 'member.merge',
    summary: 'Merge another member (sourceId) into this one: ledgers, history and coupons move along',
    params: memberParams,
    body: z.strictObject({ sourceId: z.string().min(1).max(64) }),
    handle: ({ ctx, params, body, principal, approver }) =>
      mergeMembers(ctx, params.id, body.sourceId, actorOf(principal, approver)),
  }),
  route({
    method: 'get',
    path: '/api/members/:id/privacy-export',
    permission: 'member.erase',
    summary: 'Everything held about one member (an access request)',
    params: memberParams,
    handle: ({ ctx, params, principal, approver }) =>
      exportMemberData(ctx, params.id, actorOf(principal, approver)),
  }),
  route({
    method: 'post',
    path: '/api/members/:id/erase',
    permission: 'member.erase',
    summary: 'Erase a member on request; sales stay under an anonymous member',
    params: memberParams,
    body: z.strictObject({ reason }),
    handle: async ({ ctx, params, body, principal, approver }) => {
      const row = await eraseMember(ctx, params.id, body.reason, actorOf(principal, approver));
      const [view] = await viewOf(ctx, [row], false);
      return view;
    },
  }),
  route({
    method: 'post',
    path: '/api/self/lookup',
    limit: 'memberPin',
    permission: 'member.self_lookup',
    summary: 'Lookup kiosk: a member finds themselves by member code, or phone + PIN',
    body: z.union([
      z.strictObject({ memberCode: z.string().regex(/^\d{16}$/, '16 digits') }),
      z.strictObject({ phone, pin: memberPin }),
    ]),
    handle: ({ ctx, body, principal }) => selfLookup(ctx, principal as DevicePrincipal, body),
  }),
  route({
    method: 'post',
    path: '/api/self/sign-up',
    permission: 'member.self_signup',
    summary: 'Lookup kiosk: self sign-up with consent to the membership terms',
    status: 201,
    body: newMemberBody
      .omit({ referrerId: true, notes: true, tags: true, styles: true })
      .extend({ acceptTerms: z.literal(true, 'the membership terms must be accepted') }),
    handle: async ({ ctx, body, principal }) => {
      const { acceptTerms: _accepted, ...member } = body;
      return selfSignUp(ctx, principal as DevicePrincipal, member);
    },
  }),
];
