import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { CheckedOut } from '../../protocol/cart.js';
import type { StaffPrincipal, StaffRole } from '../../protocol/roles.js';
import type { Approval } from '../sales/approvals.js';
import { completeSale } from '../sales/complete.js';
import type { PaymentInput } from '../sales/schemas.js';
import { getSale } from '../sales/views.js';
import { activeCart, cartOfSale, closeCart, terminalOf } from './service.js';
import { publishCart } from './view.js';

export interface CheckoutInput {
  /** The terminal's UUID for this sale, made before the first attempt. */
  saleId: string;
  payments: PaymentInput[];
  expectedTotal?: number | undefined;
  memberPin?: string | undefined;
}

/**
 * Pays the terminal's cart: it becomes `POST /api/sales` with the cart's lines, member,
 * coupons and points, and the approver who allowed its overrides. Idempotent by `saleId`:
 * a retry after the cart was already paid answers with that sale.
 */
export async function checkoutCart(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  input: CheckoutInput,
): Promise<CheckedOut> {
  const terminalId = terminalOf(staff);
  const paid = await cartOfSale(ctx, input.saleId);
  if (paid) {
    const sale = await getSale(ctx, input.saleId);
    return { replayed: true, sale, cart: await publishCart(ctx, await activeCart(ctx, terminalId)) };
  }
  const cart = await activeCart(ctx, terminalId);
  const { body } = cart;
  if (body.lines.length === 0) {
    throw new ApiError('business_rule', 'The cart is empty.', { lines: 'empty' });
  }
  const completed = await completeSale(ctx, staff, approval ?? (await cartApprover(ctx, cart.approverId)), {
    id: input.saleId,
    memberId: body.memberId ?? undefined,
    lines: body.lines.map(({ lineId: _lineId, ...line }) => line),
    couponCodes: body.couponCodes,
    redeemPoints: body.redeemPoints,
    training: body.training,
    payments: input.payments,
    expectedTotal: input.expectedTotal,
    memberPin: input.memberPin,
  });
  const next = await closeCart(ctx, staff, cart.id, completed.sale.id);
  const { sale } = completed;
  ctx.bus.publish('cart.completed', ctx.store.id, {
    terminalId,
    saleId: sale.id,
    number: sale.number,
    total: sale.total,
    change: sale.change,
    pointsEarned: sale.pointsEarned,
    member: sale.member
      ? {
          name: await memberName(ctx, sale.member.id),
          points: sale.member.points,
          tier: sale.member.tier.name,
        }
      : null,
    training: sale.training,
  });
  return { replayed: completed.replayed, sale, cart: await publishCart(ctx, next) };
}

/** The colleague who approved this cart's overrides, as an approver the sale accepts. */
async function cartApprover(ctx: AppContext, approverId: string | null): Promise<Approval> {
  if (!approverId) return null;
  const row = await ctx.storage.db
    .selectFrom('staff')
    .select(['id', 'name', 'role', 'active'])
    .where('id', '=', approverId)
    .executeTakeFirst();
  return row?.active ? { staffId: row.id, name: row.name, role: row.role as StaffRole } : null;
}

async function memberName(ctx: AppContext, memberId: string): Promise<string> {
  const row = await ctx.storage.db
    .selectFrom('members')
    .select('name')
    .where('id', '=', memberId)
    .executeTakeFirst();
  return row?.name ?? '';
}
