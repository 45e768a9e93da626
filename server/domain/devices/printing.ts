import { v7 as uuidv7 } from 'uuid';
import type { AppContext } from '../../context.js';
import { ApiError, validationError } from '../../http/errors.js';
import type { PoleView } from '../../protocol/pole.js';
import type { PrintJob, PrintJobBody, PrintJobState } from '../../protocol/printing.js';
import type { DevicePrincipal, StaffPrincipal } from '../../protocol/roles.js';
import { recordAudit } from '../audit/service.js';
import type { Approver } from '../staff/approval.js';
import { printJobSchema } from './print-schemas.js';

/** Jobs a terminal's bridge has not yet confirmed it holds, oldest first, per terminal. */
type Outbox = Map<string, PrintJob[]>;
/** A bridge that stays away must not grow the server without bound. */
export const MAX_PENDING_PER_TERMINAL = 200;

const outboxes = new WeakMap<AppContext, Outbox>();
function outboxOf(ctx: AppContext): Outbox {
  let outbox = outboxes.get(ctx);
  if (!outbox) {
    outbox = new Map();
    outboxes.set(ctx, outbox);
  }
  return outbox;
}

/**
 * Hands a print job to the bridge of a checkout terminal. The job waits here until the bridge
 * confirms it stored the job in its own queue (`print/report` queued), so a bridge that was
 * away collects it with `print/pending` when it reconnects. Checkout calls this after a sale.
 */
export function queuePrint(
  ctx: AppContext,
  terminalId: string,
  body: PrintJobBody,
  options: { jobId?: string } = {},
): PrintJob {
  const checked = printJobSchema.safeParse({
    ...body,
    jobId: options.jobId ?? uuidv7(),
    terminalId,
    reprint: false,
  });
  if (!checked.success) throw validationError(checked.error, 'job');
  const job = checked.data;
  const outbox = outboxOf(ctx);
  const pending = outbox.get(terminalId) ?? [];
  if (pending.some((waiting) => waiting.jobId === job.jobId)) return job;
  pending.push(job);
  if (pending.length > MAX_PENDING_PER_TERMINAL) {
    const dropped = pending.shift();
    ctx.log.warn({ terminalId, jobId: dropped?.jobId }, 'print outbox full: the oldest job was dropped');
  }
  outbox.set(terminalId, pending);
  ctx.bus.publish('print.job', ctx.store.id, job);
  return job;
}

export function pendingPrintJobs(ctx: AppContext, bridge: DevicePrincipal): PrintJob[] {
  if (!bridge.terminalId) return [];
  return [...(outboxOf(ctx).get(bridge.terminalId) ?? [])];
}

/** A bridge says where a job is; once it holds the job, the server forgets it. */
export function reportPrint(
  ctx: AppContext,
  bridge: DevicePrincipal,
  jobId: string,
  state: PrintJobState,
  reason: string | undefined,
): void {
  const terminalId = assertBound(bridge);
  const pending = outboxOf(ctx).get(terminalId);
  if (pending) {
    const index = pending.findIndex((job) => job.jobId === jobId);
    if (index >= 0) pending.splice(index, 1);
  }
  ctx.bus.publish('print.status', ctx.store.id, {
    terminalId,
    deviceId: bridge.deviceId,
    jobId,
    state,
    ...(reason !== undefined && { reason }),
  });
}

/** Staff ask for another copy of a job the bridge of their terminal printed. Audited. */
export async function reprintJob(
  ctx: AppContext,
  staff: StaffPrincipal,
  approver: Approver | null,
  jobId: string,
): Promise<{ terminalId: string; jobId: string }> {
  const terminalId = staff.deviceId;
  if (!terminalId) {
    throw new ApiError(
      'business_rule',
      'Sign in with your PIN on a checkout terminal to reprint its receipts.',
    );
  }
  await ctx.storage.write((trx) =>
    recordAudit(trx, ctx, {
      kind: 'receipt.reprinted',
      staffId: staff.staffId,
      approverId: approver?.staffId ?? null,
      deviceId: terminalId,
      subjectType: 'print_job',
      subjectId: jobId,
      detail: {},
    }),
  );
  ctx.bus.publish('print.reprint', ctx.store.id, { terminalId, jobId });
  return { terminalId, jobId };
}

/** A bridge relays a scan to its terminal. */
export function relayScan(
  ctx: AppContext,
  bridge: DevicePrincipal,
  scan: { hardwareId: string; code: string; symbology?: string | undefined },
): void {
  ctx.bus.publish('scanner.scan', ctx.store.id, {
    deviceId: bridge.deviceId,
    terminalId: assertBound(bridge),
    hardwareId: scan.hardwareId,
    code: scan.code,
    symbology: scan.symbology ?? null,
  });
}

/** Shows something on the pole display of a terminal (checkout calls this while ringing up). */
export function showOnPole(ctx: AppContext, terminalId: string, view: PoleView): void {
  ctx.bus.publish('pole.show', ctx.store.id, { terminalId, view });
}

function assertBound(bridge: DevicePrincipal): string {
  if (!bridge.terminalId) {
    throw new ApiError(
      'business_rule',
      'This bridge belongs to no checkout terminal; pair it again with a terminal chosen.',
    );
  }
  return bridge.terminalId;
}
