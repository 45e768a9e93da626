import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, reusedId } from '../../errors.js';
import { runAction, runRequest } from '../../events/action.js';
import type { Outbox } from '../../events/outbox.js';
import type { Quote } from '../../protocol/quote.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { Completed, SaleResult } from '../../protocol/sales.js';
import { hotQuery } from '../../storage/hot-query.js';
import type { Database } from '../../storage/schema.js';
import { assertOfflineSpend } from '../chain-link/offline-spend.js';
import { queueSale } from '../chain-link/queue.js';
import { receiptInvite } from '../loyalty/referrals.js';
import type { PinProof } from '../loyalty/stored-value.js';
import { verifyMemberPin } from '../members/pin.js';
import type { Approver } from '../staff/approval.js';
import { type Approval, approvalFor, type SaleApprovals } from './approvals.js';
import { recordExceptionApart } from './exceptions.js';
import { requestHash } from './idempotency.js';
import { businessDay, keepOfflineNumber, nextNumber } from './numbers.js';
import {
  isPaymentFailure,
  postPayments,
  postSaleLoyalty,
  postSoldGoods,
  type SaleLoyalty,
} from './postings.js';
import { type PricedCart, priceRequest, skusForLines } from './quote.js';
import { paysCash, queueReceipt } from './receipt-print.js';
import { receiptSettings } from './receipt-settings.js';
import { keepSale } from './records.js';
import { memberAfterSale, type SaleFacts, saleReceiptOf, saleResultOf } from './results.js';
import { saleSettings } from './sale-settings.js';
import type { SaleInput, SaleLineInput } from './schemas.js';
import { salesSettings } from './settings.js';
import { assertShiftOpen } from './shift-rule.js';
import { settle } from './tenders.js';

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
  /**
   * A sale a chain store made from its local copy while head office was out of reach, now taken
   * by head office: it keeps the receipt number it was printed with, and its till's shift was
   * checked where it was sold (it may have been opened offline).
   */
  offline?: { number: string };
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
  // What a sale shares with the chain's other stores is its member (balances, coupons — and a
  // referrer's reward, locked where it is given); the rest is this store's own. So under
  // `row locks` the member is locked before anything of theirs is read: by the pricing's read
  // of the member itself (`loadMember`, FOR UPDATE), the first of their rows the sale reads.
  // The shop's settings in one statement; the shift rule, pricing, points, the tier check and the
  // receipt below are given what it read instead of each reading its own.
  await saleSettings(trx, ctx);
  if (!work.offline) await assertShiftOpen(trx, ctx, staff, training);
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
  const { paid, change } = settle(quote.total, credit, input.payments);

  const at = ctx.now().toISOString();
  const day = businessDay(ctx, ctx.now());
  const { tenders, paymentRows, wallet } = await postPayments(trx, ctx, outbox, {
    priced,
    payments: input.payments,
    change,
    credit: { amount: credit, returnId: work.credit?.returnId ?? null },
    training,
    ref,
    staff,
    pin: work.pin,
  });
  let warnings: SaleResult['warnings'] = [];
  let loyalty: SaleLoyalty | null = null;
  if (!training) {
    warnings = await postSoldGoods(trx, ctx, outbox, { priced, ref, staff });
    loyalty = await postSaleLoyalty(trx, ctx, outbox, { priced, tenders, wallet, ref, staff });
  }

  let number: string;
  if (work.offline) {
    number = work.offline.number;
    await keepOfflineNumber(trx, ctx, day, number);
  } else {
    const series = training ? 'training' : ctx.storage.offlineCopy ? 'offline' : 'sale';
    number = await nextNumber(trx, ctx, series, day);
  }
  const facts: SaleFacts = {
    id: saleId,
    number,
    at,
    training,
    priced,
    payments: paymentRows,
    change,
    pointsEarned: loyalty?.earned ?? 0,
    warnings,
    member: member ? memberAfterSale(member, loyalty, paymentRows) : null,
    staff,
    exchangeOf: work.credit?.returnId,
    invite: member && !training ? await receiptInvite(trx, member.id) : undefined,
  };
  const sale = saleResultOf(facts);
  const receipt = saleReceiptOf(ctx, facts, await receiptSettings(trx, ctx));
  await keepSale(trx, ctx, outbox, {
    sale,
    receipt,
    priced,
    day,
    paid,
    paymentRows,
    staff,
    approvals: work.approvals,
    asked: input.lines,
    hash: work.hash,
  });
  return { sale, receipt, priced };
}

/**
 * The hash a sale request is compared by: the body without the member's PIN or the line ids.
 * Line ids name the lines, they do not change what is sold: a cart's checkout replays the same
 * sale sent before without them, and sales kept before lines had ids still replay.
 */
export function saleHash(input: SaleInput): string {
  const { memberPin: _pin, lines, ...rest } = input;
  return requestHash({ ...rest, lines: lines.map(({ lineId: _lineId, ...line }) => line) });
}

/** A store's (`storeId`) sale by its id, as the idempotency check compares it. */
const keptSale = hotQuery((db, value) =>
  db
    .selectFrom('sales')
    .select(['request_hash', 'result'])
    .where('id', '=', value('id'))
    .where('store_id', '=', value('storeId')),
);

/** A repeat of an id already stored: the first answer for the same body, 409 for another. */
export async function replaySale(
  db: Kysely<Database>,
  ctx: AppContext,
  id: string,
  hash: string,
): Promise<SaleResult | null> {
  const seen = await keptSale.first(db, { id, storeId: ctx.store.id });
  if (!seen) return null;
  if (seen.request_hash !== hash) throw reusedId('sale');
  return JSON.parse(seen.result) as SaleResult;
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
  } else if (error instanceof ApiError && isPaymentFailure(error)) {
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
 * The checks a sale makes before its transaction (they write apart: a PIN's failed tries, an
 * approver's audit): the approvals its overrides need and the member's PIN.
 */
export async function prepareSale(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  input: SaleInput,
  hash: string,
): Promise<SaleWork> {
  const approvals = await checkSaleApprovals(ctx, staff, approval, input.lines);
  let pin: PinProof | null = null;
  if (input.memberPin !== undefined && input.memberId !== undefined) {
    pin = await verifyMemberPin(ctx, input.memberId, input.memberPin, staff.deviceId);
  }
  const { memberPin: _pin, ...rest } = input;
  return { input: rest, staff, approvals, pin, hash };
}

/**
 * Completes a sale (API.md `POST /api/sales`): idempotent by the terminal's id; priced at
 * commit; one transaction with its receipt queued for the terminal's bridge; `sale.completed`
 * after commit. `approval` is a manager's username and PIN (or an approver already checked).
 */
export async function completeSale(
  ctx: AppContext,
  staff: StaffPrincipal,
  approval: Approval,
  input: SaleInput,
): Promise<Completed> {
  // The database this sale runs on from its first read to its commit, should a chain store's
  // link to head office switch it meanwhile (`server/domain/chain-link/`).
  const here: AppContext = { ...ctx, storage: ctx.storage };
  const offline = here.storage.offlineCopy;
  const hash = saleHash(input);
  const first = await replaySale(here.storage.db, here, input.id, hash);
  if (first) return { replayed: true, sale: first };
  const work = await prepareSale(here, staff, approval, input, hash);
  try {
    // Not looked up again inside: a resend that overtook this one between the lookup above and
    // the write lock makes this one fail (on the sales row's key at the latest), answered below.
    const sale = await runAction(
      here,
      async (trx, outbox) => {
        if (offline && !input.training) await assertOfflineSpend(trx, input);
        const { sale, receipt } = await writeSale(trx, here, outbox, work);
        if (offline && !input.training) await queueSale(trx, work, sale);
        await queueReceipt(trx, here, outbox, {
          terminalId: staff.deviceId,
          document: receipt,
          jobId: sale.id,
          openDrawer: paysCash(input.payments),
        });
        return sale;
      },
      // Reads only through `trx`: many tills' sales may share one commit.
      { isolation: 'row locks', shareCommit: true },
    );
    return { replayed: false, sale };
  } catch (error) {
    // A database fault stays the answer; a lookup that cannot read says nothing more.
    const first = await replaySale(here.storage.db, here, input.id, hash).catch((lookup: unknown) => {
      if (lookup instanceof ApiError) throw lookup;
      return null;
    });
    if (first) return { replayed: true, sale: first };
    await logFailure(here, staff, saleRefOf(input.id), error);
    throw error;
  }
}

/**
 * Head office takes a sale a store made offline (`work.offline`), dated when it was made (`ctx.now`
 * is the sale's time): the same command, so an id head office already holds — the sale reached it
 * before the link broke, or an earlier sync's answer was lost — is answered, not sold again. No
 * receipt is printed: the store printed it.
 */
export async function takeOfflineSale(ctx: AppContext, work: SaleWork): Promise<Completed> {
  const { replayed, result } = await runRequest(
    ctx,
    (trx) => replaySale(trx, ctx, work.input.id, work.hash),
    async (trx, outbox) => (await writeSale(trx, ctx, outbox, work)).sale,
  );
  return { replayed, sale: result };
}
