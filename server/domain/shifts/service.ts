import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { newId } from '../../ids.js';
import type { StaffPrincipal } from '../../protocol/roles.js';
import type { CashEntryKind, DayReport, ShiftReport } from '../../protocol/shifts.js';
import type { Database, ShiftTable } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import { terminalOf } from '../carts/service.js';
import { queueRow } from '../chain-link/queue.js';
import { queueSlip, slipHead } from '../devices/slips.js';
import { businessDay } from '../sales/numbers.js';
import { takings } from './report.js';
import { cashEntrySlip, shiftCloseSlip } from './slip.js';

async function openShiftRow(ctx: AppContext, terminalId: string): Promise<ShiftTable | undefined> {
  return ctx.storage.db
    .selectFrom('shifts')
    .selectAll()
    .where('terminal_id', '=', terminalId)
    .where('status', '=', 'open')
    .executeTakeFirst();
}

async function report(
  ctx: AppContext,
  row: ShiftTable,
  db: Kysely<Database> = ctx.storage.db,
): Promise<ShiftReport> {
  const entryRows = await db
    .selectFrom('shift_cash_entries')
    .selectAll()
    .where('shift_id', '=', row.id)
    .orderBy('id')
    .execute();
  const entries = entryRows.map((e) => ({
    id: e.id,
    kind: e.kind as CashEntryKind,
    amount: e.amount,
    reason: e.reason,
    staffId: e.staff_id,
    at: e.at,
  }));
  const sum = (kind: CashEntryKind) =>
    entries.filter((e) => e.kind === kind).reduce((s, e) => s + e.amount, 0);
  const report = await takings(db, ctx, {
    kind: 'window',
    terminalId: row.terminal_id,
    from: row.opened_at,
    to: row.closed_at,
  });
  const cashIn = sum('cash_in');
  const paidOut = sum('paid_out');
  return {
    id: row.id,
    terminalId: row.terminal_id,
    status: row.status as ShiftReport['status'],
    openedBy: row.opened_by,
    openedAt: row.opened_at,
    openingFloat: row.opening_float,
    closedBy: row.closed_by,
    closedAt: row.closed_at,
    takings: report,
    cash: {
      float: row.opening_float,
      netCash: report.netCash,
      cashIn,
      paidOut,
      expected: row.expected_cash ?? row.opening_float + report.netCash + cashIn - paidOut,
      counted: row.counted_cash,
      variance: row.variance,
    },
    entries,
  };
}

/** Opens a shift on the terminal the staff member is signed in on, with the cash float in the drawer. */
export async function openShift(
  ctx: AppContext,
  staff: StaffPrincipal,
  openingFloat: number,
): Promise<ShiftReport> {
  const terminalId = terminalOf(staff);
  const id = newId();
  const storage = ctx.storage;
  await storage.write(async (trx) => {
    const open = await trx
      .selectFrom('shifts')
      .select('id')
      .where('terminal_id', '=', terminalId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (open) throw new ApiError('conflict', 'A shift is already open on this terminal; close it first.');
    const shift = {
      id,
      store_id: ctx.store.id,
      terminal_id: terminalId,
      status: 'open',
      opened_by: staff.staffId,
      opened_at: ctx.now().toISOString(),
      opening_float: openingFloat,
      closed_by: null,
      closed_at: null,
      expected_cash: null,
      counted_cash: null,
      variance: null,
      note: null,
    };
    await trx.insertInto('shifts').values(shift).execute();
    // Opened offline: head office gets the shift in order with the sales made in it.
    await queueRow(trx, storage.offlineCopy, 'shifts', shift);
    await recordAudit(trx, ctx, {
      kind: 'shift.opened',
      staffId: staff.staffId,
      deviceId: terminalId,
      subjectType: 'shift',
      subjectId: id,
      detail: { openingFloat },
    });
  });
  ctx.bus.publish('shift.changed', ctx.store.id, { terminalId, shiftId: id, status: 'open' });
  return shiftReport(ctx, id);
}

/** The open shift of the staff member's terminal (404 when none is open). */
export async function currentShift(ctx: AppContext, staff: StaffPrincipal): Promise<ShiftReport> {
  const row = await openShiftRow(ctx, terminalOf(staff));
  if (!row) throw new ApiError('not_found', 'No shift is open on this terminal.');
  return report(ctx, row);
}

export async function shiftReport(ctx: AppContext, id: string): Promise<ShiftReport> {
  const row = await ctx.storage.db
    .selectFrom('shifts')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!row) throw notFound('shift', id);
  return report(ctx, row);
}

/** Cash put into the drawer (change from the bank) or paid out of it (a delivery paid in cash). */
export async function addCashEntry(
  ctx: AppContext,
  staff: StaffPrincipal,
  entry: { kind: CashEntryKind; amount: number; reason: string },
): Promise<ShiftReport> {
  const terminalId = terminalOf(staff);
  const shiftId = await runAction(ctx, async (trx, outbox) => {
    const open = await trx
      .selectFrom('shifts')
      .select('id')
      .where('terminal_id', '=', terminalId)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (!open) throw new ApiError('business_rule', 'Open a shift first.');
    const id = newId();
    const at = ctx.now().toISOString();
    const cash = {
      id,
      store_id: ctx.store.id,
      shift_id: open.id,
      kind: entry.kind,
      amount: entry.amount,
      reason: entry.reason,
      staff_id: staff.staffId,
      approver_id: null,
      at,
    };
    await trx.insertInto('shift_cash_entries').values(cash).execute();
    await queueRow(trx, ctx.storage.offlineCopy, 'shift_cash_entries', cash);
    await recordAudit(trx, ctx, {
      kind: 'shift.cash_entry',
      staffId: staff.staffId,
      deviceId: terminalId,
      subjectType: 'shift',
      subjectId: open.id,
      detail: entry,
    });
    // The 存款单 / 取款单 goes in the drawer with the cash or the receipt it paid.
    const head = await slipHead(trx, ctx, { staffId: staff.staffId, terminalId, at });
    await queueSlip(trx, ctx, outbox, terminalId, cashEntrySlip(head, { id, ...entry }));
    return open.id;
  });
  ctx.bus.publish('shift.changed', ctx.store.id, { terminalId, shiftId, status: 'open' });
  return shiftReport(ctx, shiftId);
}

/** Closes the shift with the cash counted in the drawer: the report keeps expected, counted and variance. */
export async function closeShift(
  ctx: AppContext,
  staff: StaffPrincipal,
  countedCash: number,
  note: string | null,
): Promise<ShiftReport> {
  const terminalId = terminalOf(staff);
  const open = await openShiftRow(ctx, terminalId);
  if (!open) throw new ApiError('business_rule', 'No shift is open on this terminal.');
  const closedAt = ctx.now().toISOString();
  await runAction(ctx, async (trx, outbox) => {
    // Figures as of the close, inside the write lock so no sale slips between count and close.
    const live = await report(ctx, { ...open, closed_at: closedAt }, trx);
    const expected = live.cash.expected;
    const updated = await trx
      .updateTable('shifts')
      .set({
        status: 'closed',
        closed_by: staff.staffId,
        closed_at: closedAt,
        expected_cash: expected,
        counted_cash: countedCash,
        variance: countedCash - expected,
        note,
      })
      .where('id', '=', open.id)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw new ApiError('conflict', 'This shift was closed meanwhile.');
    await recordAudit(trx, ctx, {
      kind: 'shift.closed',
      staffId: staff.staffId,
      deviceId: terminalId,
      subjectType: 'shift',
      subjectId: open.id,
      detail: { expected, counted: countedCash, variance: countedCash - expected },
    });
    // The 交班单 prints with the close, on this till's printer.
    const head = await slipHead(trx, ctx, { staffId: staff.staffId, terminalId, at: closedAt });
    await queueSlip(trx, ctx, outbox, terminalId, shiftCloseSlip(head, live, { counted: countedCash, note }));
  });
  ctx.bus.publish('shift.changed', ctx.store.id, { terminalId, shiftId: open.id, status: 'closed' });
  return shiftReport(ctx, open.id);
}

/** The Z report of a store day (local calendar day), per terminal and for the store. */
export async function dayReport(ctx: AppContext, day: string | undefined): Promise<DayReport> {
  const date = day ?? businessDay(ctx, ctx.now());
  const db = ctx.storage.db;
  const terminals = await db
    .selectFrom('devices')
    .select(['id', 'name'])
    .where('store_id', '=', ctx.store.id)
    .where('kind', '=', 'checkout')
    .orderBy('paired_at')
    .execute();
  const shifts = await db
    .selectFrom('shifts')
    .select(['id', 'terminal_id', 'opened_at', 'closed_at', 'variance'])
    .where('store_id', '=', ctx.store.id)
    .orderBy('opened_at')
    .execute();
  return {
    day: date,
    store: await takings(db, ctx, { kind: 'day', day: date }),
    terminals: await Promise.all(
      terminals.map(async (terminal) => ({
        terminalId: terminal.id,
        name: terminal.name,
        takings: await takings(db, ctx, { kind: 'day', day: date, terminalId: terminal.id }),
      })),
    ),
    shifts: shifts
      .filter((shift) => businessDay(ctx, new Date(shift.opened_at)) === date)
      .map((shift) => ({
        id: shift.id,
        terminalId: shift.terminal_id,
        openedAt: shift.opened_at,
        closedAt: shift.closed_at,
        variance: shift.variance,
      })),
  };
}
