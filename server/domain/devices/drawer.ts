import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { DevicePrincipal, StaffPrincipal } from '../../protocol/roles.js';
import { recordAudit } from '../audit/service.js';
import type { Approver } from '../staff/approval.js';

/** How long a "no sale" waits for the till's bridge to say the drawer opened. */
export const DRAWER_ANSWER_MS = 3000;

interface DrawerAnswer {
  opened: boolean;
  reason?: string | undefined;
}

/** Drawer openings waiting for their bridge's answer, by request id. */
const waiting = new Map<string, { terminalId: string; settle: (answer: DrawerAnswer) => void }>();

/** A bridge says whether it opened the drawer it was asked to open (`drawer/opened`). */
export function drawerAnswered(bridge: DevicePrincipal, requestId: string, answer: DrawerAnswer): void {
  const entry = waiting.get(requestId);
  if (!entry || entry.terminalId !== bridge.terminalId) throw notFound('drawer request', requestId);
  waiting.delete(requestId);
  entry.settle(answer);
}

/**
 * "No sale": opens the cash drawer of the terminal the staff member is signed in on. The
 * terminal's bridge receives a `drawer.open` event, kicks the drawer and answers; the cashier
 * hears that it opened, or why not (no bridge, the kick failed) — never "opened" on trust.
 * Audited either way: a manager's approval was spent on it.
 */
export async function openDrawer(
  ctx: AppContext,
  staff: StaffPrincipal,
  approver: Approver | null,
  reason: string,
): Promise<{ terminalId: string }> {
  const terminalId = staff.deviceId;
  if (!terminalId) {
    throw new ApiError('business_rule', 'Sign in with your PIN on a checkout terminal to open its drawer.');
  }
  const requestId = newId();
  const answered = new Promise<DrawerAnswer | null>((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(requestId);
      resolve(null);
    }, DRAWER_ANSWER_MS);
    waiting.set(requestId, {
      terminalId,
      settle: (answer) => {
        clearTimeout(timer);
        resolve(answer);
      },
    });
  });
  ctx.bus.publish('drawer.open', ctx.store.id, { terminalId, reason, requestId });
  const answer = await answered;
  const failure =
    answer === null
      ? "the till's hardware bridge did not answer"
      : answer.opened
        ? null
        : (answer.reason ?? 'the drawer did not open');
  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'drawer.opened',
      staffId: staff.staffId,
      approverId: approver?.staffId ?? null,
      deviceId: terminalId,
      subjectType: 'device',
      subjectId: terminalId,
      detail: { reason, opened: failure === null, ...(failure && { failure }) },
    }),
  );
  if (failure)
    throw new ApiError('device_unavailable', `The drawer did not open: ${failure}.`, { drawer: failure });
  return { terminalId };
}
