import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound, reusedId } from '../../errors.js';
import { runRequest } from '../../events/action.js';
import type { Outbox } from '../../events/outbox.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { ReturnResult, SaleResult } from '../../protocol/sales.js';
import type { Database } from '../../storage/schema.js';
import { tillInTraining } from '../carts/training.js';
import { withProviderRefunds } from '../payments/refunds.js';
import type { Approver } from '../staff/approval.js';
import { may } from '../staff/permissions.js';
import { type Approval, approvalFor } from './approvals.js';
import { requestHash } from './idempotency.js';
import { businessDay, nextNumber } from './numbers.js';
import { postRefunds, postReturnedGoods, postReturnLoyalty, type ReturnLoyalty } from './postings.js';
import { type SkuForSale, skusForLines } from './quote.js';
import { buildReceipt } from './receipt.js';
import { paysCash, queueReceipt } from './receipt-print.js';
import { receiptSettings } from './receipt-settings.js';
import { keepReturn } from './records.js';
import { memberNow, refundAnswer } from './results.js';
import type { ReceiptlessLineInput, ReceiptlessReturnInput, RefundInput, ReturnInput } from './schemas.js';
import { salesSettings } from './settings.js';
import {
  type RefundPlan,
  type RefundTender,
  refundAsAsked,
  refundByTenders,
  refundedBy,
  share,
  tendersPaid,
} from './tenders.js';

export interface ReturnWork {
  returnId: string;
  saleId: string;
  lines: readonly { skuId: string; qty: number }[];
  /** Explicit refund tenders; by default the sale's own tenders, each its share of what it paid. */
  refund?: readonly RefundInput[] | undefined;
  /**
   * Who allowed cash beyond what the sale's tenders can give back (null: the staff member may
   * alone), or undefined when nobody did: then such a refund is refused.
   */
  cashException?: { approverId: string | null } | undefined;
  /** An exchange: up to this much of the refund pays for the new goods instead. */
  exchangeCredit?: number;
  staff: StaffPrincipal;
  approverId: string | null;
  hash: string;
  reason?: string | undefined;
  /** Field prefix of the lines in errors (`lines`, or `returnLines` in an exchange). */
  field?: string;
  /**
   * Worked out for a preview that is rolled back: money beyond the tenders is reported in
   * `beyond`, not refused for want of an approval or a reason.
   */
  preview?: boolean;
}

/** A return as written, with what the preview shows of how its refund was planned. */
export interface WrittenReturn {
  result: ReturnResult;
  receipt: ReceiptDocument;
  /** Per tender of the sale, in the order paid: what it took in and had left to give back before this return. */
  tenders: { method: string; paid: number; left: number }[];
  beyond: RefundPlan['beyond'];
}

export function returnHash(saleId: string, input: ReturnInput): string {
  return requestHash({ saleId, ...input });
}

export async function replayReturn(
  db: Kysely<Database>,
  ctx: AppContext,
  id: string,
  hash: string,
): Promise<ReturnResult | null> {
  const seen = await db
    .selectFrom('returns')
    .select(['request_hash', 'result'])
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!seen) return null;
  if (seen.request_hash !== hash) throw reusedId('return');
  return JSON.parse(seen.result) as ReturnResult;
}

/** The store's return window in days when a return of this sale now comes after it, else null. */
export async function lateBy(ctx: AppContext, saleId: string): Promise<number | null> {
  const sale = await ctx.storage.db
    .selectFrom('sales')
    .select(['at'])
    .where('id', '=', saleId)
    .executeTakeFirst();
  if (!sale) throw notFound('sale', saleId);
  const { returnDays } = await salesSettings(ctx.storage.db, ctx);
  const age = ctx.now().getTime() - Date.parse(sale.at);
  return age <= returnDays * 86_400_000 ? null : returnDays;
}

/** A late return (beyond the store's return window) needs `sale.refund`: a manager, or a manager's PIN. */
export async function checkReturnApproval(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  saleId: string,
): Promise<Approver | null> {
  const returnDays = await lateBy(ctx, saleId);
  if (returnDays === null) return null;
  return approvalFor(
    ctx,
    staff,
    'sale.refund',
    approval,
    `A return more than ${returnDays} days after the sale`,
  );
}

/**
 * Takes goods of a sale back inside the caller's transaction: never more than was sold across
 * returns; the refund is the goods' share of what was paid; stock back; points earned on them
 * taken back (what the member already spent is kept back from the refund), points redeemed on
 * them given back; stored value back to the member; coupons back when the whole sale came back.
 */
export async function writeReturn(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  work: ReturnWork,
): Promise<WrittenReturn> {
  const field = work.field ?? 'lines';
  // Any store of a chain takes back any store's sale. Two stores returning the same line at
  // once both write its `returned_qty`: PostgreSQL fails the second as a serialisation
  // conflict, and the action, run again, sees what the first took back.
  const sale = await trx.selectFrom('sales').selectAll().where('id', '=', work.saleId).executeTakeFirst();
  if (!sale) throw notFound('sale', work.saleId);
  if (sale.status === 'voided')
    throw new ApiError('conflict', `Sale ${sale.number} was voided; nothing can come back.`, {
      saleId: 'voided',
    });
  const saleResult = JSON.parse(sale.result) as SaleResult;
  const training = sale.training === 1;
  const lines = await trx
    .selectFrom('sale_lines')
    .selectAll()
    .where('sale_id', '=', sale.id)
    .orderBy('line_no')
    .execute();
  const pointsDiscounts = await trx
    .selectFrom('sale_line_discounts')
    .select(['line_id', 'amount'])
    .where('sale_id', '=', sale.id)
    .where('source', '=', 'points')
    .execute();
  const pointsOf = new Map<string, number>();
  for (const d of pointsDiscounts) pointsOf.set(d.line_id, (pointsOf.get(d.line_id) ?? 0) + d.amount);
  const left = new Map(lines.map((line) => [line.id, line.qty - line.returned_qty]));
  const returnedBefore = new Map(lines.map((line) => [line.id, line.returned_qty]));

  // Which sale lines the units come from, first line first.
  const taken: { lineId: string; skuId: string; qty: number; amount: number; pointsDiscount: number }[] = [];
  for (const [i, wanted] of work.lines.entries()) {
    const candidates = lines.filter((line) => line.sku_id === wanted.skuId);
    if (candidates.length === 0) {
      throw new ApiError('business_rule', `SKU ${wanted.skuId} is not on sale ${sale.number}.`, {
        [`${field}.${i}.skuId`]: 'not on this sale',
      });
    }
    const open = candidates.reduce((sum, line) => sum + (left.get(line.id) ?? 0), 0);
    if (wanted.qty > open) {
      throw new ApiError(
        'business_rule',
        `Only ${open} of this SKU can still come back on sale ${sale.number}.`,
        {
          [`${field}.${i}.qty`]: `only ${open} left to return`,
        },
      );
    }
    let need = wanted.qty;
    for (const line of candidates) {
      const k = Math.min(need, left.get(line.id) ?? 0);
      if (k === 0) continue;
      const done = returnedBefore.get(line.id) ?? 0;
      taken.push({
        lineId: line.id,
        skuId: line.sku_id,
        qty: k,
        amount: share(line.total, done, k, line.qty),
        pointsDiscount: share(pointsOf.get(line.id) ?? 0, done, k, line.qty),
      });
      left.set(line.id, (left.get(line.id) ?? 0) - k);
      returnedBefore.set(line.id, done + k);
      need -= k;
      if (need === 0) break;
    }
  }
  const amount = taken.reduce((sum, t) => sum + t.amount, 0);
  const pointsDiscount = taken.reduce((sum, t) => sum + t.pointsDiscount, 0);
  const earlier = await trx
    .selectFrom('returns')
    .leftJoin('return_lines', 'return_lines.return_id', 'returns.id')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('return_lines.amount'), eb.lit(0)).as('amount'),
      eb.fn.coalesce(eb.fn.sum<number>('return_lines.points_discount'), eb.lit(0)).as('points'),
    ])
    .where('returns.sale_id', '=', sale.id)
    .executeTakeFirstOrThrow();
  const earlierAmount = Number(earlier.amount);
  const earlierPoints = Number(earlier.points);
  const allBack = [...left.values()].every((n) => n === 0);

  let loyalty: ReturnLoyalty = {
    pointsTakenBack: 0,
    pointsShortfall: 0,
    keptBack: 0,
    pointsGivenBack: 0,
    couponsReleased: [],
  };
  if (sale.member_id && !training) {
    loyalty = await postReturnLoyalty(trx, ctx, outbox, {
      memberId: sale.member_id,
      sale: {
        id: sale.id,
        total: sale.total,
        pointsEarned: sale.points_earned,
        pointsRedeemed: sale.points_redeemed,
        coupons: saleResult.coupons,
      },
      amount,
      earlierAmount,
      pointsDiscount,
      earlierPoints,
      redeemedValue: [...pointsOf.values()].reduce((sum, n) => sum + n, 0),
      allBack,
      returnId: work.returnId,
      staffId: work.staff.staffId,
    });
  }
  const { keptBack } = loyalty;

  // The refund: the exchange credit first, then the tenders asked for or the sale's own.
  const owed = amount - keptBack;
  const refunds: RefundTender[] = [];
  const credit = Math.min(work.exchangeCredit ?? 0, owed);
  if (credit > 0) refunds.push({ method: 'exchange', amount: credit, reference: null });
  const toRefund = owed - credit;
  const payments = await trx
    .selectFrom('sale_payments')
    .select(['method', 'amount'])
    .where('sale_id', '=', sale.id)
    .orderBy('seq')
    .execute();
  const refundedBefore = await trx
    .selectFrom('refunds')
    .innerJoin('returns', 'returns.id', 'refunds.return_id')
    .select(['refunds.method', 'refunds.amount'])
    .where('returns.sale_id', '=', sale.id)
    .execute();
  const paid = tendersPaid(payments, sale.change);
  const done = refundedBy(refundedBefore);
  const plan = work.refund
    ? refundAsAsked(toRefund, work.refund, paid, done)
    : refundByTenders(toRefund, paid, done);
  refunds.push(...plan.refunds);
  const { beyondTenders } = plan;
  if (beyondTenders > 0 && !work.preview) checkTenderException(work, plan.beyond);
  const approverId =
    beyondTenders > 0 ? (work.cashException?.approverId ?? work.approverId) : work.approverId;
  if (!training) {
    await postRefunds(trx, ctx, outbox, {
      refunds,
      memberId: sale.member_id,
      saleId: sale.id,
      returnId: work.returnId,
      actor: { staffId: work.staff.staffId, approverId, deviceId: work.staff.deviceId },
    });
    await postReturnedGoods(trx, ctx, outbox, {
      goods: taken,
      returnId: work.returnId,
      staffId: work.staff.staffId,
      field,
    });
  }
  for (const [lineId, returned] of returnedBefore) {
    const line = lines.find((l) => l.id === lineId);
    if (line && line.returned_qty !== returned) {
      await trx.updateTable('sale_lines').set({ returned_qty: returned }).where('id', '=', lineId).execute();
    }
  }

  const at = ctx.now().toISOString();
  const day = businessDay(ctx, ctx.now());
  const number = await nextNumber(trx, ctx, 'return', day);
  const member = sale.member_id ? await memberNow(trx, sale.member_id) : null;
  const kind: ReturnResult['kind'] = work.exchangeCredit !== undefined ? 'exchange' : 'return';
  const refundTotal = refunds.reduce((sum, r) => sum + r.amount, 0);
  const result: ReturnResult = {
    id: work.returnId,
    saleId: sale.id,
    number,
    at,
    kind,
    training,
    lines: taken.map((t) => ({ skuId: t.skuId, qty: t.qty, amount: t.amount })),
    amount,
    keptBack,
    pointsTakenBack: loyalty.pointsTakenBack,
    pointsShortfall: loyalty.pointsShortfall,
    pointsGivenBack: loyalty.pointsGivenBack,
    couponsReleased: loyalty.couponsReleased,
    refund: refundAnswer(refunds),
    refundTotal,
    member:
      sale.member_id && member
        ? { id: sale.member_id, points: member.points, storedValue: member.storedValue }
        : null,
    approverId,
  };
  const saleLines = new Map(saleResult.lines.map((line, i) => [lines[i]?.id, line]));
  const receipt = buildReceipt(ctx, {
    kind: 'refund',
    id: work.returnId,
    number,
    at,
    cashierName: work.staff.name,
    training,
    lines: taken.map((t) => {
      const line = saleLines.get(t.lineId);
      const unitPrice = line?.unitPrice ?? 0;
      const off = t.qty * unitPrice - t.amount;
      return {
        lineId: t.lineId,
        name: line?.name ?? t.skuId,
        styleCode: line?.styleCode ?? '',
        color: line?.color ?? '',
        size: line?.size ?? '',
        barcode: line?.barcode ?? '',
        qty: t.qty,
        unitPrice,
        discounts: off > 0 ? [{ source: 'promotion' as const, label: '原单优惠', amount: off }] : [],
        total: t.amount,
      };
    }),
    total: refundTotal,
    payments: refunds,
    change: 0,
    member: member
      ? {
          name: member.name,
          phone: member.phone,
          tier: member.tier.name,
          pointsEarned: -loyalty.pointsTakenBack,
          pointsBalance: member.points,
          storedValueBalance: member.storedValue,
        }
      : null,
    originalNumber: sale.number,
    ...(keptBack > 0 && { notes: [`积分抵扣的 ${(keptBack / 100).toFixed(2)} 元不退`] }),
    shop: await receiptSettings(trx, ctx),
  });
  await keepReturn(trx, ctx, outbox, {
    result,
    receipt,
    day,
    staff: work.staff,
    memberId: sale.member_id,
    lines: taken.map((t) => ({
      saleLineId: t.lineId,
      skuId: t.skuId,
      qty: t.qty,
      amount: t.amount,
      pointsDiscount: t.pointsDiscount,
    })),
    refunds,
    reason: work.reason ?? null,
    beyondTenders: plan.beyond,
    hash: work.hash,
  });
  const tenders = [...paid].map(([method, p]) => ({
    method,
    paid: p,
    left: Math.max(0, p - (done.get(method) ?? 0)),
  }));
  return { result, receipt, tenders, beyond: plan.beyond };
}

/**
 * A tender giving back beyond what it paid moves money from one tender to another (card,
 * mobile or stored-value money, or an exchange credit, into cash; cash onto a card or into
 * stored value): only with `sale.refund` and a reason, both audited.
 */
function checkTenderException(work: ReturnWork, beyond: RefundPlan['beyond']): void {
  const onlyCash = beyond.every((b) => b.method === 'cash');
  const words = onlyCash
    ? 'in cash beyond the cash paid'
    : `by ${beyond.map((b) => b.method).join(', ')} beyond what it paid`;
  if (!work.cashException) {
    const amounts = beyond.map((b) => `${b.amount} fen by ${b.method}`).join(', ');
    throw new ApiError(
      'forbidden',
      `${amounts} would go back beyond what the sale was paid that way; that needs a manager's approval (sale.refund).`,
      { approval: 'required for sale.refund' },
    );
  }
  if (!work.reason) {
    throw new ApiError('business_rule', 'Say why the refund goes back otherwise than it was paid.', {
      reason: `required for a refund ${words}`,
    });
  }
}

/**
 * Who may refund in cash beyond what a sale took in cash: the staff member alone with
 * `sale.refund`, else the approver sent along: checked now, before the transaction (or one a
 * late return already checked, not checked twice). Undefined when there is none: a refund that
 * needs it is then refused inside the transaction, where the amount is known.
 */
export async function cashExceptionFor(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
): Promise<{ approverId: string | null } | undefined> {
  if (may(staff.role, 'sale.refund')) return { approverId: null };
  if (!approval) return undefined;
  const approver = await approvalFor(
    ctx,
    staff,
    'sale.refund',
    approval,
    'A refund in cash beyond the cash paid',
  );
  return { approverId: approver?.staffId ?? null };
}

/** `POST /api/sales/:id/returns`: idempotent by the return's id; one transaction. */
export async function returnSale(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  saleId: string,
  input: ReturnInput,
): Promise<{ replayed: boolean; result: ReturnResult }> {
  const hash = returnHash(saleId, input);
  const first = await replayReturn(ctx.storage.db, ctx, input.id, hash);
  if (first) return { replayed: true, result: first };
  const approver = await checkReturnApproval(ctx, staff, approval, saleId);
  const cashException = await cashExceptionFor(ctx, staff, approver ?? approval);
  const done = await runRequest(
    ctx,
    (trx) => replayReturn(trx, ctx, input.id, hash),
    async (trx, outbox) => {
      const { result, receipt } = await writeReturn(trx, ctx, outbox, {
        returnId: input.id,
        saleId,
        lines: input.lines,
        refund: input.refund,
        cashException,
        staff,
        approverId: approver?.staffId ?? null,
        hash,
        reason: input.reason,
      });
      await queueReceipt(trx, ctx, outbox, {
        terminalId: staff.deviceId,
        document: receipt,
        jobId: input.id,
        openDrawer: paysCash(result.refund),
      });
      return result;
    },
  );
  return { ...done, result: await withProviderRefunds(ctx, done.result) };
}

/** Everything `writeReceiptlessReturn` needs besides the transaction. */
export interface ReceiptlessWork {
  returnId: string;
  lines: readonly ReceiptlessLineInput[];
  /** How the money goes back; cash by default. */
  refund?: readonly RefundInput[] | undefined;
  /** An exchange: up to this much of what the goods are worth pays for the new goods instead. */
  exchangeCredit?: number;
  staff: StaffPrincipal;
  approverId: string | null;
  hash: string;
  reason: string;
  training: boolean;
  /** Field prefix of the lines in errors (`lines`, or `returnLines` in an exchange). */
  field: string;
}

/**
 * Takes goods back without a receipt inside the caller's transaction: each worth the price in
 * force (or `unitAmount`); stock back (not for a training till); the exchange credit first,
 * the rest in cash unless `refund` says otherwise (never stored value: no member is known).
 */
export async function writeReceiptlessReturn(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  work: ReceiptlessWork,
): Promise<{ result: ReturnResult; receipt: ReceiptDocument }> {
  const { staff, field } = work;
  const skus = await skusForLines(trx, ctx, work.lines, field);
  const lines = work.lines.map((line, i) => {
    const sku = skus[i] as SkuForSale;
    const unit = line.unitAmount ?? sku.price;
    return { sku, qty: line.qty, unit, amount: unit * line.qty };
  });
  const amount = lines.reduce((sum, line) => sum + line.amount, 0);
  const credit = Math.min(work.exchangeCredit ?? 0, amount);
  const owed = amount - credit;
  const asked = (work.refund ?? (owed > 0 ? [{ method: 'cash' as const, amount: owed }] : [])).map((r) => ({
    method: r.method as string,
    amount: r.amount,
    reference: ('reference' in r && r.reference) || null,
  }));
  const sum = asked.reduce((s, r) => s + r.amount, 0);
  if (sum !== owed) {
    throw new ApiError(
      'business_rule',
      `The refund must come to ${owed} fen; the tenders given come to ${sum}.`,
      {
        refund: `must come to ${owed}`,
      },
    );
  }
  const storedValue = asked.findIndex((r) => r.method === 'stored_value');
  if (storedValue >= 0) {
    throw new ApiError(
      'business_rule',
      'Without a receipt there is no member to give stored value back to.',
      {
        [`refund.${storedValue}.method`]: 'not without a receipt',
      },
    );
  }
  const refunds = credit > 0 ? [{ method: 'exchange', amount: credit, reference: null }, ...asked] : asked;
  if (!work.training) {
    await postReturnedGoods(trx, ctx, outbox, {
      goods: lines.map((line) => ({ skuId: line.sku.id, qty: line.qty })),
      returnId: work.returnId,
      staffId: staff.staffId,
      field,
      reason: 'no receipt',
    });
  }
  const exchange = work.exchangeCredit !== undefined;
  const at = ctx.now().toISOString();
  const day = businessDay(ctx, ctx.now());
  const number = await nextNumber(trx, ctx, 'return', day);
  const result: ReturnResult = {
    id: work.returnId,
    saleId: null,
    number,
    at,
    kind: exchange ? 'receiptless_exchange' : 'receiptless',
    training: work.training,
    lines: lines.map((line) => ({ skuId: line.sku.id, qty: line.qty, amount: line.amount })),
    amount,
    keptBack: 0,
    pointsTakenBack: 0,
    pointsShortfall: 0,
    pointsGivenBack: 0,
    couponsReleased: [],
    refund: refundAnswer(refunds),
    refundTotal: amount,
    member: null,
    approverId: work.approverId,
  };
  const receipt = buildReceipt(ctx, {
    kind: 'refund',
    id: work.returnId,
    number,
    at,
    cashierName: staff.name,
    training: work.training,
    lines: lines.map((line) => ({
      name: line.sku.name,
      styleCode: line.sku.styleCode,
      color: line.sku.color,
      size: line.sku.size,
      barcode: line.sku.barcode,
      qty: line.qty,
      unitPrice: line.unit,
      discounts: [],
      total: line.amount,
    })),
    total: amount,
    payments: refunds,
    change: 0,
    member: null,
    notes: [exchange ? '无小票换货' : '无小票退货'],
    shop: await receiptSettings(trx, ctx),
  });
  await keepReturn(trx, ctx, outbox, {
    result,
    receipt,
    day,
    staff,
    memberId: null,
    lines: lines.map((line) => ({
      saleLineId: null,
      skuId: line.sku.id,
      qty: line.qty,
      amount: line.amount,
      pointsDiscount: 0,
    })),
    refunds,
    reason: work.reason,
    beyondTenders: [],
    hash: work.hash,
  });
  return { result, receipt };
}

/**
 * `POST /api/returns`: goods back without a receipt (needs `sale.refund`). The refund is the
 * price in force (or `unitAmount`), in cash unless said; stock back; no member is involved.
 * On a till in training mode (or `training: true`) it is practice: flagged, nothing moves.
 */
export async function receiptlessReturn(
  ctx: AppContext,
  staff: StaffPrincipal,
  approver: Approver | null,
  input: ReceiptlessReturnInput,
): Promise<{ replayed: boolean; result: ReturnResult }> {
  const hash = requestHash({ receiptless: true, ...input });
  const first = await replayReturn(ctx.storage.db, ctx, input.id, hash);
  if (first) return { replayed: true, result: first };
  const training = input.training === true || (await tillInTraining(ctx.storage.db, staff.deviceId));
  return runRequest(
    ctx,
    (trx) => replayReturn(trx, ctx, input.id, hash),
    async (trx, outbox) => {
      const { result, receipt } = await writeReceiptlessReturn(trx, ctx, outbox, {
        returnId: input.id,
        lines: input.lines,
        refund: input.refund,
        staff,
        approverId: approver?.staffId ?? null,
        hash,
        reason: input.reason,
        training,
        field: 'lines',
      });
      await queueReceipt(trx, ctx, outbox, {
        terminalId: staff.deviceId,
        document: receipt,
        jobId: input.id,
        openDrawer: true,
      });
      return result;
    },
  );
}
