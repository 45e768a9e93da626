import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Principal } from '../../protocol/roles.js';
import { command } from '../../ws/command.js';
import { checkSaleApprovals } from '../sales/complete.js';
import { id, paymentInput, saleLineInput } from '../sales/schemas.js';
import { assertStaff } from '../staff/sessions.js';
import { checkoutCart } from './checkout.js';
import {
  activeCart,
  type CartBody,
  type CartLineDraft,
  changeCart,
  clearCart,
  heldCarts,
  holdCart,
  recallCart,
  resolveSku,
  terminalOf,
} from './service.js';
import { publishCart, viewCart } from './view.js';

const qty = saleLineInput.shape.qty;
const lineId = z.string().min(1).max(64);

function findLine(body: CartBody, wanted: string): CartLineDraft {
  const line = body.lines.find((candidate) => candidate.lineId === wanted);
  if (!line) throw new ApiError('not_found', 'No such line in the cart.', { lineId: 'unknown' });
  return line;
}

/** The terminal whose cart a principal sees: the one a staff member is signed in on, or a display's. */
function cartTerminal(principal: Principal): string {
  if (principal.kind === 'staff') return terminalOf(principal);
  if (principal.deviceKind === 'display' && principal.terminalId) return principal.terminalId;
  throw new ApiError('business_rule', 'This device shows no cart: pair it to a checkout terminal.');
}

/** The terminal's cart, over WebSocket: every change answers with the priced cart and tells the display. */
export const cartsCommands = [
  command({
    type: 'cart/get',
    permission: 'cart.view',
    summary: "This terminal's cart in progress, priced",
    params: z.strictObject({}),
    handle: async ({ ctx, principal }) => viewCart(ctx, await activeCart(ctx, cartTerminal(principal))),
  }),
  command({
    type: 'cart/add',
    permission: 'sale.create',
    summary: 'Add a SKU by barcode or id; the same SKU again adds to its line',
    params: z
      .strictObject({
        barcode: z.string().trim().min(1).max(64).optional(),
        skuId: id.optional(),
        qty: qty.default(1),
      })
      .refine((p) => (p.barcode === undefined) !== (p.skuId === undefined), {
        message: 'give either barcode or skuId',
        path: ['barcode'],
      }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      const skuId = await resolveSku(ctx, params);
      const cart = await changeCart(ctx, principal, (body) => {
        const same = body.lines.find(
          (l) => l.skuId === skuId && l.priceOverride === undefined && !l.discount,
        );
        const lines = same
          ? body.lines.map((l) => (l === same ? { ...l, qty: l.qty + params.qty } : l))
          : [...body.lines, { lineId: newId(), skuId, qty: params.qty }];
        if (lines.some((l) => l.qty > 9999)) {
          throw new ApiError('validation_failed', 'At most 9999 of one item.', { qty: 'at most 9999' });
        }
        return { ...body, lines };
      });
      return publishCart(ctx, cart);
    },
  }),
  command({
    type: 'cart/set_qty',
    permission: 'sale.create',
    summary: "Change a line's quantity",
    params: z.strictObject({ lineId, qty }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      const cart = await changeCart(ctx, principal, (body) => {
        findLine(body, params.lineId);
        return {
          ...body,
          lines: body.lines.map((l) => (l.lineId === params.lineId ? { ...l, qty: params.qty } : l)),
        };
      });
      return publishCart(ctx, cart);
    },
  }),
  command({
    type: 'cart/remove',
    permission: 'sale.create',
    summary: 'Remove a line',
    params: z.strictObject({ lineId }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      const cart = await changeCart(ctx, principal, (body) => {
        findLine(body, params.lineId);
        return { ...body, lines: body.lines.filter((l) => l.lineId !== params.lineId) };
      });
      return publishCart(ctx, cart);
    },
  }),
  command({
    type: 'cart/price',
    permission: 'sale.create',
    summary:
      "Override a line's unit price or give a line discount (beyond the cashier limit with a manager's approval)",
    params: z.strictObject({
      lineId,
      priceOverride: saleLineInput.shape.priceOverride.nullable(),
      discount: saleLineInput.shape.discount.nullable(),
    }),
    handle: async ({ ctx, principal, approval, params }) => {
      assertStaff(principal);
      const current = findLine((await activeCart(ctx, terminalOf(principal))).body, params.lineId);
      const changed = {
        ...current,
        priceOverride: params.priceOverride ?? undefined,
        discount: params.discount ?? undefined,
      };
      const { lineId: _line, ...saleLine } = changed;
      const { approver } = await checkSaleApprovals(ctx, principal, approval ?? null, [saleLine], 'line');
      const cart = await changeCart(
        ctx,
        principal,
        (body) => {
          findLine(body, params.lineId);
          return { ...body, lines: body.lines.map((l) => (l.lineId === params.lineId ? changed : l)) };
        },
        approver?.staffId,
      );
      return publishCart(ctx, cart);
    },
  }),
  command({
    type: 'cart/member',
    permission: 'sale.create',
    summary: 'Attach a member to the cart, or detach with null',
    params: z.strictObject({ memberId: id.nullable() }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      if (params.memberId) {
        const member = await ctx.storage.db
          .selectFrom('members')
          .select(['id', 'status'])
          .where('id', '=', params.memberId)
          .executeTakeFirst();
        if (member?.status !== 'active')
          throw new ApiError('not_found', 'No such member.', { memberId: 'unknown' });
      }
      const cart = await changeCart(ctx, principal, (body) => ({
        ...body,
        memberId: params.memberId,
        ...(params.memberId === null && { couponCodes: [], redeemPoints: 0 }),
      }));
      return publishCart(ctx, cart);
    },
  }),
  command({
    type: 'cart/coupons',
    permission: 'sale.create',
    summary: "Set the coupon codes to apply (the cart's price says which apply)",
    params: z.strictObject({ couponCodes: z.array(z.string().trim().min(1).max(32)).max(5) }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      return publishCart(
        ctx,
        await changeCart(ctx, principal, (body) => ({ ...body, couponCodes: params.couponCodes })),
      );
    },
  }),
  command({
    type: 'cart/points',
    permission: 'sale.create',
    summary: "Use this many of the member's points as money",
    params: z.strictObject({ redeemPoints: z.number().int().min(0).max(100_000_000) }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      const cart = await changeCart(ctx, principal, (body) => {
        if (params.redeemPoints > 0 && !body.memberId) {
          throw new ApiError('business_rule', 'Attach the member first.', { redeemPoints: 'needs a member' });
        }
        return { ...body, redeemPoints: params.redeemPoints };
      });
      return publishCart(ctx, cart);
    },
  }),
  command({
    type: 'cart/training',
    permission: 'sale.create',
    summary: 'Switch training mode for this terminal (only on an empty cart)',
    params: z.strictObject({ on: z.boolean() }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      const cart = await changeCart(ctx, principal, (body) => {
        if (body.lines.length > 0 && body.training !== params.on) {
          throw new ApiError('business_rule', 'Finish or clear the cart before switching training mode.', {
            on: 'cart not empty',
          });
        }
        return { ...body, training: params.on };
      });
      return publishCart(ctx, cart);
    },
  }),
  command({
    type: 'cart/clear',
    permission: 'sale.create',
    summary: 'Empty the cart',
    params: z.strictObject({}),
    handle: async ({ ctx, principal }) => {
      assertStaff(principal);
      return publishCart(ctx, await clearCart(ctx, principal));
    },
  }),
  command({
    type: 'cart/hold',
    permission: 'sale.create',
    summary: '挂单: park the cart under a label and start an empty one',
    params: z.strictObject({ label: z.string().trim().min(1).max(40).optional() }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      return publishCart(ctx, await holdCart(ctx, principal, params.label ?? null));
    },
  }),
  command({
    type: 'cart/held',
    permission: 'sale.create',
    summary: "This terminal's held carts, priced",
    params: z.strictObject({}),
    handle: async ({ ctx, principal }) => {
      assertStaff(principal);
      const held = await heldCarts(ctx, terminalOf(principal));
      return { items: await Promise.all(held.map((cart) => viewCart(ctx, cart))) };
    },
  }),
  command({
    type: 'cart/recall',
    permission: 'sale.create',
    summary: '取单: bring a held cart back (a cart in progress is held in its place)',
    params: z.strictObject({ cartId: id }),
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      return publishCart(ctx, await recallCart(ctx, principal, params.cartId));
    },
  }),
  command({
    type: 'cart/checkout',
    permission: 'sale.create',
    summary: 'Pay the cart: completes the sale (idempotent by saleId) and starts an empty cart',
    params: z.strictObject({
      saleId: z.uuid(),
      payments: z.array(paymentInput).min(1).max(10),
      expectedTotal: z.number().int().min(0).optional(),
      memberPin: z
        .string()
        .regex(/^\d{4,6}$/, '4–6 digits')
        .optional(),
    }),
    handle: async ({ ctx, principal, approval, params }) => {
      assertStaff(principal);
      return checkoutCart(ctx, principal, approval ?? null, params);
    },
  }),
];
