import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { newId } from '../../ids.js';
import type { Database, MemberRow } from '../../storage/schema.js';
import { activeMemberRow, assertActiveMember } from '../members/rows.js';
import { type Actor, type LedgerRef, refColumns } from './ledger-ref.js';

/** Why points moved; the ledger's `reason`. */
export type PointsReason =
  | 'earn'
  | 'redeem'
  | 'gift'
  | 'expire'
  | 'adjust'
  | 'return_take'
  | 'return_give'
  | 'opening'
  | 'merge_in'
  | 'merge_out'
  | 'erase'
  | 'referral'
  | 'referral_back';

/** Points taken from (or put back into) one lot. */
export interface LotShare {
  lotId: string;
  points: number;
  expiresAt: string;
}

/**
 * One member's points inside one write transaction: every movement is a ledger row on a lot,
 * the running balance is written to the member row by `close()`, in the same transaction.
 */
export class PointsBook {
  private constructor(
    private readonly trx: Kysely<Database>,
    private readonly ctx: AppContext,
    readonly memberId: string,
    public balance: number,
    private readonly actor: Actor,
    readonly at: string,
  ) {}

  /**
   * `known`: the member's row as this transaction already read it, its points unchanged since
   * (a sale passes the row it priced with), so it is not read again.
   */
  static async open(
    trx: Kysely<Database>,
    ctx: AppContext,
    memberId: string,
    actor: Actor,
    known?: MemberRow,
  ) {
    const member = known?.id === memberId ? assertActiveMember(known) : await activeMemberRow(trx, memberId);
    const book = new PointsBook(trx, ctx, memberId, member.points, actor, ctx.now().toISOString());
    await book.expireDue();
    return book;
  }

  /** Opens the book of a member whatever their status (expiry, erase, merge-out). */
  static async openAny(trx: Kysely<Database>, ctx: AppContext, memberId: string, actor: Actor) {
    const member = await trx
      .selectFrom('members')
      .select('points')
      .where('id', '=', memberId)
      .executeTakeFirstOrThrow();
    return new PointsBook(trx, ctx, memberId, member.points, actor, ctx.now().toISOString());
  }

  private async movement(
    lotId: string,
    delta: number,
    reason: PointsReason,
    ref: LedgerRef | null,
    note: string | null,
  ) {
    this.balance += delta;
    await this.trx
      .insertInto('points_movements')
      .values({
        id: newId(),
        store_id: this.ctx.store.id,
        member_id: this.memberId,
        lot_id: lotId,
        at: this.at,
        delta,
        balance: this.balance,
        reason,
        ...refColumns(ref),
        staff_id: this.actor.staffId,
        approver_id: this.actor.approverId ?? null,
        note,
      })
      .execute();
  }

  /** A new lot of `points` expiring at `expiresAt`, and its ledger row. */
  async addLot(
    points: number,
    source: string,
    reason: PointsReason,
    expiresAt: string,
    ref: LedgerRef | null,
    note: string | null = null,
  ): Promise<string> {
    const id = newId();
    await this.trx
      .insertInto('points_lots')
      .values({
        id,
        store_id: this.ctx.store.id,
        member_id: this.memberId,
        source,
        points,
        remaining: points,
        earned_at: this.at,
        expires_at: expiresAt,
        ...refColumns(ref),
      })
      .execute();
    await this.movement(id, points, reason, ref, note);
    return id;
  }

  /** Moves `delta` points out of (negative) or back into (positive) an existing lot. */
  async moveLot(
    lotId: string,
    delta: number,
    reason: PointsReason,
    ref: LedgerRef | null,
    note: string | null = null,
  ) {
    await this.trx
      .updateTable('points_lots')
      .set((eb) => ({ remaining: eb('remaining', '+', delta) }))
      .where('id', '=', lotId)
      .execute();
    await this.movement(lotId, delta, reason, ref, note);
  }

  /** Open lots, soonest expiry first. */
  openLots() {
    return this.trx
      .selectFrom('points_lots')
      .select(['id', 'remaining', 'expires_at'])
      .where('member_id', '=', this.memberId)
      .where('remaining', '>', 0)
      .where('expires_at', '>', this.at)
      .orderBy('expires_at')
      .orderBy('id')
      .execute();
  }

  /** Takes up to `points` from the soonest-expiring lots (FIFO by expiry); returns what came from where. */
  async takeFifo(
    points: number,
    reason: PointsReason,
    ref: LedgerRef | null,
    note: string | null = null,
  ): Promise<LotShare[]> {
    const shares: LotShare[] = [];
    let left = points;
    for (const lot of await this.openLots()) {
      if (left === 0) break;
      const take = Math.min(left, lot.remaining);
      await this.moveLot(lot.id, -take, reason, ref, note);
      shares.push({ lotId: lot.id, points: take, expiresAt: lot.expires_at });
      left -= take;
    }
    return shares;
  }

  /** Expires this member's lots whose time has come, so a balance read or spent is never stale. */
  async expireDue(): Promise<number> {
    const due = await this.trx
      .selectFrom('points_lots')
      .select(['id', 'remaining'])
      .where('member_id', '=', this.memberId)
      .where('remaining', '>', 0)
      .where('expires_at', '<=', this.at)
      .orderBy('expires_at')
      .execute();
    let expired = 0;
    for (const lot of due) {
      await this.moveLot(lot.id, -lot.remaining, 'expire', null);
      expired += lot.remaining;
    }
    if (expired > 0) await this.close();
    return expired;
  }

  /** Writes the balance to the member row (the cached balance the ledger check verifies). */
  async close(earned = 0): Promise<void> {
    await this.trx
      .updateTable('members')
      .set((eb) => ({
        points: this.balance,
        points_earned_total: eb('points_earned_total', '+', earned),
        updated_at: this.at,
      }))
      .where('id', '=', this.memberId)
      .execute();
  }
}
