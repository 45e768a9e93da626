import type { Response } from 'express';
import { z } from 'zod';
import { storeDay } from '../../dates.js';
import { route } from '../../http/route.js';
import { checkImage, readPhotoBody } from '../catalog/photos.js';
import { assertStaff } from '../staff/sessions.js';
import { approvalOf } from './approvals.js';
import { completeSale, PriceChangedError } from './complete.js';
import { EXCEPTION_KINDS, listExceptions } from './exceptions.js';
import { exchangeSale, receiptlessExchange } from './exchange.js';
import { businessDay } from './numbers.js';
import { previewBody, previewPromotion } from './preview.js';
import {
  archivePromotion,
  getPromotion,
  listPromotions,
  promotionBody,
  savePromotion,
} from './promotions.js';
import { promotionsThisWeek } from './promotions-this-week.js';
import { quoteSale } from './quote.js';
import { logoFromImage } from './receipt-logo.js';
import {
  receiptSettings,
  receiptSettingsBody,
  saveReceiptLogo,
  saveReceiptSettings,
} from './receipt-settings.js';
import { previewReturn } from './return-preview.js';

import { receiptlessReturn, returnSale } from './returns.js';
import {
  exchangeBody,
  id,
  quoteBody,
  receiptlessExchangeBody,
  receiptlessReturnBody,
  returnBody,
  saleBody,
  voidBody,
} from './schemas.js';
import { salesSettings, salesSettingsBody, saveSalesSettings } from './settings.js';
import { findSales, getReturn, getSale, saleReceipt } from './views.js';
import { voidSale } from './void.js';

/** A logo upload: a photo of a sign is fine, it is scaled down anyway. */
const LOGO_UPLOAD_BYTES = 2 * 1024 * 1024;

const idParams = z.object({ id });

/**
 * The answer to an idempotent sale, return or exchange: the route's status the first time, 200
 * for a resend answered from the first; a cart priced differently since the till showed it is
 * 409 with the new quote.
 */
async function answer<T>(res: Response, run: () => Promise<{ replayed: boolean; result: T }>) {
  try {
    const done = await run();
    if (!done.replayed) return done.result;
    res.status(200).json(done.result);
  } catch (error) {
    if (!(error instanceof PriceChangedError)) throw error;
    res.status(409).json({ error: error.toBody(), quote: error.quote });
  }
  return undefined;
}

export const salesRoutes = [
  route({
    method: 'post',
    path: '/api/sales/quote',
    permission: 'sale.create',
    summary: 'Price a sale as it would be completed now; nothing is stored',
    body: quoteBody,
    handle: ({ ctx, body }) => quoteSale(ctx, body),
  }),
  route({
    method: 'post',
    path: '/api/sales',
    permission: 'sale.create',
    summary:
      'Complete a sale (API.md): idempotent by the terminal id; 409 with the new quote when expectedTotal is out of date',
    status: 201,
    body: saleBody,
    handle: async ({ ctx, body, principal, req, res }) => {
      assertStaff(principal);
      return answer(res, async () => {
        const done = await completeSale(ctx, principal, approvalOf(req), body);
        return { replayed: done.replayed, result: done.sale };
      });
    },
  }),
  route({
    method: 'get',
    path: '/api/sales/settings',
    permission: 'sale.read',
    summary: 'The return window, the cashier discount limit and 抹零',
    handle: ({ ctx }) => salesSettings(ctx.storage.db, ctx),
  }),
  route({
    method: 'put',
    path: '/api/sales/settings',
    permission: 'promotion.manage',
    summary: 'Change the return window, the cashier discount limit and 抹零',
    body: salesSettingsBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveSalesSettings(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/sales/receipt-settings',
    permission: 'sale.read',
    summary: "The shop's address, phone, 退换须知 and footer as its receipts print them",
    handle: ({ ctx }) => receiptSettings(ctx.storage.db, ctx),
  }),
  route({
    method: 'put',
    path: '/api/sales/receipt-settings',
    permission: 'promotion.manage',
    summary: "Change the shop's address, phone, 退换须知 and footer on its receipts",
    body: receiptSettingsBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return saveReceiptSettings(ctx, body, principal.staffId);
    },
  }),
  route({
    method: 'put',
    path: '/api/sales/receipt-settings/logo',
    permission: 'promotion.manage',
    summary:
      'Put the shop logo on its receipts: a JPEG, PNG or WebP as the body, made 1-bit to fit 384 × 160 dots',
    handle: async ({ ctx, principal, req }) => {
      assertStaff(principal);
      const bytes = await readPhotoBody(req, LOGO_UPLOAD_BYTES);
      checkImage(req.get('content-type'), bytes);
      return saveReceiptLogo(ctx, await logoFromImage(bytes), principal.staffId);
    },
  }),
  route({
    method: 'delete',
    path: '/api/sales/receipt-settings/logo',
    permission: 'promotion.manage',
    summary: 'Take the logo off the receipts',
    handle: ({ ctx, principal }) => {
      assertStaff(principal);
      return saveReceiptLogo(ctx, null, principal.staffId);
    },
  }),
  route({
    method: 'get',
    path: '/api/sales',
    permission: 'sale.read',
    summary: 'Find sales by receipt number (typed or scanned), by member (history) or by day',
    query: z.strictObject({
      number: z.string().trim().min(1).max(40).optional(),
      memberId: id.optional(),
      /** `today`: the store's day now, as the server's clock reads it (a till's clock may be off). */
      day: z.union([z.literal('today'), storeDay()]).optional(),
      before: z.string().max(40).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    handle: ({ ctx, query }) =>
      findSales(ctx, { ...query, day: query.day === 'today' ? businessDay(ctx, ctx.now()) : query.day }),
  }),
  route({
    method: 'get',
    path: '/api/sales/:id',
    permission: 'sale.read',
    summary: 'One sale as first answered, with its status, what came back and its returns',
    params: idParams,
    handle: ({ ctx, params }) => getSale(ctx, params.id),
  }),
  route({
    method: 'get',
    path: '/api/sales/:id/receipt',
    permission: 'sale.read',
    summary: 'The receipt document stored with the sale (for a reprint)',
    params: idParams,
    handle: ({ ctx, params }) => saleReceipt(ctx, params.id),
  }),
  route({
    method: 'post',
    path: '/api/sales/:id/returns',
    permission: 'sale.create',
    summary: 'Take goods of a sale back (API.md); after the return window a manager approves',
    status: 201,
    params: idParams,
    body: returnBody,
    handle: async ({ ctx, params, body, principal, req, res }) => {
      assertStaff(principal);
      return answer(res, () => returnSale(ctx, principal, approvalOf(req), params.id, body));
    },
  }),
  route({
    method: 'post',
    path: '/api/sales/:id/returns/preview',
    permission: 'sale.create',
    summary:
      'What the return with this body would give back (lines, points, coupons, the refund per tender); nothing is kept',
    params: idParams,
    body: returnBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return previewReturn(ctx, principal, params.id, body);
    },
  }),
  route({
    method: 'post',
    path: '/api/sales/:id/exchanges',
    permission: 'sale.create',
    summary:
      'Exchange: a return of goods of this sale and a new sale in one transaction, the difference paid or refunded',
    status: 201,
    params: idParams,
    body: exchangeBody,
    handle: async ({ ctx, params, body, principal, req, res }) => {
      assertStaff(principal);
      return answer(res, () => exchangeSale(ctx, principal, approvalOf(req), params.id, body));
    },
  }),
  route({
    method: 'post',
    path: '/api/sales/:id/void',
    permission: 'sale.void',
    summary: "Void a sale of today (manager, or a cashier with a manager's approval): everything reversed",
    params: idParams,
    body: voidBody,
    handle: ({ ctx, params, body, principal, approver }) => {
      assertStaff(principal);
      return voidSale(ctx, principal, approver, params.id, body.reason);
    },
  }),
  route({
    method: 'post',
    path: '/api/returns',
    permission: 'sale.refund',
    summary: "A return without a receipt (manager, or a cashier with a manager's approval)",
    status: 201,
    body: receiptlessReturnBody,
    handle: async ({ ctx, body, principal, approver, res }) => {
      assertStaff(principal);
      return answer(res, () => receiptlessReturn(ctx, principal, approver, body));
    },
  }),
  route({
    method: 'post',
    path: '/api/exchanges',
    permission: 'sale.refund',
    summary:
      "An exchange without a receipt (manager, or a cashier with a manager's approval): goods back at today's price pay for a new sale in one transaction",
    status: 201,
    body: receiptlessExchangeBody,
    handle: async ({ ctx, body, principal, approver, res }) => {
      assertStaff(principal);
      return answer(res, () => receiptlessExchange(ctx, principal, approver, body));
    },
  }),
  route({
    method: 'get',
    path: '/api/returns/:id',
    permission: 'sale.read',
    summary: 'One return as first answered',
    params: idParams,
    handle: ({ ctx, params }) => getReturn(ctx, params.id),
  }),
  route({
    method: 'get',
    path: '/api/promotions',
    permission: 'sale.read',
    summary: 'Promotions (active ones; ?all=true also the paused; ?archived=true the ended ones)',
    query: z.strictObject({
      all: z.enum(['true', 'false']).optional(),
      archived: z.enum(['true', 'false']).optional(),
    }),
    handle: async ({ ctx, query }) => ({
      items: await listPromotions(ctx, query.all === 'true', query.archived === 'true'),
    }),
  }),
  route({
    method: 'post',
    path: '/api/promotions',
    permission: 'promotion.manage',
    summary: 'Create a promotion: percent_off, member_day, fixed_price, nth_item, bundle or spend_save',
    status: 201,
    body: promotionBody,
    handle: ({ ctx, body, principal }) => {
      assertStaff(principal);
      return savePromotion(ctx, null, body, principal);
    },
  }),
  route({
    method: 'post',
    path: '/api/promotions/preview',
    permission: 'promotion.manage',
    summary: 'Try a draft promotion on a cart: the cart priced before and after it, nothing stored',
    body: previewBody,
    handle: ({ ctx, body }) => previewPromotion(ctx, body),
  }),
  route({
    method: 'get',
    path: '/api/promotions/this-week',
    permission: 'promotion.showcase',
    summary: "This week's promotions at this store, as customers read them (the lookup kiosk's idle screen)",
    handle: ({ ctx }) => promotionsThisWeek(ctx),
  }),
  route({
    method: 'get',
    path: '/api/promotions/:id',
    permission: 'sale.read',
    summary: 'One promotion',
    params: idParams,
    handle: ({ ctx, params }) => getPromotion(ctx, params.id),
  }),
  route({
    method: 'put',
    path: '/api/promotions/:id',
    permission: 'promotion.manage',
    summary: 'Replace a promotion (active: false pauses it)',
    params: idParams,
    body: promotionBody,
    handle: ({ ctx, params, body, principal }) => {
      assertStaff(principal);
      return savePromotion(ctx, params.id, body, principal);
    },
  }),
  route({
    method: 'delete',
    path: '/api/promotions/:id',
    permission: 'promotion.manage',
    summary: 'End a promotion for good (sales keep its label)',
    params: idParams,
    handle: async ({ ctx, params, principal }) => {
      assertStaff(principal);
      await archivePromotion(ctx, params.id, principal);
    },
  }),
  route({
    method: 'get',
    path: '/api/exceptions',
    permission: 'exception.read',
    summary:
      'The checkout exception log: negative stock, prices changed mid-sale, failed payments; newest first',
    query: z.strictObject({
      kind: z.enum(EXCEPTION_KINDS).optional(),
      before: z.string().max(64).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    handle: ({ ctx, query }) => listExceptions(ctx, query),
  }),
];
