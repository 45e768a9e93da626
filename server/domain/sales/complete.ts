import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { Outbox } from '../../events/outbox.js';
import type { Quote } from '../../protocol/quote.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { Completed, SaleResult } from '../../protocol/sales.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { queuePrint } from '../devices/printing.js';
import { moveStock } from '../inventory/ledger.js';
import { redeemCoupon } from '../loyalty/coupons.js';
import { earnPoints, redeemPoints } from '../loyalty/points.js';
import { recordPurchase } from '../loyalty/purchases.js';
import type { Tender } from '../loyalty/settings.js';
import { type PinProof, spendStoredValue } from '../loyalty/stored-value.js';
import { verifyMemberPin } from '../members/pin.js';
import type { Approver } from '../staff/approval.js';
import { type Approval, approvalFor } from './approvals.js';
import { recordException, recordExceptionApart } from './exceptions.js';
import { requestHash, reusedId } from './idempotency.js';
import { businessDay, nextNumber } from './numbers.js';
import { type PricedCart, priceRequest, skusForLines } from './quote.js';
import { buildReceipt } from './receipt.js';
import type { SaleInput, SaleLineInput } from './schemas.js';
import { salesSettings } from './settings.js';

/** 409 when the terminal's `expectedTotal` is not the total at commit; carries the new quote. */
export class PriceChangedError extends ApiError {
  constructor(readonly quote: Quote) {
    super(
      'conflict',
      `The price changed: the sale now comes to ${quote.total} fen. Show the new total and send again.`,
      { expectedTotal: `now ${quote.total}` },
      undefined,
      { quote },
    );
  }
}

/** Errors of a payment step: the sale rolled back and the exception log says so. */
const paymentFailures = new WeakSet<Error>();

function asPaymentFailure(error: unknown, field: string): unknown {
  if (error instanceof ApiError) {
    const fields = error.fields
      ? Object.fromEntries(Object.values(error.fields).map((why) => [field, why]))
      : { [field]: 'refused' };
    const renamed = new ApiError(error.code, error.message, fields, error.headers);
    paymentFailures.add(renamed);
    return renamed;
  }
  return error;
}

export function renameFields(error: unknown, field: string): unknown {
  if (error instanceof ApiError && error.fields) {
    return new ApiError(
      error.code,
      error.message,
      Object.fromEntries(Object.values(error.fields).map((why) => [field, why])),
      error.headers,
    );
  }
  return error;
}

/** What a sale needs approved before its transaction: overrides and discounts beyond the limit. */
export interface SaleApprovals {
  approver: Approver | null;
  overrides: number[];
  bigDiscounts: number[];
}

export async function checkSaleApprovals(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  lines: readonly SaleLineInput[],
  field = 'lines',
): Promise<SaleApprovals> {
  const result: SaleApprovals = { approver: null, overrides: [], bigDiscounts: [] };
  if (!lines.some((line) => line.priceOverride !== undefined || line.discount)) return result;
  const { cashierDiscountLimitBp: limit } = await salesSettings(ctx.storage.db, ctx);
  const skus = await skusForLines(ctx.storage.db, ctx, lines, field);
  for (const [i, line] of lines.entries()) {
    const list = (skus[i]?.price ?? 0) * line.qty;
    const allowed = Math.floor((list * limit) / 10_000);
    if (
      line.priceOverride !== undefined &&
      (skus[i]?.price ?? 0) - line.priceOverride > Math.floor(((skus[i]?.price ?? 0) * limit) / 10_000)
    ) {
      result.overrides.push(i);
    }
    if (line.discount) {
      const off =
        line.discount.kind === 'percent' ? line.discount.offBp > limit : line.discount.amount > allowed;
      if (off) result.bigDiscounts.push(i);
    }
  }
  let approver: Approver | null = null;
  if (result.overrides.length > 0) {
    approver = await approvalFor(
      ctx,
      staff,
      'price.override',
      approval,
      'A price override beyond the cashier limit',
    );
  }
  if (result.bigDiscounts.length > 0) {
    approver =
      (await approvalFor(
        ctx,
        staff,
        'discount.beyond_limit',
        approver ?? approval,
        'A discount beyond the cashier limit',
      )) ?? approver;
  }
  result.approver = approver;
  return result;
}

/** Everything `writeSale` needs besides the transaction. */
export interface SaleWork {
  input: Omit<SaleInput, 'memberPin'>;
  staff: StaffPrincipal;
  approvals: SaleApprovals;
  pin: PinProof | null;
  hash: string;
  /** An exchange: what the returned goods are worth, paid towards this sale (at most its total). */
  credit?: { amount: number; returnId: string };
}

function saleRefOf(id: string) {
  return { type: 'sale', id };
}

/**
 * Writes one sale inside the caller's transaction: priced at commit, payments checked, stock,
 * points (redeemed and earned), stored value, coupons, tier, audit, exception log, receipt
 * number and receipt. Training sales are priced and stored (flagged) and move nothing else.
 */
export async function writeSale(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  work: SaleWork,
): Promise<{ sale: SaleResult; receipt: ReceiptDocument; priced: PricedCart }> {
  const { input, staff } = work;
  const saleId = input.id;
  const ref = saleRefOf(saleId);
  const training = input.training;
  const priced = await priceRequest(trx, ctx, input);
  const { quote, member } = priced;
  if (input.expectedTotal !== undefined && input.expectedTotal !== quote.total)
    throw new PriceChangedError(quote);
  if (!training && quote.coupons.rejected.length > 0) {
    const rejected = quote.coupons.rejected[0] as { code: string; reason: string };
    const index = input.couponCodes.findIndex((code) => code.toUpperCase() === rejected.code);
    throw new ApiError('business_rule', `Coupon ${rejected.code} does not apply: ${rejected.reason}.`, {
      [`couponCodes.${index}`]: rejected.reason,
    });
  }
  if (!training && quote.points.requested > 0 && quote.points.used < quote.points.requested) {
    throw new ApiError('business_rule', `At most ${quote.points.used} points may pay this bill.`, {
      redeemPoints: `at most ${quote.points.used} for this bill`,
    });
  }

  // Payments: non-cash tenders and the exchange credit never exceed the total; cash may (change).
  const credit = Math.min(work.credit?.amount ?? 0, quote.total);
  let cash = 0;
  let nonCash = credit;
  for (const payment of input.payments) {
    if (payment.method === 'cash') cash += payment.amount;
    else nonCash += payment.amount;
  }
  if (nonCash > quote.total) {
    throw new ApiError(
      'business_rule',
      `Payments other than cash come to ${nonCash} fen, more than the total ${quote.total}.`,
      {
        payments: `non-cash over the total by ${nonCash - quote.total}`,
      },
    );
  }
  const paid = cash + nonCash;
  if (paid < quote.total) {
    throw new ApiError('business_rule', `The payments come to ${paid} fen; the sale is ${quote.total}.`, {
      payments: `short by ${quote.total - paid}`,
    });
  }
  const change = paid - quote.total;

  const at = ctx.now().toISOString();
  const day = businessDay(ctx, ctx.now());
  const warnings: SaleResult['warnings'] = [];
  const tenders: { method: Tender; amount: number }[] = [];
  const paymentRows: {
    method: string;
    amount: number;
    reference: string | null;
    principal: number | null;
    bonus: number | null;
  }[] = [];
  if (credit > 0) {
    tenders.push({ method: 'cash', amount: credit });
    paymentRows.push({
      method: 'exchange',
      amount: credit,
      reference: work.credit?.returnId ?? null,
      principal: null,
      bonus: null,
    });
  }
  for (const [i, payment] of input.payments.entries()) {
    let principal: number | null = null;
    let bonus: number | null = null;
    if (payment.method === 'stored_value') {
      if (!member) {
        throw new ApiError('business_rule', 'Stored value pays only with the member who holds it.', {
          [`payments.${i}.method`]: 'needs a member',
        });
      }
      if (!training) {
        try {
          const spent = await spendStoredValue(trx, ctx, outbox, {
            memberId: member.id,
            amount: payment.amount,
            ref,
            actor: { staffId: staff.staffId, approverId: null, deviceId: staff.deviceId },
            pin: work.pin,
          });
          principal = spent.principal;
          bonus = spent.bonus;
        } catch (error) {
          throw asPaymentFailure(
            error,
            error instanceof ApiError && error.fields?.pin ? 'memberPin' : `payments.${i}.amount`,
          );
        }
        if (principal > 0) tenders.push({ method: 'stored_value_principal', amount: principal });
        if (bonus > 0) tenders.push({ method: 'stored_value_bonus', amount: bonus });
      }
    } else if (payment.method === 'cash') {
      const net = payment.amount - Math.min(change, payment.amount);
      if (net > 0) tenders.push({ method: 'cash', amount: net });
    } else {
      tenders.push({ method: payment.method, amount: payment.amount });
    }
    paymentRows.push({
      method: payment.method,
      amount: payment.amount,
      reference: payment.reference ?? null,
      principal,
      bonus,
    });
  }

  let pointsEarned = 0;
  if (!training) {
    for (const [i, line] of quote.lines.entries()) {
      const moved = await moveStock(
        trx,
        ctx,
        { skuId: line.skuId, delta: -line.qty, kind: 'sale', ref, staffId: staff.staffId },
        outbox,
        `lines.${i}.qty`,
      );
      if (moved.warning === 'negative_stock') {
        warnings.push({ line: i, skuId: line.skuId, code: 'negative_stock', onHand: moved.onHand });
        await recordException(trx, ctx, outbox, {
          kind: 'negative_stock',
          message: `${line.styleCode} ${line.color} ${line.size} sold below zero: ${moved.onHand} on hand now.`,
          staffId: staff.staffId,
          deviceId: staff.deviceId,
          ref,
          detail: { skuId: line.skuId, barcode: line.barcode, qty: line.qty, onHand: moved.onHand },
        });
      }
    }
    if (member) {
      if (quote.points.used > 0) {
        try {
          await redeemPoints(trx, ctx, outbox, {
            memberId: member.id,
            points: quote.points.used,
            ref,
            staffId: staff.staffId,
          });
        } catch (error) {
          throw asPaymentFailure(error, 'redeemPoints');
        }
      }
      for (const [i, code] of priced.couponCodes.entries()) {
        try {
          await redeemCoupon(trx, ctx, outbox, { code, memberId: member.id, ref });
        } catch (error) {
          throw asPaymentFailure(error, `couponCodes.${i}`);
        }
      }
      const earned = await earnPoints(trx, ctx, outbox, {
        memberId: member.id,
        ref,
        lines: quote.lines.map((line) => ({ amount: line.total, category: line.categoryId })),
        tenders,
        staffId: staff.staffId,
      });
      pointsEarned = earned.points;
      await recordPurchase(trx, ctx, outbox, { memberId: member.id, amount: quote.total, ref });
    }
  }

  const number = await nextNumber(trx, ctx, training ? 'training' : 'sale', day);
  let memberSummary: SaleResult['member'] = null;
  let memberPhone: string | null = null;
  if (member) {
    const now = await trx
      .selectFrom('members')
      .innerJoin('tiers', 'tiers.id', 'members.tier_id')
      .select([
        'members.points',
        'members.stored_principal',
        'members.stored_bonus',
        'members.phone',
        'tiers.code',
        'tiers.name',
      ])
      .where('members.id', '=', member.id)
      .executeTakeFirstOrThrow();
    memberPhone = now.phone;
    memberSummary = {
      id: member.id,
      points: now.points,
      storedValue: now.stored_principal + now.stored_bonus,
      tier: { code: now.code, name: now.name },
    };
  }
  const sale: SaleResult = {
    id: saleId,
    number,
    at,
    training,
    lines: quote.lines.map((line) => ({
      lineId: line.lineId,
      skuId: line.skuId,
      barcode: line.barcode,
      styleCode: line.styleCode,
      name: line.name,
      color: line.color,
      size: line.size,
      qty: line.qty,
      unitPrice: line.unitPrice,
      discounts: line.discounts.map((d) => ({
        source: d.source,
        ...(d.ref !== undefined && { ref: d.ref }),
        label: d.label,
        amount: d.amount,
      })),
      total: line.total,
    })),
    subtotal: quote.subtotal,
    discountTotal: quote.discountTotal,
    total: quote.total,
    rounding: quote.rounding,
    payments: paymentRows.map((p) => ({
      method: p.method,
      amount: p.amount,
      ...(p.reference !== null && { reference: p.reference }),
    })),
    change,
    pointsEarned,
    pointsRedeemed: training ? 0 : quote.points.used,
    coupons: training ? [] : priced.couponCodes,
    member: memberSummary,
    warnings,
    staffId: staff.staffId,
    terminalId: staff.deviceId,
    ...(work.credit && { exchangeOf: work.credit.returnId }),
  };
  const receipt = buildReceipt(ctx, {
    kind: 'sale',
    id: saleId,
    number,
    at,
    cashierName: staff.name,
    training,
    lines: quote.lines.map((line) => ({ ...line })),
    total: quote.total,
    payments: paymentRows,
    change,
    member:
      member && memberSummary
        ? {
            name: member.name,
            phone: memberPhone,
            tier: memberSummary.tier.name,
            pointsEarned,
            pointsBalance: memberSummary.points,
            storedValueBalance: memberSummary.storedValue,
          }
        : null,
  });

  await trx
    .insertInto('sales')
    .values({
      id: saleId,
      store_id: ctx.store.id,
      number,
      business_day: day,
      at,
      staff_id: staff.staffId,
      approver_id: work.approvals.approver?.staffId ?? null,
      device_id: staff.deviceId,
      member_id: member?.id ?? null,
      training: training ? 1 : 0,
      status: 'completed',
      subtotal: quote.subtotal,
      discount_total: quote.discountTotal,
      total: quote.total,
      paid,
      change,
      rounding: quote.rounding,
      points_earned: sale.pointsEarned,
      points_redeemed: sale.pointsRedeemed,
      request_hash: work.hash,
      result: JSON.stringify(sale),
      receipt: JSON.stringify(receipt),
      exchange_of: work.credit?.returnId ?? null,
      voided_at: null,
      voided_by: null,
      void_approver_id: null,
      void_reason: null,
    })
    .execute();
  const lineIds = quote.lines.map(() => uuidv7());
  await trx
    .insertInto('sale_lines')
    .values(
      quote.lines.map((line, i) => ({
        id: lineIds[i] as string,
        store_id: ctx.store.id,
        sale_id: saleId,
        line_no: i,
        sku_id: line.skuId,
        style_id: line.styleId,
        category_id: line.categoryId,
        barcode: line.barcode,
        name: line.name,
        color: line.color,
        size: line.size,
        qty: line.qty,
        list_price: line.listPrice,
        unit_price: line.unitPrice,
        price_override: line.priceOverride,
        discount_total: line.qty * line.unitPrice - line.total,
        total: line.total,
        // The style's cost of now stays with the line: this sale's margin never moves later.
        unit_cost: priced.unitCosts[i] ?? null,
      })),
    )
    .execute();
  const discountRows = quote.lines.flatMap((line, i) =>
    line.discounts.map((discount, seq) => ({
      id: uuidv7(),
      store_id: ctx.store.id,
      sale_id: saleId,
      line_id: lineIds[i] as string,
      seq,
      source: discount.source,
      ref: discount.ref ?? null,
      label: discount.label,
      amount: discount.amount,
    })),
  );
  if (discountRows.length > 0) await trx.insertInto('sale_line_discounts').values(discountRows).execute();
  if (paymentRows.length > 0) {
    await trx
      .insertInto('sale_payments')
      .values(
        paymentRows.map((p, seq) => ({ id: uuidv7(), store_id: ctx.store.id, sale_id: saleId, seq, ...p })),
      )
      .execute();
  }

  const approverId = work.approvals.approver?.staffId ?? null;
  await recordAudit(trx, ctx, {
    kind: 'sale.completed',
    staffId: staff.staffId,
    approverId,
    deviceId: staff.deviceId,
    subjectType: 'sale',
    subjectId: saleId,
    detail: { number, total: quote.total, training, memberId: member?.id ?? null },
  });
  for (const i of work.approvals.overrides) {
    const line = quote.lines[i];
    await recordAudit(trx, ctx, {
      kind: 'sale.price_overridden',
      staffId: staff.staffId,
      approverId,
      deviceId: staff.deviceId,
      subjectType: 'sale',
      subjectId: saleId,
      detail: { line: i, skuId: line?.skuId, listPrice: line?.listPrice, price: line?.priceOverride },
    });
  }
  for (const [i, line] of input.lines.entries()) {
    if (!line.discount) continue;
    await recordAudit(trx, ctx, {
      kind: 'sale.discount_given',
      staffId: staff.staffId,
      approverId: work.approvals.bigDiscounts.includes(i) ? approverId : null,
      deviceId: staff.deviceId,
      subjectType: 'sale',
      subjectId: saleId,
      detail: {
        line: i,
        skuId: quote.lines[i]?.skuId,
        discount: line.discount,
        beyondLimit: work.approvals.bigDiscounts.includes(i),
      },
    });
  }
  outbox.add('sale.completed', {
    saleId,
    number,
    terminalId: staff.deviceId,
    staffId: staff.staffId,
    memberId: member?.id ?? null,
    total: quote.total,
    training,
  });
  return { sale, receipt, priced };
}

/** The hash a sale request is compared by: the body without the member's PIN. */
export function saleHash(input: SaleInput): string {
  const { memberPin: _pin, ...rest } = input;
  return requestHash(rest);
}

/** A repeat of an id already stored: the first answer for the same body, 409 for another. */
export async function replaySale(
  db: Kysely<Database>,
  ctx: AppContext,
  id: string,
  hash: string,
): Promise<SaleResult | null> {
  const seen = await db
    .selectFrom('sales')
    .select(['request_hash', 'result'])
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!seen) return null;
  if (seen.request_hash !== hash) throw reusedId('sale');
  return JSON.parse(seen.result) as SaleResult;
}

/** Hands the receipt to the terminal's bridge, after commit. A printing problem never undoes a sale. */
export async function printReceipt(
  ctx: AppContext,
  terminalId: string | null,
  receipt: ReceiptDocument,
  jobId: string,
  openDrawer: boolean,
): Promise<void> {
  if (!terminalId) return;
  try {
    await queuePrint(ctx, terminalId, { kind: 'receipt', document: receipt, openDrawer }, { jobId });
  } catch (error) {
    ctx.log.warn({ err: error, jobId }, 'the receipt could not be queued for printing');
  }
}

/** After a failed sale: price changes and failed payments go to the exception log. */
export async function logFailure(
  ctx: AppContext,
  staff: StaffPrincipal,
  ref: { type: string; id: string },
  error: unknown,
): Promise<void> {
  if (error instanceof PriceChangedError) {
    await recordExceptionApart(ctx, {
      kind: 'price_changed',
      message: `The price changed mid-sale: now ${error.quote.total} fen.`,
      staffId: staff.staffId,
      deviceId: staff.deviceId,
      ref,
      detail: { total: error.quote.total },
    });
  } else if (error instanceof ApiError && paymentFailures.has(error)) {
    await recordExceptionApart(ctx, {
      kind: 'payment_failed',
      message: `A payment failed and the sale was not kept: ${error.message}`,
      staffId: staff.staffId,
      deviceId: staff.deviceId,
      ref,
      detail: { code: error.code, fields: error.fields ?? {} },
    });
  }
}

/**
 * Completes a sale (API.md `POST /api/sales`): idempotent by the terminal's id; priced at
 * commit; one transaction; `sale.completed` after commit; the receipt to the terminal's bridge.
 * `approval` is a manager's username and PIN (or an approver already checked) for overrides.
 */
export async function completeSale(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  input: SaleInput,
): Promise<Completed> {
  const hash = saleHash(input);
  const first = await replaySale(ctx.storage.db, ctx, input.id, hash);
  if (first) return { replayed: true, sale: first };
  const approvals = await checkSaleApprovals(ctx, staff, approval, input.lines);
  let pin: PinProof | null = null;
  if (input.memberPin !== undefined && input.memberId !== undefined) {
    pin = await verifyMemberPin(ctx, input.memberId, input.memberPin, staff.deviceId);
  }
  const { memberPin: _pin, ...rest } = input;
  const outbox = new Outbox();
  let outcome: { replayed: boolean; sale: SaleResult; receipt: ReceiptDocument | null };
  try {
    outcome = await ctx.storage.write(async (trx) => {
      const again = await replaySale(trx, ctx, input.id, hash);
      if (again) return { replayed: true, sale: again, receipt: null };
      const written = await writeSale(trx, ctx, outbox, { input: rest, staff, approvals, pin, hash });
      return { replayed: false, sale: written.sale, receipt: written.receipt };
    });
  } catch (error) {
    await logFailure(ctx, staff, saleRefOf(input.id), error);
    throw error;
  }
  outbox.publish(ctx.bus, ctx.store.id);
  if (outcome.receipt) {
    await printReceipt(
      ctx,
      staff.deviceId,
      outcome.receipt,
      input.id,
      input.payments.some((p) => p.method === 'cash'),
    );
  }
  return { replayed: outcome.replayed, sale: outcome.sale };
}
