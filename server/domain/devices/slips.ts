import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Outbox } from '../../events/outbox.js';
import type { PrintJob, SlipDocument } from '../../protocol/printing.js';
import type { Database } from '../../storage/schema.js';
import { keepPrintJob, printJobFor } from './printing.js';

/** Text as the print schema takes it: one line, no control characters, at most `max`. */
export function slipText(text: string, max: number): string {
  return text
    .replace(/\p{Cc}/gu, ' ')
    .trim()
    .slice(0, max);
}

/** What every slip starts with: the shop, the time, who did it and at which till. */
export async function slipHead(
  trx: Kysely<Database>,
  ctx: AppContext,
  who: { staffId: string | null; terminalId: string; at: string },
): Promise<Pick<SlipDocument, 'store' | 'at' | 'timeZone' | 'cashier' | 'terminalName'>> {
  const staff = who.staffId
    ? await trx.selectFrom('staff').select('name').where('id', '=', who.staffId).executeTakeFirst()
    : undefined;
  const terminal = await trx
    .selectFrom('devices')
    .select('name')
    .where('id', '=', who.terminalId)
    .executeTakeFirst();
  const terminalName = terminal?.name ? slipText(terminal.name, 40) : '';
  return {
    store: { code: ctx.store.code, name: slipText(ctx.store.name, 80) },
    at: who.at,
    timeZone: ctx.store.timeZone,
    cashier: { name: slipText(staff?.name ?? '', 40) || '—' },
    ...(terminalName && { terminalName }),
  };
}

/**
 * Queues a counter slip for the till's printer inside the caller's transaction, so the slip
 * and what it records are kept together. A slip the print schema refuses is logged and left
 * out: paper never undoes a close, a top-up or a cash entry.
 */
export async function queueSlip(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  terminalId: string,
  document: SlipDocument,
): Promise<void> {
  let job: PrintJob;
  try {
    job = printJobFor(terminalId, { kind: 'slip', document });
  } catch (error) {
    ctx.log.warn(
      { err: error, kind: document.kind, ref: document.ref },
      'a slip could not be queued for printing',
    );
    return;
  }
  await keepPrintJob(trx, ctx, outbox, job);
}
