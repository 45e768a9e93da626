import { z } from 'zod';
import { storeDay } from '../../dates.js';
import { route } from '../../http/route.js';
import type { Principal } from '../../protocol/roles.js';
import { command } from '../../ws/command.js';
import { assertNothingOut, stillOut } from '../chain-link/still-out.js';
import { storeCode } from '../reports/routes.js';
import { reportStore } from '../reports/scope.js';
import { assertStaff } from '../staff/sessions.js';
import { addCashEntry, closeShift, currentShift, dayReport, openShift, shiftReport } from './service.js';

const fen = z.number().int('whole fen').min(0).max(100_000_000);
const openBody = z.strictObject({ openingFloat: fen });
const cashBody = z.strictObject({
  kind: z.enum(['cash_in', 'paid_out']),
  amount: fen.min(1, 'at least 1 fen'),
  reason: z.string().trim().min(1, 'required').max(100, 'at most 100 characters'),
});
const closeBody = z.strictObject({
  countedCash: fen,
  note: z.string().trim().max(200, 'at most 200 characters').optional(),
});
const day = storeDay();

export const shiftsRoutes = [
  route({
    method: 'post',
    path: '/api/shifts',
    permission: 'shift.manage',
    summary: 'Open a shift on this terminal with the cash float',
    status: 201,
    body: openBody,
    handle: ({ ctx, principal, body }) => {
      assertStaff(principal);
      return openShift(ctx, principal, body.openingFloat);
    },
  }),
  route({
    method: 'get',
    path: '/api/shifts/current',
    permission: 'shift.read',
    summary: "This terminal's open shift with its X report",
    handle: ({ ctx, principal }) => {
      assertStaff(principal);
      return currentShift(ctx, principal);
    },
  }),
  route({
    method: 'post',
    path: '/api/shifts/current/cash',
    permission: 'shift.manage',
    summary: 'Cash put into the drawer or paid out of it, with a reason',
    status: 201,
    body: cashBody,
    handle: ({ ctx, principal, body }) => {
      assertStaff(principal);
      return addCashEntry(ctx, principal, body);
    },
  }),
  route({
    method: 'post',
    path: '/api/shifts/current/close',
    permission: 'shift.manage',
    summary: 'Close the shift with the counted cash: expected, counted, variance',
    body: closeBody,
    handle: async ({ ctx, principal, body }) => {
      assertStaff(principal);
      await assertNothingOut(ctx);
      return closeShift(ctx, principal, body.countedCash, body.note ?? null);
    },
  }),
  route({
    method: 'get',
    path: '/api/shifts/:id',
    permission: 'report.day',
    summary: 'A shift and its report',
    params: z.object({ id: z.string().min(1).max(64) }),
    handle: ({ ctx, params }) => shiftReport(ctx, params.id),
  }),
  route({
    method: 'get',
    path: '/api/reports/day',
    permission: 'report.day',
    summary:
      "The Z report of a store day, per terminal and for the store (head office: any store's, `store=`)",
    query: z.strictObject({ date: day.optional(), store: storeCode.optional() }),
    handle: async ({ ctx, query, principal }) => {
      const report = await dayReport(await reportStore(ctx, principal as Principal, query.store), query.date);
      // What this store still has to send head office (offline sales): its own day only.
      const out = query.store === undefined ? await stillOut(ctx) : null;
      return out ? { ...report, stillOut: out } : report;
    },
  }),
];

export const shiftsCommands = [
  command({
    type: 'shift/current',
    permission: 'shift.read',
    summary: "This terminal's open shift with its X report",
    params: z.strictObject({}),
    handle: ({ ctx, principal }) => {
      assertStaff(principal);
      return currentShift(ctx, principal);
    },
  }),
  command({
    type: 'shift/open',
    permission: 'shift.manage',
    summary: 'Open a shift on this terminal',
    params: openBody,
    handle: ({ ctx, principal, params }) => {
      assertStaff(principal);
      return openShift(ctx, principal, params.openingFloat);
    },
  }),
  command({
    type: 'shift/cash',
    permission: 'shift.manage',
    summary: 'Cash in or paid out',
    params: cashBody,
    handle: ({ ctx, principal, params }) => {
      assertStaff(principal);
      return addCashEntry(ctx, principal, params);
    },
  }),
  command({
    type: 'shift/close',
    permission: 'shift.manage',
    summary: 'Close the shift with the counted cash',
    params: closeBody,
    handle: async ({ ctx, principal, params }) => {
      assertStaff(principal);
      await assertNothingOut(ctx);
      return closeShift(ctx, principal, params.countedCash, params.note ?? null);
    },
  }),
];
