import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { runAction } from '../../events/action.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { SaleResult, SaleView } from '../../protocol/sales.js';
import { recordAudit } from '../audit/service.js';
import { moveStock } from '../inventory/ledger.js';
import { releaseCoupon } from '../loyalty/coupons.js';
import { giveBackPoints, takeBackPoints } from '../loyalty/points.js';
import { recordVoid } from '../loyalty/purchases.js';
import { takeBackReferral } from '../loyalty/referrals.js';
import { returnStoredValue } from '../loyalty/stored-value.js';
import { queueVoidRefunds, sendRefundsOf, voidRefundNo } from '../payments/refunds.js';
import type { Approver } from '../staff/approval.js';
import { businessDay } from './numbers.js';
import { getSale } from './views.js';

/**
 * Voids a sale of the same store day (until shifts exist, the same local calendar day) with
 * `sale.void` (a manager, or a manager's PIN): stock back, points earned taken back, points
 * redeemed given back, stored value back, coupons back, spend and the visit taken off; audited. A sale with
 * returns, or whose earned points the member already spent, takes a return instead.
 */
export async function voidSale(
  ctx: AppContext,
  staff: StaffPrincipal,
  approver: Approver | null,
  saleId: string,
  reason: string,
): Promise<SaleView> {
  await runAction(ctx, async (trx, outbox) => {
    const sale = await trx
      .selectFrom('sales')
      .selectAll()
      .where('id', '=', saleId)
      .where('store_id', '=', ctx.store.id)
      .executeTakeFirst();
    if (!sale) throw notFound('sale', saleId);
    if (sale.status === 'voided')
      throw new ApiError('conflict', `Sale ${sale.number} is already voided.`, { saleId: 'already voided' });
    if (sale.business_day !== businessDay(ctx, ctx.now())) {
      throw new ApiError(
        'business_rule',
        `Sale ${sale.number} is from ${sale.business_day}; only today's sales can be voided. Take the goods back as a return.`,
        {
          saleId: 'not today',
        },
      );
    }
    if (sale.exchange_of) {
      throw new ApiError(
        'business_rule',
        `Sale ${sale.number} settled an exchange; take the goods back as a return.`,
        {
          saleId: 'part of an exchange',
        },
      );
    }
    if (sale.device_id) {
      // A sale rung up during a shift can be voided only while that shift is still open.
      const shift = await trx
        .selectFrom('shifts')
        .select(['status'])
        .where('terminal_id', '=', sale.device_id)
        .where('opened_at', '<=', sale.at)
        .where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', sale.at)]))
        .executeTakeFirst();
      if (shift?.status === 'closed') {
        throw new ApiError(
          'business_rule',
          `The shift of sale ${sale.number} is closed; take the goods back as a return.`,
          {
            saleId: 'shift closed',
          },
        );
      }
    }
    const returned = await trx
      .selectFrom('returns')
      .select('id')
      .where('sale_id', '=', saleId)
      .executeTakeFirst();
    if (returned)
      throw new ApiError('conflict', `Goods of sale ${sale.number} came back already; it cannot be voided.`, {
        saleId: 'has returns',
      });
    const ref = { type: 'void', id: saleId };
    const saleRef = { type: 'sale', id: saleId };
    if (sale.training === 0) {
      const lines = await trx
        .selectFrom('sale_lines')
        .select(['sku_id', 'qty'])
        .where('sale_id', '=', saleId)
        .orderBy('line_no')
        .execute();
      for (const line of lines) {
        await moveStock(
          trx,
          ctx,
          {
            skuId: line.sku_id,
            delta: line.qty,
            kind: 'return',
            reason: 'void',
            ref,
            staffId: staff.staffId,
          },
          outbox,
        );
      }
      if (sale.member_id) {
        const result = JSON.parse(sale.result) as SaleResult;
        if (sale.points_earned > 0) {
          const back = await takeBackPoints(trx, ctx, outbox, {
            memberId: sale.member_id,
            points: sale.points_earned,
            ref,
            staffId: staff.staffId,
          });
          if (back.shortfall > 0) {
            throw new ApiError(
              'conflict',
              'The member already spent points earned on this sale; take the goods back as a return instead.',
              {
                saleId: 'points already spent',
              },
            );
          }
        }
        if (sale.points_redeemed > 0) {
          await giveBackPoints(trx, ctx, outbox, {
            memberId: sale.member_id,
            points: sale.points_redeemed,
            saleRef,
            returnId: `void-${saleId}`,
            staffId: staff.staffId,
          });
        }
        const stored = await trx
          .selectFrom('sale_payments')
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('amount'))
          .where('sale_id', '=', saleId)
          .where('method', '=', 'stored_value')
          .executeTakeFirstOrThrow();
        if (Number(stored.amount) > 0) {
          await returnStoredValue(trx, ctx, outbox, {
            memberId: sale.member_id,
            amount: Number(stored.amount),
            saleRef,
            ref,
            actor: {
              staffId: staff.staffId,
              approverId: approver?.staffId ?? null,
              deviceId: staff.deviceId,
            },
          });
        }
        for (const code of result.coupons) await releaseCoupon(trx, outbox, { code, ref: saleRef });
        // Reward points the newcomer spent already are only written off: a void refunds nothing to keep them from.
        await takeBackReferral(trx, ctx, outbox, { saleId, ref, staffId: staff.staffId });
        await recordVoid(trx, ctx, { memberId: sale.member_id, amount: sale.total, ref });
      }
    }
    if (sale.training === 0) await queueVoidRefunds(trx, ctx, saleId);
    const at = ctx.now().toISOString();
    await trx
      .updateTable('sales')
      .set({
        status: 'voided',
        voided_at: at,
        voided_by: staff.staffId,
        void_approver_id: approver?.staffId ?? null,
        void_reason: reason,
      })
      .where('id', '=', saleId)
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'sale.voided',
      staffId: staff.staffId,
      approverId: approver?.staffId ?? null,
      deviceId: staff.deviceId,
      subjectType: 'sale',
      subjectId: saleId,
      detail: { number: sale.number, total: sale.total, reason },
    });
    outbox.add('sale.voided', { saleId, number: sale.number, terminalId: staff.deviceId });
  });
  // Mobile payments go back through their providers after commit (a crash: the follow-up sends them).
  await sendRefundsOf(ctx, voidRefundNo(saleId));
  return getSale(ctx, saleId);
}
