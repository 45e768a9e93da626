import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import type { TopUpResult } from '../../protocol/members.js';
import { recordAudit } from '../audit/service.js';
import { queueSlip, slipHead } from '../devices/slips.js';
import { verifyMemberPin } from '../members/pin.js';
import { memberRow } from '../members/rows.js';
import type { Actor } from './ledger-ref.js';
import { noteMemberChanged } from './member-events.js';
import { remember, replayed } from './requests.js';
import { loadSettings, topUpBonus } from './settings.js';
import { type PinProof, StoredValueBook, spendStoredValue } from './stored-value.js';
import { topUpSlip } from './top-up-slip.js';

/** An idempotent action's answer: `replayed` when the same id and body came before (HTTP 200). */
export interface Idempotent<T> {
  replayed: boolean;
  result: T;
}

/** A top-up: principal `amount` plus the bonus the top-up rules give (充500送50), one transaction. */
export async function topUp(
  ctx: AppContext,
  memberId: string,
  body: { id: string; amount: number; method: string },
  actor: Actor,
): Promise<Idempotent<TopUpResult>> {
  const key = { id: body.id, kind: 'topup', memberId, body };
  const outcome = await runAction(ctx, async (trx, outbox) => {
    const first = await replayed<TopUpResult>(trx, key);
    if (first) return { replayed: true, result: first };
    const settings = await loadSettings(trx);
    const book = await StoredValueBook.open(trx, ctx, memberId);
    const bonus = topUpBonus(settings.topUpBonus, body.amount);
    await book.entry('topup', body.amount, bonus, {
      ref: { type: 'topup', id: body.id },
      actor,
      method: body.method,
    });
    const result: TopUpResult = { id: body.id, amount: body.amount, bonus, storedValue: book.balance.total };
    await remember(trx, ctx, key, result);
    await recordAudit(trx, ctx, {
      kind: 'stored_value.topped_up',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: memberId,
      detail: { topUpId: body.id, amount: body.amount, bonus, method: body.method },
    });
    noteMemberChanged(outbox, memberId, 'stored_value_topped_up');
    if (actor.deviceId) {
      // At a till, the 充值单 prints there with the top-up.
      const member = await memberRow(trx, memberId);
      const head = await slipHead(trx, ctx, {
        staffId: actor.staffId,
        terminalId: actor.deviceId,
        at: ctx.now().toISOString(),
      });
      const slip = topUpSlip(
        head,
        { id: body.id, amount: body.amount, bonus, balance: result.storedValue, method: body.method },
        member,
      );
      await queueSlip(trx, ctx, outbox, actor.deviceId, slip);
    }
    return { replayed: false, result };
  });
  return outcome;
}

export interface PaymentResult {
  id: string;
  amount: number;
  principal: number;
  bonus: number;
  storedValue: number;
}

/** A payment from stored value outside a sale (alterations, a deposit…), idempotent by id. */
export async function payFromStoredValue(
  ctx: AppContext,
  memberId: string,
  body: { id: string; amount: number; pin?: string | undefined; note?: string | undefined },
  actor: Actor,
): Promise<Idempotent<PaymentResult>> {
  await memberRow(ctx.storage.db, memberId);
  let proof: PinProof | null = null;
  if (body.pin !== undefined) proof = await verifyMemberPin(ctx, memberId, body.pin, actor.deviceId ?? null);
  // The PIN itself is never part of what is compared on a repeat.
  const key = {
    id: body.id,
    kind: 'payment',
    memberId,
    body: { amount: body.amount, note: body.note ?? null },
  };
  const outcome = await runAction(ctx, async (trx, outbox) => {
    const first = await replayed<PaymentResult>(trx, key);
    if (first) return { replayed: true, result: first };
    const paid = await spendStoredValue(trx, ctx, outbox, {
      memberId,
      amount: body.amount,
      ref: { type: 'payment', id: body.id },
      actor,
      pin: proof,
      ...(body.note !== undefined && { note: body.note }),
    });
    const result: PaymentResult = {
      id: body.id,
      amount: body.amount,
      principal: paid.principal,
      bonus: paid.bonus,
      storedValue: paid.balance.total,
    };
    await remember(trx, ctx, key, result);
    await recordAudit(trx, ctx, {
      kind: 'stored_value.paid',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: memberId,
      detail: { paymentId: body.id, amount: body.amount, principal: paid.principal, bonus: paid.bonus },
    });
    return { replayed: false, result };
  });
  return outcome;
}

export interface RefundResult {
  id: string;
  amount: number;
  bonusForfeited: number;
  storedValue: number;
}

/**
 * A manager pays back unused principal. The bonus goes with it in proportion (all of it when
 * all principal is refunded, rounded up otherwise): bonus money was given for keeping the principal.
 */
export async function refundPrincipal(
  ctx: AppContext,
  memberId: string,
  body: { id: string; amount: number; method: string; reason: string },
  actor: Actor,
): Promise<Idempotent<RefundResult>> {
  const key = { id: body.id, kind: 'refund', memberId, body };
  const outcome = await runAction(ctx, async (trx, outbox) => {
    const first = await replayed<RefundResult>(trx, key);
    if (first) return { replayed: true, result: first };
    const book = await StoredValueBook.open(trx, ctx, memberId);
    if (body.amount > book.principal) {
      throw new ApiError('conflict', `Only ${book.principal} fen of principal is left to refund.`, {
        'body.amount': `at most ${book.principal}`,
      });
    }
    const forfeited =
      body.amount === book.principal ? book.bonus : Math.ceil((book.bonus * body.amount) / book.principal);
    await book.entry('refund', -body.amount, -forfeited, {
      ref: { type: 'refund', id: body.id },
      actor,
      method: body.method,
      note: body.reason,
    });
    const result: RefundResult = {
      id: body.id,
      amount: body.amount,
      bonusForfeited: forfeited,
      storedValue: book.balance.total,
    };
    await remember(trx, ctx, key, result);
    await recordAudit(trx, ctx, {
      kind: 'stored_value.refunded',
      staffId: actor.staffId,
      approverId: actor.approverId ?? null,
      deviceId: actor.deviceId ?? null,
      subjectType: 'member',
      subjectId: memberId,
      detail: { refundId: body.id, amount: body.amount, bonusForfeited: forfeited, reason: body.reason },
    });
    noteMemberChanged(outbox, memberId, 'stored_value_refunded');
    return { replayed: false, result };
  });
  return outcome;
}
