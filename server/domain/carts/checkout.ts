import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { faultPoint } from '../../fault-point.js';
import type { CheckedOut } from '../../protocol/cart.js';
import type { EventPayloads } from '../../protocol/events.js';
import type { StaffPrincipal, StaffRole } from '../../protocol/roles.js';
import type { SaleResult } from '../../protocol/sales.js';
import type { Database } from '../../storage/schema.js';
import type { Approval } from '../sales/approvals.js';
import {
  logFailure,
  PriceChangedError,
  prepareSale,
  replaySale,
  saleHash,
  writeSale,
} from '../sales/complete.js';
import { paysCash, queueReceipt } from '../sales/receipt-print.js';
import type { PaymentInput, SaleInput } from '../sales/schemas.js';
import { getSale } from '../sales/views.js';
import {
  activeCart,
  assertCartAsRead,
  type CartRecord,
  cartOfSale,
  closeCart,
  terminalOf,
} from './service.js';
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
 * coupons and points, and the approver who allowed its overrides. One transaction: the sale,
 * the cart closed (an empty one takes over), the receipt queued; the events after commit.
 * Idempotent by `saleId`: a retry after the cart was already paid answers with that sale.
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
  const saleInput: SaleInput = {
    id: input.saleId,
    memberId: body.memberId ?? undefined,
    lines: body.lines,
    couponCodes: body.couponCodes,
    redeemPoints: body.redeemPoints,
    training: body.training,
    payments: input.payments,
    expectedTotal: input.expectedTotal,
    memberPin: input.memberPin,
  };
  const hash = saleHash(saleInput);
  const work = await prepareSale(
    ctx,
    staff,
    approval ?? (await cartApprover(ctx, cart.approverId)),
    saleInput,
    hash,
  );
  let outcome: { replayed: boolean; sale: SaleResult; next: CartRecord };
  try {
    outcome = await runAction(
      ctx,
      async (trx, outbox) => {
        // The same sale sent before through `POST /api/sales`: this cart is what it sold.
        const seen = await replaySale(trx, ctx, input.saleId, hash);
        if (seen) {
          const next = await closeCart(trx, ctx, staff, cart.id, seen.id);
          outbox.add('cart.completed', await completedEvent(trx, terminalId, seen));
          return { replayed: true, sale: seen, next };
        }
        await assertCartAsRead(trx, cart);
        const { sale, receipt } = await writeSale(trx, ctx, outbox, work);
        faultPoint('checkout.sale-written');
        const next = await closeCart(trx, ctx, staff, cart.id, sale.id);
        faultPoint('checkout.cart-closed');
        await queueReceipt(trx, ctx, outbox, {
          terminalId,
          document: receipt,
          jobId: sale.id,
          openDrawer: paysCash(input.payments),
        });
        faultPoint('checkout.print-queued');
        outbox.add('cart.completed', await completedEvent(trx, terminalId, sale));
        return { replayed: false, sale, next };
      },
      { name: 'checkout', isolation: 'row locks', shareCommit: true },
    );
  } catch (error) {
    await logFailure(ctx, staff, { type: 'sale', id: input.saleId }, error);
    // The customer display still shows the old total: show it the cart priced now.
    if (error instanceof PriceChangedError) await publishCart(ctx, cart);
    throw error;
  }
  return { replayed: outcome.replayed, sale: outcome.sale, cart: await publishCart(ctx, outcome.next) };
}

/** What the display shows once the cart is paid: the total, the change, the member's points. */
async function completedEvent(
  trx: Kysely<Database>,
  terminalId: string,
  sale: SaleResult,
): Promise<EventPayloads['cart.completed']> {
  const member = sale.member
    ? await trx.selectFrom('members').select('name').where('id', '=', sale.member.id).executeTakeFirst()
    : undefined;
  return {
    terminalId,
    saleId: sale.id,
    number: sale.number,
    total: sale.total,
    change: sale.change,
    pointsEarned: sale.pointsEarned,
    member: sale.member
      ? { name: member?.name ?? '', points: sale.member.points, tier: sale.member.tier.name }
      : null,
    training: sale.training,
  };
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
