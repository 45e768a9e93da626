import { z } from 'zod';
import { route } from '../../http/route.js';
import { flag } from '../catalog/schemas.js';
import { memberParams } from '../members/schemas.js';
import { actorOf } from './actor.js';
import {
  adjustGiftStock,
  checkGiftStock,
  createGift,
  getGift,
  giftStockMovements,
  listGifts,
  memberGiftRedemptions,
  redeemGift,
  returnGiftRedemption,
  updateGift,
} from './gifts.js';

const giftParams = z.object({ id: z.string().min(1).max(64) });
const name = z.string().trim().min(1, 'required').max(40, 'at most 40 characters');
const description = z.string().trim().max(200, 'at most 200 characters');
const points = z.number().int('whole points').positive('more than 0').max(10_000_000, 'at most 10,000,000');
const quantity = z.number().int('a whole number').min(0, 'not negative').max(100_000, 'at most 100,000');
const reason = z.string().trim().min(1, 'required').max(200, 'at most 200 characters');

export const giftRoutes = [
  route({
    method: 'get',
    path: '/api/gifts',
    permission: 'member.read',
    summary: 'The redemption catalogue: gifts with their points price and stock',
    query: z.strictObject({ active: flag.optional() }),
    handle: async ({ ctx, query }) => ({ items: await listGifts(ctx.storage.db, ctx, query) }),
  }),
  route({
    method: 'post',
    path: '/api/gifts',
    permission: 'gift.manage',
    summary: 'Add a gift to the redemption catalogue (opening stock booked on its stock ledger)',
    status: 201,
    body: z.strictObject({
      name,
      description: description.optional(),
      points,
      stock: quantity.optional(),
      active: z.boolean().optional(),
    }),
    handle: ({ ctx, body, principal, approver }) => createGift(ctx, body, actorOf(principal, approver)),
  }),
  route({
    method: 'get',
    path: '/api/gifts/check',
    permission: 'loyalty.report',
    summary: "Every gift's cached stock against the sum of its stock ledger",
    handle: ({ ctx }) => checkGiftStock(ctx.storage.db),
  }),
  route({
    method: 'get',
    path: '/api/gifts/:id',
    permission: 'member.read',
    summary: 'One gift',
    params: giftParams,
    handle: ({ ctx, params }) => getGift(ctx, params.id),
  }),
  route({
    method: 'patch',
    path: '/api/gifts/:id',
    permission: 'gift.manage',
    summary: 'Rename, reprice, describe, activate or deactivate a gift',
    params: giftParams,
    body: z
      .strictObject({
        name: name.optional(),
        description: description.nullable().optional(),
        points: points.optional(),
        active: z.boolean().optional(),
      })
      .refine((body) => Object.keys(body).length > 0, 'nothing to change'),
    handle: ({ ctx, params, body, principal, approver }) =>
      updateGift(ctx, params.id, body, actorOf(principal, approver)),
  }),
  route({
    method: 'post',
    path: '/api/gifts/:id/stock',
    permission: 'gift.manage',
    summary: 'Book gifts received (delta > 0) or written off (delta < 0, never below zero)',
    params: giftParams,
    body: z.strictObject({
      delta: z
        .number()
        .int('a whole number')
        .min(-100_000)
        .max(100_000)
        .refine((delta) => delta !== 0, 'not 0'),
      note: description.optional(),
    }),
    handle: ({ ctx, params, body, principal, approver }) =>
      adjustGiftStock(ctx, params.id, body, actorOf(principal, approver)),
  }),
  route({
    method: 'get',
    path: '/api/gifts/:id/stock',
    permission: 'gift.manage',
    summary: "A gift's stock ledger, newest first",
    params: giftParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    handle: async ({ ctx, params, query }) => ({
      items: await giftStockMovements(ctx, params.id, query.limit),
    }),
  }),
  route({
    method: 'post',
    path: '/api/members/:id/gift-redemptions',
    permission: 'gift.redeem',
    summary: "Redeem a member's points for a gift (soonest-expiring points first); idempotent by id",
    status: 201,
    params: memberParams,
    body: z.strictObject({
      id: z.string().min(1, 'required').max(64, 'at most 64 characters'),
      giftId: z.string().min(1, 'required').max(64),
      qty: z.number().int('a whole number').min(1, 'at least 1').max(100, 'at most 100').default(1),
    }),
    handle: async ({ ctx, params, body, principal, approver, res }) => {
      const outcome = await redeemGift(ctx, params.id, body, actorOf(principal, approver));
      if (!outcome.replayed) return outcome.result;
      res.status(200).json(outcome.result);
      return undefined;
    },
  }),
  route({
    method: 'get',
    path: '/api/members/:id/gift-redemptions',
    permission: 'member.read',
    summary: "A member's gift redemptions, newest first",
    params: memberParams,
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
    handle: async ({ ctx, params, query }) => ({
      items: await memberGiftRedemptions(ctx, params.id, query.limit),
    }),
  }),
  route({
    method: 'post',
    path: '/api/gift-redemptions/:id/return',
    permission: 'gift.return',
    summary: 'Take a redeemed gift back: points and stock return (once)',
    params: giftParams,
    body: z.strictObject({ reason }),
    handle: ({ ctx, params, body, principal, approver }) =>
      returnGiftRedemption(ctx, params.id, body.reason, actorOf(principal, approver)),
  }),
];
