import type { Insertable, Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { newId } from '../../ids.js';
import { append } from '../../storage/appends.js';
import { hotQuery } from '../../storage/hot-query.js';
import type { Database, MemberRow, PointsMovementTable } from '../../storage/schema.js';
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

/** An open lot: what is left in it and when it expires. */
interface OpenLot {
  id: string;
  remaining: number;
  expires_at: string;
}

/** A member row's points after a batched book's movements: the balance, and what was earned. */
export interface PointsBalanceWrite {
  points: number;
  earned: number;
}

/** How a book is opened. */
export interface BookOptions {
  /**
   * The member's row as this transaction already read it, its points unchanged since (a sale
   * passes the row it priced with), so it is not read again.
   */
  known?: MemberRow;
  /** Points will be taken from the lots (a redemption): their expiry check reads the open ones too. */
  takes?: boolean;
  /**
   * The ledger rows and the member's balance are written by `flush()` (once, however many
   * movements), not by each movement and `close()`: for an action that moves the same member's
   * points several times (a sale redeems and earns). The caller must `flush()` before anything
   * else reads the member's points or their ledger.
   */
  batched?: boolean;
}

/** Moves `delta` points out of (negative) or back into (positive) the lot `lotId`. */
const moveLotRemaining = hotQuery((trx, value) =>
  trx
    .updateTable('points_lots')
    .set((eb) => ({ remaining: eb('remaining', '+', value('delta')) }))
    .where('id', '=', value('lotId')),
);

/**
 * A member's (`memberId`) lots with points left, in the index's order of expiry (`byExpiry` breaks
 * ties): shape `due` those expired at `at`, `all` every one.
 */
const lotsWithPoints = hotQuery((trx, value, shape: 'due' | 'all') =>
  trx
    .selectFrom('points_lots')
    .select(['id', 'remaining', 'expires_at'])
    .where('member_id', '=', value('memberId'))
    .where('remaining', '>', 0)
    .$if(shape === 'due', (query) => query.where('expires_at', '<=', value('at')))
    .orderBy('expires_at'),
);

/**
 * Soonest expiry first, then by id. In SQL the second key cost a sort of its own on every sale
 * (`points_lots_member` holds the expiry, not the id); a member's few lots sort here instead.
 */
function byExpiry(a: OpenLot, b: OpenLot): number {
  if (a.expires_at !== b.expires_at) return a.expires_at < b.expires_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * One member's points inside one write transaction: every movement is a ledger row on a lot,
 * the running balance is written to the member row by `close()`, in the same transaction.
 */
export class PointsBook {
  /** The open lots as read by the expiry check (`takes`), kept up to date by this book's moves. */
  private lots: OpenLot[] | null = null;
  /** Batched: the ledger rows and the points earned that `flush()` writes. */
  private pending: Insertable<PointsMovementTable>[] = [];
  private earnedPending = 0;
  private closePending = false;

  private constructor(
    private readonly trx: Kysely<Database>,
    private readonly ctx: AppContext,
    readonly memberId: string,
    public balance: number,
    private readonly actor: Actor,
    readonly at: string,
    private readonly batched = false,
  ) {}

  static async open(
    trx: Kysely<Database>,
    ctx: AppContext,
    memberId: string,
    actor: Actor,
    { known, takes = false, batched = false }: BookOptions = {},
  ) {
    const member = known?.id === memberId ? assertActiveMember(known) : await activeMemberRow(trx, memberId);
    const book = new PointsBook(trx, ctx, memberId, member.points, actor, ctx.now().toISOString(), batched);
    await book.expireDue(takes);
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
    const row: Insertable<PointsMovementTable> = {
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
    };
    if (this.batched) this.pending.push(row);
    else await append(this.trx, 'points_movements', row);
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
    await append(this.trx, 'points_lots', {
      id,
      store_id: this.ctx.store.id,
      member_id: this.memberId,
      source,
      points,
      remaining: points,
      earned_at: this.at,
      expires_at: expiresAt,
      ...refColumns(ref),
    });
    // The new lot may come before a known one in FIFO order: read them again if asked.
    this.lots = null;
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
    await moveLotRemaining.all(this.trx, { lotId, delta });
    const known = this.lots?.find((lot) => lot.id === lotId);
    if (known) known.remaining += delta;
    await this.movement(lotId, delta, reason, ref, note);
  }

  /** Open lots, soonest expiry first. */
  async openLots(): Promise<OpenLot[]> {
    if (this.lots) return this.lots.filter((lot) => lot.remaining > 0).map((lot) => ({ ...lot }));
    const lots = await this.trx
      .selectFrom('points_lots')
      .select(['id', 'remaining', 'expires_at'])
      .where('member_id', '=', this.memberId)
      .where('remaining', '>', 0)
      .where('expires_at', '>', this.at)
      .orderBy('expires_at')
      .execute();
    return lots.sort(byExpiry);
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

  /**
   * Expires this member's lots whose time has come, so a balance read or spent is never stale.
   * `keepOpen`: the same statement reads the lots left open, for the takes that follow.
   */
  async expireDue(keepOpen = false): Promise<number> {
    const lots = (
      await lotsWithPoints.all(this.trx, { memberId: this.memberId, at: this.at }, keepOpen ? 'all' : 'due')
    ).sort(byExpiry);
    let expired = 0;
    for (const lot of lots) {
      if (lot.expires_at > this.at) continue;
      await this.moveLot(lot.id, -lot.remaining, 'expire', null);
      expired += lot.remaining;
    }
    if (keepOpen) this.lots = lots.filter((lot) => lot.expires_at > this.at);
    if (expired > 0) await this.close();
    return expired;
  }

  /** Writes the balance to the member row (the cached balance the ledger check verifies). */
  async close(earned = 0): Promise<void> {
    if (this.batched) {
      this.earnedPending += earned;
      this.closePending = true;
      return;
    }
    await this.writeBalance(earned);
  }

  /**
   * A batched book's balance for the member row, to be written with another update of it (a
   * sale's purchase, `recordPurchase`): `flush()` then writes the ledger rows only. Null when
   * no movement closed.
   */
  takeBalance(): PointsBalanceWrite | null {
    if (!this.closePending) return null;
    const write = { points: this.balance, earned: this.earnedPending };
    this.earnedPending = 0;
    this.closePending = false;
    return write;
  }

  /** A batched book: writes its ledger rows in one statement and the member's balance in one more. */
  async flush(): Promise<void> {
    if (this.pending.length > 0) await append(this.trx, 'points_movements', this.pending);
    this.pending = [];
    if (this.closePending) await this.writeBalance(this.earnedPending);
    this.earnedPending = 0;
    this.closePending = false;
  }

  private async writeBalance(earned: number): Promise<void> {
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
