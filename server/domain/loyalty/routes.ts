import { z } from 'zod';
import { instant } from '../../dates.js';
import { route } from '../../http/route.js';
import type { LoyaltySettingsView } from '../../protocol/loyalty.js';
import { assertStaff } from '../staff/sessions.js';
import { actorOf } from './actor.js';
import { checkLedgers } from './check.js';
import {
  couponTemplateBody,
  getCoupon,
  issueBody,
  issueCoupons,
  listCouponTemplates,
  saveCouponTemplate,
  voidCoupon,
} from './coupons.js';
import { giftRoutes } from './gift-routes.js';
import { LOYALTY_JOBS, runLoyaltyJob } from './jobs.js';
import { loadSettings, SETTING_KEYS, saveSetting } from './settings.js';
import { storedValueLiability } from './stored-value.js';
import { saveTier, tierBody, tierCode, tierView } from './tier-settings.js';
import { loadTiers } from './tiers.js';

const couponCode = z.object({ code: z.string().regex(/^[A-Za-z0-9]{4,20}$/, '4–20 letters and digits') });

export const loyaltyRoutes = [
  route({
    method: 'get',
    path: '/api/loyalty/settings',
    permission: 'member.read',
    summary: 'Tiers with their benefits, earn, expiry, redemption, top-up bonus and review rules',
    handle: async ({ ctx }): Promise<LoyaltySettingsView> => ({
      settings: await loadSettings(ctx.storage.db),
      tiers: (await loadTiers(ctx.storage.db)).map(tierView),
    }),
  }),
  route({
    method: 'put',
    path: '/api/loyalty/settings/:key',
    permission: 'loyalty.settings',
    summary:
      'Replace one loyalty setting (earn, expiry, redeem, topUpBonus, storedValue, tierReview, storeLimits)',
    params: z.object({ key: z.enum(SETTING_KEYS as [string, ...string[]]) }),
    body: z.unknown(),
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return saveSetting(ctx, params.key as (typeof SETTING_KEYS)[number], body, principal.staffId);
    },
  }),
  route({
    method: 'put',
    path: '/api/loyalty/tiers/:code',
    permission: 'loyalty.settings',
    summary: 'Create or change a tier: its lines and benefits',
    params: tierCode,
    body: tierBody,
    handle: async ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return { tiers: await saveTier(ctx, params.code, body, principal.staffId) };
    },
  }),
  route({
    method: 'post',
    path: '/api/loyalty/jobs/:job',
    permission: 'loyalty.settings',
    summary: 'Run a loyalty job now: expire-points, tier-review or birthday-coupons',
    params: z.object({ job: z.enum(LOYALTY_JOBS) }),
    handle: ({ ctx, params, principal }) => runLoyaltyJob(ctx, params.job, actorOf(principal).staffId),
  }),
  route({
    method: 'get',
    path: '/api/loyalty/points/expiring',
    permission: 'loyalty.report',
    summary: 'Points that expire within the next N days, per member, soonest first',
    query: z.strictObject({
      days: z.coerce.number().int().min(1).max(3650).default(30),
      limit: z.coerce.number().int().min(1).max(1000).default(200),
    }),
    handle: async ({ ctx, query }) => {
      const now = ctx.now();
      const until = new Date(now.getTime() + query.days * 86_400_000).toISOString();
      const rows = await ctx.storage.db
        .selectFrom('points_lots')
        .innerJoin('members', 'members.id', 'points_lots.member_id')
        .select((eb) => [
          'members.id as memberId',
          'members.number',
          'members.name',
          eb.fn.sum<number>('points_lots.remaining').as('points'),
          eb.fn.min<string>('points_lots.expires_at').as('firstExpiresAt'),
        ])
        .where('points_lots.remaining', '>', 0)
        .where('points_lots.expires_at', '>', now.toISOString())
        .where('points_lots.expires_at', '<=', until)
        .groupBy('members.id')
        .orderBy('firstExpiresAt')
        .limit(query.limit)
        .execute();
      return { until, items: rows.map((row) => ({ ...row, points: Number(row.points) })) };
    },
  }),
  route({
    method: 'get',
    path: '/api/loyalty/stored-value/liability',
    permission: 'loyalty.report',
    summary: 'Stored value still owed to members (principal and bonus) at a date, from the ledger',
    query: z.strictObject({ at: instant().optional() }),
    handle: ({ ctx, query }) =>
      storedValueLiability(
        ctx.storage.db,
        query.at ? new Date(query.at).toISOString() : ctx.now().toISOString(),
      ),
  }),
  route({
    method: 'get',
    path: '/api/loyalty/ledger-check',
    permission: 'loyalty.report',
    summary: 'Rebuild every cached balance from its ledger and list disagreements',
    handle: ({ ctx }) => checkLedgers(ctx.storage.db, ctx.now()),
  }),
  route({
    method: 'get',
    path: '/api/coupon-templates',
    permission: 'coupon.manage',
    summary: 'Coupon templates',
    handle: async ({ ctx }) => ({ items: await listCouponTemplates(ctx.storage.db) }),
  }),
  route({
    method: 'post',
    path: '/api/coupon-templates',
    permission: 'coupon.manage',
    summary: 'Create a coupon template (amount or percent, minimum spend, validity, trigger)',
    status: 201,
    body: couponTemplateBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveCouponTemplate(ctx, null, body, principal.staffId);
    },
  }),
  route({
    method: 'put',
    path: '/api/coupon-templates/:id',
    permission: 'coupon.manage',
    summary: 'Change a coupon template (coupons already issued keep their dates)',
    params: z.object({ id: z.string().min(1).max(64) }),
    body: couponTemplateBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return saveCouponTemplate(ctx, params.id, body, principal.staffId);
    },
  }),
  route({
    method: 'post',
    path: '/api/coupons/issue',
    permission: 'coupon.manage',
    summary: 'Issue coupons by hand to members or to a segment (tier, tag)',
    status: 201,
    body: issueBody,
    handle: ({ ctx, body, principal, approver }) => issueCoupons(ctx, body, actorOf(principal, approver)),
  }),
  route({
    method: 'get',
    path: '/api/coupons/:code',
    permission: 'member.read',
    summary: 'One coupon by its code',
    params: couponCode,
    handle: ({ ctx, params }) => getCoupon(ctx.storage.db, params.code),
  }),
  route({
    method: 'post',
    path: '/api/coupons/:code/void',
    permission: 'coupon.manage',
    summary: 'Void an unused coupon with a reason',
    params: couponCode,
    body: z.strictObject({ reason: z.string().trim().min(1).max(200) }),
    handle: ({ ctx, params, body, principal, approver }) =>
      voidCoupon(ctx, params.code, body.reason, actorOf(principal, approver)),
  }),
  ...giftRoutes,
];
