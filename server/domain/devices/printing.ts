import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError, notFound, validationError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import type { Outbox } from '../../events/outbox.js';
import { newId } from '../../ids.js';
import type { PoleView } from '../../protocol/pole.js';
import { printJobSchema } from '../../protocol/print-schemas.js';
import type { PrintJob, PrintJobBody, PrintJobState, PrintJobView } from '../../protocol/printing.js';
import type { DevicePrincipal, StaffPrincipal } from '../../protocol/roles.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';
import type { Approver } from '../staff/approval.js';

/** A bridge that stays away must not grow the server without bound. */
export const MAX_PENDING_PER_TERMINAL = 200;

/** A print job for a checkout terminal's bridge, checked against the job schema (422 naming `job`). */
export function printJobFor(terminalId: string, body: PrintJobBody, jobId: string = newId()): PrintJob {
  const checked = printJobSchema.safeParse({ ...body, jobId, terminalId, reprint: false });
  if (!checked.success) throw validationError(checked.error, 'job');
  return checked.data;
}

/**
 * Keeps a print job inside the caller's transaction, for the bridge of its terminal. The job
 * stays in the database until the bridge reports it holds the job in its own queue
 * (`print/report`), so a bridge that was away — or a server that restarted — still delivers
 * it: the bridge collects it with `print/pending` when it connects. A job id already kept is
 * not kept twice. `print.job` goes out with the transaction's other events.
 */
export async function keepPrintJob(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  job: PrintJob,
): Promise<void> {
  const terminalId = job.terminalId;
  const seen = await trx.selectFrom('print_jobs').select('id').where('id', '=', job.jobId).executeTakeFirst();
  if (seen) return;
  const now = ctx.now().toISOString();
  await trx
    .insertInto('print_jobs')
    .values({
      id: job.jobId,
      store_id: ctx.store.id,
      terminal_id: terminalId,
      job: JSON.stringify(job),
      created_at: now,
      collected_at: null,
    })
    .execute();
  const waiting = await trx
    .selectFrom('print_jobs')
    .select('id')
    .where('terminal_id', '=', terminalId)
    .where('collected_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .offset(MAX_PENDING_PER_TERMINAL)
    .limit(1000)
    .execute();
  if (waiting.length > 0) {
    await trx
      .updateTable('print_jobs')
      .set({ collected_at: now })
      .where(
        'id',
        'in',
        waiting.map((row) => row.id),
      )
      .execute();
    ctx.log.warn({ terminalId, dropped: waiting.length }, 'print outbox full: the oldest jobs were dropped');
  }
  outbox.add('print.job', job);
}

/** Hands a print job to the bridge of a checkout terminal, as an action of its own. */
export async function queuePrint(
  ctx: AppContext,
  terminalId: string,
  body: PrintJobBody,
  options: { jobId?: string } = {},
): Promise<PrintJob> {
  const job = printJobFor(terminalId, body, options.jobId);
  await runAction(ctx, (trx, outbox) => keepPrintJob(trx, ctx, outbox, job));
  return job;
}

export async function pendingPrintJobs(ctx: AppContext, bridge: DevicePrincipal): Promise<PrintJob[]> {
  if (!bridge.terminalId) return [];
  const rows = await ctx.storage.db
    .selectFrom('print_jobs')
    .select('job')
    .where('terminal_id', '=', bridge.terminalId)
    .where('collected_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => JSON.parse(row.job) as PrintJob);
}

/** A job of this terminal's, or a 404: another till's job is as unknown as one never made. */
async function assertJobOf(trx: Kysely<Database>, terminalId: string, jobId: string): Promise<void> {
  const row = await trx
    .selectFrom('print_jobs')
    .select('id')
    .where('id', '=', jobId)
    .where('terminal_id', '=', terminalId)
    .executeTakeFirst();
  if (!row) throw notFound('print job', jobId);
}

/**
 * A bridge says where a job is; once it holds the job, the server stops offering it. The state
 * is kept for `GET /api/print/jobs/:id`; a reason is kept as the job's last error until it prints.
 */
export async function reportPrint(
  ctx: AppContext,
  bridge: DevicePrincipal,
  jobId: string,
  state: PrintJobState,
  reason: string | undefined,
  attempts?: number,
): Promise<void> {
  const terminalId = assertBound(bridge);
  await runAction(ctx, async (trx, outbox) => {
    await assertJobOf(trx, terminalId, jobId);
    await trx
      .updateTable('print_jobs')
      .set({ collected_at: ctx.now().toISOString() })
      .where('id', '=', jobId)
      .where('terminal_id', '=', terminalId)
      .where('collected_at', 'is', null)
      .execute();
    await trx
      .updateTable('print_jobs')
      .set({
        state,
        ...(attempts !== undefined && { attempts }),
        ...(reason !== undefined && { last_error: reason }),
        ...(state === 'printed' && { last_error: null }),
      })
      .where('id', '=', jobId)
      .where('terminal_id', '=', terminalId)
      .execute();
    outbox.add('print.status', {
      terminalId,
      deviceId: bridge.deviceId,
      jobId,
      state,
      ...(reason !== undefined && { reason }),
    });
  });
}

/**
 * Where a print job is. A cashier sees only the jobs of the terminal they are signed in on;
 * another till's job is as unknown (404) as one never made.
 */
export async function printJobView(
  ctx: AppContext,
  staff: StaffPrincipal,
  jobId: string,
): Promise<PrintJobView> {
  let query = ctx.storage.db
    .selectFrom('print_jobs')
    .select(['id', 'job', 'state', 'attempts', 'last_error'])
    .where('id', '=', jobId)
    .where('store_id', '=', ctx.store.id);
  if (staff.role === 'cashier') query = query.where('terminal_id', '=', staff.deviceId ?? '');
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('print job', jobId);
  const job = JSON.parse(row.job) as PrintJob;
  return {
    id: row.id,
    kind: job.kind,
    state: row.state as PrintJobState,
    attempts: row.attempts,
    ...(row.last_error !== null && { lastError: row.last_error }),
  };
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
  await runAction(ctx, async (trx, outbox) => {
    await assertJobOf(trx, terminalId, jobId);
    await recordAudit(trx, ctx, {
      kind: 'receipt.reprinted',
      staffId: staff.staffId,
      approverId: approver?.staffId ?? null,
      deviceId: terminalId,
      subjectType: 'print_job',
      subjectId: jobId,
      detail: {},
    });
    outbox.add('print.reprint', { terminalId, jobId });
  });
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
