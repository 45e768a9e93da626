import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import { append } from '../../storage/appends.js';
import type { Database, MemberRow } from '../../storage/schema.js';
import { activeMemberRow, assertActiveMember } from '../members/rows.js';
import { type Actor, type LedgerRef, refColumns } from './ledger-ref.js';
import { noteMemberChanged } from './member-events.js';
import { loadSettings } from './settings.js';

/** Why stored value moved; the ledger's `kind`. */
export type StoredValueKind = 'topup' | 'spend' | 'return' | 'refund' | 'opening' | 'merge_in' | 'merge_out';

export interface StoredValueBalance {
  principal: number;
  bonus: number;
  total: number;
}

/** One member's stored value inside one write transaction, as in `PointsBook`. */
export class StoredValueBook {
  private constructor(
    private readonly trx: Kysely<Database>,
    private readonly ctx: AppContext,
    readonly memberId: string,
    public principal: number,
    public bonus: number,
    readonly hasPin: boolean,
  ) {}

  /** Paid from this book so far (`spendStoredValue`): a sale's stored-value tenders together. */
  spent = 0;

  /**
   * A sale's book writes its balance to the member row with the purchase (`takeBalance`, then
   * `recordPurchase`), one update for every tender and the purchase together.
   */
  private deferred = false;
  private unwritten = false;

  /** From now on the member row's balance waits for `takeBalance` (a sale's, see `deferred`). */
  defer(): this {
    this.deferred = true;
    return this;
  }

  /** The balance the member row is owed since `defer()`, for the caller to write; once. */
  takeBalance(): { principal: number; bonus: number } | null {
    if (!this.unwritten) return null;
    this.unwritten = false;
    return { principal: this.principal, bonus: this.bonus };
  }

  /** `known`: the member's row as this transaction already read it, stored value unchanged since. */
  static async open(
    trx: Kysely<Database>,
    ctx: AppContext,
    memberId: string,
    active = true,
    known?: MemberRow,
  ) {
    const member =
      known?.id === memberId && active
        ? assertActiveMember(known)
        : active
          ? await activeMemberRow(trx, memberId)
          : await trx.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
    return new StoredValueBook(
      trx,
      ctx,
      memberId,
      member.stored_principal,
      member.stored_bonus,
      member.pin_hash !== null,
    );
  }

  get balance(): StoredValueBalance {
    return { principal: this.principal, bonus: this.bonus, total: this.principal + this.bonus };
  }

  /** Appends one ledger row and writes the cached balance to the member row (later: `defer`). */
  async entry(
    kind: StoredValueKind,
    principalDelta: number,
    bonusDelta: number,
    detail: { ref: LedgerRef | null; actor: Actor; method?: string | null; note?: string | null },
  ): Promise<void> {
    this.principal += principalDelta;
    this.bonus += bonusDelta;
    if (this.principal < 0 || this.bonus < 0) throw new Error('stored value would go negative');
    const at = this.ctx.now().toISOString();
    await append(this.trx, 'stored_value_entries', {
      id: newId(),
      store_id: this.ctx.store.id,
      member_id: this.memberId,
      at,
      kind,
      principal_delta: principalDelta,
      bonus_delta: bonusDelta,
      principal_balance: this.principal,
      bonus_balance: this.bonus,
      method: detail.method ?? null,
      ...refColumns(detail.ref),
      staff_id: detail.actor.staffId,
      approver_id: detail.actor.approverId ?? null,
      note: detail.note ?? null,
    });
    if (this.deferred) {
      this.unwritten = true;
      return;
    }
    await this.trx
      .updateTable('members')
      .set({ stored_principal: this.principal, stored_bonus: this.bonus, updated_at: at })
      .where('id', '=', this.memberId)
      .execute();
  }
}

/**
 * Proof that a member's PIN was checked just now, made only by `verifyMemberPin` (outside the
 * payment's transaction, since scrypt is slow and the write lock must stay short).
 */
export interface PinProof {
  readonly memberId: string;
  readonly checkedAt: number;
}
const proofs = new WeakSet<PinProof>();
const PROOF_LIFETIME_MS = 5 * 60_000;

export function issuePinProof(memberId: string, checkedAt: Date): PinProof {
  const proof: PinProof = Object.freeze({ memberId, checkedAt: checkedAt.getTime() });
  proofs.add(proof);
  return proof;
}

function provesPin(proof: PinProof | null | undefined, memberId: string, now: Date): boolean {
  return (
    !!proof &&
    proofs.has(proof) &&
    proof.memberId === memberId &&
    now.getTime() - proof.checkedAt < PROOF_LIFETIME_MS
  );
}

/**
 * Checkout: pays `amount` fen from stored value, principal first, then bonus (documented
 * order: the money the member paid goes first, so unused bonus is what is left longest).
 * Refuses (409) more than the balance; inside BEGIN IMMEDIATE no two payments can both see
 * the same balance, so the balance never goes negative. Above the `pinAbove` setting a
 * member who set a PIN must have proved it (`verifyMemberPin`) — counting what the same `book`
 * paid before, so a sale's stored value split over two tenders needs the PIN as one would.
 */
export async function spendStoredValue(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: {
    memberId: string;
    amount: number;
    ref: LedgerRef;
    actor: Actor;
    pin?: PinProof | null;
    note?: string;
    /**
     * The member's stored value as this transaction holds it: a sale opens one for all its
     * stored-value tenders, each paying from what the one before left.
     */
    book?: StoredValueBook;
  },
): Promise<{ principal: number; bonus: number; balance: StoredValueBalance }> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new ApiError('validation_failed', 'The amount must be a whole positive number of fen.', {
      amount: 'not a whole positive number of fen',
    });
  }
  const settings = await loadSettings(trx);
  const book = input.book ?? (await StoredValueBook.open(trx, ctx, input.memberId));
  if (book.memberId !== input.memberId) throw new Error('a stored-value book pays for its own member only');
  if (
    book.hasPin &&
    book.spent + input.amount > settings.storedValue.pinAbove &&
    !provesPin(input.pin, input.memberId, ctx.now())
  ) {
    throw new ApiError('business_rule', "This payment needs the member's PIN.", { pin: 'required' });
  }
  if (input.amount > book.balance.total) {
    throw new ApiError('conflict', `Not enough stored value: ${book.balance.total} fen left.`, {
      amount: `only ${book.balance.total} fen available`,
    });
  }
  const principal = Math.min(input.amount, book.principal);
  const bonus = input.amount - principal;
  await book.entry('spend', -principal, -bonus, {
    ref: input.ref,
    actor: input.actor,
    note: input.note ?? null,
  });
  book.spent += input.amount;
  noteMemberChanged(outbox, input.memberId, 'stored_value_spent');
  return { principal, bonus, balance: book.balance };
}

/**
 * Returns: gives stored value paid on the sale `saleRef` back to the member, split between
 * principal and bonus in the proportion that sale took them, never more than it took less
 * earlier returns.
 */
export async function returnStoredValue(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  input: { memberId: string; amount: number; saleRef: LedgerRef; ref: LedgerRef; actor: Actor },
): Promise<{ principal: number; bonus: number; balance: StoredValueBalance }> {
  const book = await StoredValueBook.open(trx, ctx, input.memberId);
  const rows = await trx
    .selectFrom('stored_value_entries')
    .select(['kind', 'principal_delta', 'bonus_delta', 'note'])
    .where('member_id', '=', input.memberId)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('ref_type', '=', input.saleRef.type),
          eb('ref_id', '=', input.saleRef.id),
          eb('kind', '=', 'spend'),
        ]),
        eb.and([
          eb('kind', '=', 'return'),
          eb('note', '=', `sale ${input.saleRef.type}:${input.saleRef.id}`),
        ]),
      ]),
    )
    .execute();
  const spentP = -rows.filter((r) => r.kind === 'spend').reduce((s, r) => s + r.principal_delta, 0);
  const spentB = -rows.filter((r) => r.kind === 'spend').reduce((s, r) => s + r.bonus_delta, 0);
  const backP = rows.filter((r) => r.kind === 'return').reduce((s, r) => s + r.principal_delta, 0);
  const backB = rows.filter((r) => r.kind === 'return').reduce((s, r) => s + r.bonus_delta, 0);
  const open = spentP + spentB - backP - backB;
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0 || input.amount > open) {
    throw new ApiError('conflict', `At most ${open} fen of stored value can go back for this sale.`, {
      amount: `at most ${open}`,
    });
  }
  const share = Math.round((input.amount * spentP) / (spentP + spentB));
  const principal = Math.min(spentP - backP, Math.max(input.amount - (spentB - backB), share));
  const bonus = input.amount - principal;
  await book.entry('return', principal, bonus, {
    ref: input.ref,
    actor: input.actor,
    note: `sale ${input.saleRef.type}:${input.saleRef.id}`,
  });
  noteMemberChanged(outbox, input.memberId, 'stored_value_returned');
  return { principal, bonus, balance: book.balance };
}

/** The total owed to members at `at` (inclusive), from the ledger. */
export async function storedValueLiability(
  db: Kysely<Database>,
  at: string,
): Promise<{ at: string; principal: number; bonus: number; total: number }> {
  const row = await db
    .selectFrom('stored_value_entries')
    .select((eb) => [
      eb.fn.coalesce(eb.fn.sum<number>('principal_delta'), eb.lit(0)).as('principal'),
      eb.fn.coalesce(eb.fn.sum<number>('bonus_delta'), eb.lit(0)).as('bonus'),
    ])
    .where('at', '<=', at)
    .executeTakeFirstOrThrow();
  const principal = Number(row.principal);
  const bonus = Number(row.bonus);
  return { at, principal, bonus, total: principal + bonus };
}
