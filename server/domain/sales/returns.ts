import type { Kysely } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { Outbox } from '../../events/outbox.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { ReturnResult, SaleResult } from '../../protocol/sales.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { moveStock } from '../inventory/ledger.js';
import { releaseCoupon } from '../loyalty/coupons.js';
import { giveBackPoints, takeBackPoints } from '../loyalty/points.js';
import { recordReturn } from '../loyalty/purchases.js';
import { returnStoredValue } from '../loyalty/stored-value.js';
import type { Approver } from '../staff/approval.js';
import { type Approval, approvalFor } from './approvals.js';
import { printReceipt, renameFields } from './complete.js';
import { requestHash, reusedId } from './idempotency.js';
import { businessDay, nextNumber } from './numbers.js';
import { type SkuForSale, skusForLines } from './quote.js';
import { buildReceipt } from './receipt.js';
import type { ReceiptlessReturnInput, RefundInput, ReturnInput } from './schemas.js';
import { salesSettings } from './settings.js';

export interface ReturnWork {
  returnId: string;
  saleId: string;
  lines: readonly { skuId: string; qty: number }[];
  /** Explicit refund tenders; by default the sale's own tenders, last paid first. */
  refund?: readonly RefundInput[] | undefined;
  /** An exchange: up to this much of the refund pays for the new goods instead. */
  exchangeCredit?: number;
  staff: StaffPrincipal;
  approverId: string | null;
  hash: string;
  reason?: string | undefined;
  /** Field prefix of the lines in errors (`lines`, or `returnLines` in an exchange). */
  field?: string;
}

/** `floor(total × (done + now) / of) − floor(total × done / of)`: shares that add up to `total` when all is back. */
function share(total: number, done: number, now: number, of: number): number {
  if (of <= 0 || total === 0) return 0;
  return Math.floor((total * (done + now)) / of) - Math.floor((total * done) / of);
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

/** A late return (beyond the store's return window) needs `sale.refund`: a manager, or a manager's PIN. */
export async function checkReturnApproval(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  saleId: string,
): Promise<Approver | null> {
  const sale = await ctx.storage.db
    .selectFrom('sales')
    .select(['at'])
    .where('id', '=', saleId)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!sale) throw notFound('sale', saleId);
  const { returnDays } = await salesSettings(ctx.storage.db, ctx);
  const age = ctx.now().getTime() - Date.parse(sale.at);
  if (age <= returnDays * 86_400_000) return null;
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
): Promise<{ result: ReturnResult; receipt: ReceiptDocument }> {
  const field = work.field ?? 'lines';
  const sale = await trx
    .selectFrom('sales')
    .selectAll()
    .where('id', '=', work.saleId)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
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

  const ref = { type: 'return', id: work.returnId };
  const saleRef = { type: 'sale', id: sale.id };
  const actor = { staffId: work.staff.staffId, approverId: work.approverId, deviceId: work.staff.deviceId };
  let pointsTakenBack = 0;
  let pointsShortfall = 0;
  let keptBack = 0;
  let pointsGivenBack = 0;
  const couponsReleased: string[] = [];
  if (sale.member_id && !training) {
    const take = share(sale.points_earned, earlierAmount, amount, sale.total);
    if (take > 0) {
      const back = await takeBackPoints(trx, ctx, outbox, {
        memberId: sale.member_id,
        points: take,
        ref,
        staffId: work.staff.staffId,
      });
      pointsTakenBack = back.taken;
      pointsShortfall = back.shortfall;
      keptBack = Math.min(amount, back.shortfallValue);
    }
    const redeemedValue = [...pointsOf.values()].reduce((sum, n) => sum + n, 0);
    const give = share(sale.points_redeemed, earlierPoints, pointsDiscount, redeemedValue);
    if (give > 0) {
      await giveBackPoints(trx, ctx, outbox, {
        memberId: sale.member_id,
        points: give,
        saleRef,
        returnId: work.returnId,
        staffId: work.staff.staffId,
      });
      pointsGivenBack = give;
    }
    await recordReturn(trx, ctx, { memberId: sale.member_id, amount, ref });
    if (allBack) {
      for (const code of saleResult.coupons) {
        await releaseCoupon(trx, outbox, { code, ref: saleRef });
        couponsReleased.push(code);
      }
    }
  }

  // The refund: the exchange credit first, then the tenders asked for or the sale's own.
  const refundable = amount - keptBack;
  const refunds: { method: string; amount: number; reference: string | null }[] = [];
  const credit = Math.min(work.exchangeCredit ?? 0, refundable);
  if (credit > 0) refunds.push({ method: 'exchange', amount: credit, reference: null });
  const toRefund = refundable - credit;
  const payments = await trx
    .selectFrom('sale_payments')
    .select(['method', 'amount'])
    .where('sale_id', '=', sale.id)
    .orderBy('seq')
    .execute();
  const paidBy = new Map<string, number>();
  for (const p of payments) paidBy.set(p.method, (paidBy.get(p.method) ?? 0) + p.amount);
  if (paidBy.has('cash')) paidBy.set('cash', (paidBy.get('cash') ?? 0) - sale.change);
  const refundedBefore = await trx
    .selectFrom('refunds')
    .innerJoin('returns', 'returns.id', 'refunds.return_id')
    .select(['refunds.method', 'refunds.amount'])
    .where('returns.sale_id', '=', sale.id)
    .execute();
  for (const r of refundedBefore) paidBy.set(r.method, (paidBy.get(r.method) ?? 0) - r.amount);
  if (work.refund) {
    const sum = work.refund.reduce((s, r) => s + r.amount, 0);
    if (sum !== toRefund) {
      throw new ApiError(
        'business_rule',
        `The refund must come to ${toRefund} fen; the tenders given come to ${sum}.`,
        {
          refund: `must come to ${toRefund}`,
        },
      );
    }
    for (const [i, r] of work.refund.entries()) {
      if (r.method !== 'cash' && r.amount > (paidBy.get(r.method) ?? 0)) {
        throw new ApiError(
          'business_rule',
          `At most ${Math.max(0, paidBy.get(r.method) ?? 0)} fen can go back by ${r.method}.`,
          {
            [`refund.${i}.amount`]: `at most ${Math.max(0, paidBy.get(r.method) ?? 0)} by ${r.method}`,
          },
        );
      }
      paidBy.set(r.method, (paidBy.get(r.method) ?? 0) - r.amount);
      refunds.push({ method: r.method, amount: r.amount, reference: r.reference ?? null });
    }
  } else {
    let rest = toRefund;
    for (const p of [...payments].reverse()) {
      if (rest === 0) break;
      if (p.method === 'exchange') continue;
      const can = Math.max(0, Math.min(rest, paidBy.get(p.method) ?? 0));
      if (can === 0) continue;
      paidBy.set(p.method, (paidBy.get(p.method) ?? 0) - can);
      const same = refunds.find((r) => r.method === p.method && r.method !== 'exchange');
      if (same) same.amount += can;
      else refunds.push({ method: p.method, amount: can, reference: null });
      rest -= can;
    }
    if (rest > 0) {
      const cash = refunds.find((r) => r.method === 'cash');
      if (cash) cash.amount += rest;
      else refunds.push({ method: 'cash', amount: rest, reference: null });
    }
  }
  if (!training) {
    for (const [i, r] of refunds.entries()) {
      if (r.method !== 'stored_value') continue;
      if (!sale.member_id) {
        throw new ApiError('business_rule', 'Stored value goes back only to the member who paid with it.', {
          [`refund.${i}.method`]: 'no member on this sale',
        });
      }
      try {
        await returnStoredValue(trx, ctx, outbox, {
          memberId: sale.member_id,
          amount: r.amount,
          saleRef,
          ref,
          actor,
        });
      } catch (error) {
        throw renameFields(error, `refund.${i}.amount`);
      }
    }
    for (const [i, t] of taken.entries()) {
      await moveStock(
        trx,
        ctx,
        { skuId: t.skuId, delta: t.qty, kind: 'return', ref, staffId: work.staff.staffId },
        outbox,
        `${field}.${i}.qty`,
      );
    }
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
  let member: ReturnResult['member'] = null;
  let memberRow: { name: string; phone: string | null; points: number; stored: number; tier: string } | null =
    null;
  if (sale.member_id) {
    const row = await trx
      .selectFrom('members')
      .innerJoin('tiers', 'tiers.id', 'members.tier_id')
      .select([
        'members.name',
        'members.phone',
        'members.points',
        'members.stored_principal',
        'members.stored_bonus',
        'tiers.name as tier',
      ])
      .where('members.id', '=', sale.member_id)
      .executeTakeFirstOrThrow();
    member = { id: sale.member_id, points: row.points, storedValue: row.stored_principal + row.stored_bonus };
    memberRow = {
      name: row.name,
      phone: row.phone,
      points: row.points,
      stored: row.stored_principal + row.stored_bonus,
      tier: row.tier,
    };
  }
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
    pointsTakenBack,
    pointsShortfall,
    pointsGivenBack,
    couponsReleased,
    refund: refunds.map((r) => ({
      method: r.method,
      amount: r.amount,
      ...(r.reference !== null && { reference: r.reference }),
    })),
    refundTotal,
    member,
    approverId: work.approverId,
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
        name: line?.name ?? t.skuId,
        styleCode: line?.styleCode ?? '',
        color: line?.color ?? '',
        size: line?.size ?? '',
        barcode: line?.barcode ?? '',
        qty: t.qty,
        unitPrice,
        discounts:
          off > 0 ? [{ source: 'promotion' as const, label: `原单 ${sale.number} 优惠`, amount: off }] : [],
        total: t.amount,
      };
    }),
    total: refundTotal,
    payments: refunds,
    change: 0,
    member: memberRow
      ? {
          name: memberRow.name,
          phone: memberRow.phone,
          tier: memberRow.tier,
          pointsEarned: -pointsTakenBack,
          pointsBalance: memberRow.points,
          storedValueBalance: memberRow.stored,
        }
      : null,
    footer: [`原单 ${sale.number}`, ...(keptBack > 0 ? [`已用积分抵扣 ${keptBack} 分钱`] : [])],
  });
  await trx
    .insertInto('returns')
    .values({
      id: work.returnId,
      store_id: ctx.store.id,
      sale_id: sale.id,
      number,
      business_day: day,
      at,
      kind,
      staff_id: work.staff.staffId,
      approver_id: work.approverId,
      device_id: work.staff.deviceId,
      member_id: sale.member_id,
      training: training ? 1 : 0,
      amount,
      points_taken: pointsTakenBack,
      points_shortfall: pointsShortfall,
      kept_back: keptBack,
      points_given_back: pointsGivenBack,
      refund_total: refundTotal,
      reason: work.reason ?? null,
      request_hash: work.hash,
      result: JSON.stringify(result),
      receipt: JSON.stringify(receipt),
    })
    .execute();
  await trx
    .insertInto('return_lines')
    .values(
      taken.map((t) => ({
        id: uuidv7(),
        store_id: ctx.store.id,
        return_id: work.returnId,
        sale_line_id: t.lineId,
        sku_id: t.skuId,
        qty: t.qty,
        amount: t.amount,
        points_discount: t.pointsDiscount,
      })),
    )
    .execute();
  if (refunds.length > 0) {
    await trx
      .insertInto('refunds')
      .values(
        refunds.map((r, seq) => ({
          id: uuidv7(),
          store_id: ctx.store.id,
          return_id: work.returnId,
          seq,
          ...r,
        })),
      )
      .execute();
  }
  await recordAudit(trx, ctx, {
    kind: 'sale.returned',
    staffId: work.staff.staffId,
    approverId: work.approverId,
    deviceId: work.staff.deviceId,
    subjectType: 'sale',
    subjectId: sale.id,
    detail: {
      returnId: work.returnId,
      number,
      amount,
      refundTotal,
      keptBack,
      training,
      reason: work.reason ?? null,
    },
  });
  outbox.add('sale.returned', {
    returnId: work.returnId,
    saleId: sale.id,
    number,
    terminalId: work.staff.deviceId,
    refundTotal,
  });
  return { result, receipt };
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
  const outbox = new Outbox();
  const outcome = await ctx.storage.write(async (trx) => {
    const again = await replayReturn(trx, ctx, input.id, hash);
    if (again) return { replayed: true, result: again, receipt: null };
    const written = await writeReturn(trx, ctx, outbox, {
      returnId: input.id,
      saleId,
      lines: input.lines,
      refund: input.refund,
      staff,
      approverId: approver?.staffId ?? null,
      hash,
      reason: input.reason,
    });
    return { replayed: false, ...written };
  });
  outbox.publish(ctx.bus, ctx.store.id);
  if (outcome.receipt)
    await printReceipt(
      ctx,
      staff.deviceId,
      outcome.receipt,
      input.id,
      outcome.result.refund.some((r) => r.method === 'cash'),
    );
  return { replayed: outcome.replayed, result: outcome.result };
}

/**
 * `POST /api/returns`: goods back without a receipt (needs `sale.refund`). The refund is the
 * price in force (or `unitAmount`), in cash unless said; stock back; no member is involved.
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
  const outbox = new Outbox();
  const outcome = await ctx.storage.write(async (trx) => {
    const again = await replayReturn(trx, ctx, input.id, hash);
    if (again) return { replayed: true, result: again, receipt: null };
    const skus = await skusForLines(trx, ctx, input.lines);
    const lines = input.lines.map((line, i) => {
      const sku = skus[i] as SkuForSale;
      const unit = line.unitAmount ?? sku.price;
      return { sku, qty: line.qty, unit, amount: unit * line.qty };
    });
    const amount = lines.reduce((sum, line) => sum + line.amount, 0);
    const refunds = (input.refund ?? (amount > 0 ? [{ method: 'cash' as const, amount }] : [])).map((r) => ({
      method: r.method as string,
      amount: r.amount,
      reference: ('reference' in r && r.reference) || null,
    }));
    const sum = refunds.reduce((s, r) => s + r.amount, 0);
    if (sum !== amount) {
      throw new ApiError(
        'business_rule',
        `The refund must come to ${amount} fen; the tenders given come to ${sum}.`,
        { refund: `must come to ${amount}` },
      );
    }
    const storedValue = refunds.findIndex((r) => r.method === 'stored_value');
    if (storedValue >= 0) {
      throw new ApiError(
        'business_rule',
        'Without a receipt there is no member to give stored value back to.',
        {
          [`refund.${storedValue}.method`]: 'not without a receipt',
        },
      );
    }
    const ref = { type: 'return', id: input.id };
    for (const [i, line] of lines.entries()) {
      await moveStock(
        trx,
        ctx,
        {
          skuId: line.sku.id,
          delta: line.qty,
          kind: 'return',
          reason: 'no receipt',
          ref,
          staffId: staff.staffId,
        },
        outbox,
        `lines.${i}.qty`,
      );
    }
    const at = ctx.now().toISOString();
    const day = businessDay(ctx, ctx.now());
    const number = await nextNumber(trx, ctx, 'return', day);
    const result: ReturnResult = {
      id: input.id,
      saleId: null,
      number,
      at,
      kind: 'receiptless',
      training: false,
      lines: lines.map((line) => ({ skuId: line.sku.id, qty: line.qty, amount: line.amount })),
      amount,
      keptBack: 0,
      pointsTakenBack: 0,
      pointsShortfall: 0,
      pointsGivenBack: 0,
      couponsReleased: [],
      refund: refunds.map((r) => ({
        method: r.method,
        amount: r.amount,
        ...(r.reference !== null && { reference: r.reference }),
      })),
      refundTotal: amount,
      member: null,
      approverId: approver?.staffId ?? null,
    };
    const receipt = buildReceipt(ctx, {
      kind: 'refund',
      id: input.id,
      number,
      at,
      cashierName: staff.name,
      training: false,
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
      footer: ['无小票退货'],
    });
    await trx
      .insertInto('returns')
      .values({
        id: input.id,
        store_id: ctx.store.id,
        sale_id: null,
        number,
        business_day: day,
        at,
        kind: 'receiptless',
        staff_id: staff.staffId,
        approver_id: approver?.staffId ?? null,
        device_id: staff.deviceId,
        member_id: null,
        training: 0,
        amount,
        points_taken: 0,
        points_shortfall: 0,
        kept_back: 0,
        points_given_back: 0,
        refund_total: amount,
        reason: input.reason,
        request_hash: hash,
        result: JSON.stringify(result),
        receipt: JSON.stringify(receipt),
      })
      .execute();
    await trx
      .insertInto('return_lines')
      .values(
        lines.map((line) => ({
          id: uuidv7(),
          store_id: ctx.store.id,
          return_id: input.id,
          sale_line_id: null,
          sku_id: line.sku.id,
          qty: line.qty,
          amount: line.amount,
          points_discount: 0,
        })),
      )
      .execute();
    if (refunds.length > 0) {
      await trx
        .insertInto('refunds')
        .values(
          refunds.map((r, seq) => ({ id: uuidv7(), store_id: ctx.store.id, return_id: input.id, seq, ...r })),
        )
        .execute();
    }
    await recordAudit(trx, ctx, {
      kind: 'sale.returned',
      staffId: staff.staffId,
      approverId: approver?.staffId ?? null,
      deviceId: staff.deviceId,
      subjectType: 'return',
      subjectId: input.id,
      detail: { number, amount, receiptless: true, reason: input.reason },
    });
    outbox.add('sale.returned', {
      returnId: input.id,
      saleId: null,
      number,
      terminalId: staff.deviceId,
      refundTotal: amount,
    });
    return { replayed: false, result, receipt };
  });
  outbox.publish(ctx.bus, ctx.store.id);
  if (outcome.receipt) await printReceipt(ctx, staff.deviceId, outcome.receipt, input.id, true);
  return { replayed: outcome.replayed, result: outcome.result };
}
