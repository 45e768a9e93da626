import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { CartView } from '../../protocol/cart.js';
import { quoteSale } from '../sales/quote.js';
import type { CartRecord } from './service.js';

/** The cart with its price now. A cart that cannot be priced says why instead of failing. */
export async function viewCart(ctx: AppContext, cart: CartRecord): Promise<CartView> {
  const { body } = cart;
  let quote: CartView['quote'] = null;
  let problem: CartView['problem'] = null;
  if (body.lines.length > 0) {
    try {
      quote = await quoteSale(ctx, {
        memberId: body.memberId ?? undefined,
        lines: body.lines,
        couponCodes: body.couponCodes,
        redeemPoints: body.redeemPoints,
        training: body.training,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      problem = error.toBody();
    }
  }
  return {
    id: cart.id,
    terminalId: cart.terminalId,
    status: cart.status,
    label: cart.label,
    lines: body.lines,
    memberId: body.memberId,
    couponCodes: body.couponCodes,
    redeemPoints: body.redeemPoints,
    training: body.training,
    quote,
    problem,
    updatedAt: cart.updatedAt,
  };
}

/** Prices the cart and tells the terminal and its display. */
export async function publishCart(ctx: AppContext, cart: CartRecord): Promise<CartView> {
  const view = await viewCart(ctx, cart);
  ctx.bus.publish('cart.changed', ctx.store.id, { terminalId: cart.terminalId, cart: view });
  return view;
}
