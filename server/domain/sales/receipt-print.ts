import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Outbox } from '../../events/outbox.js';
import type { PrintJob } from '../../protocol/printing.js';
import type { ReceiptDocument } from '../../protocol/receipt.js';
import type { Database } from '../../storage/schema.js';
import { keepPrintJob, printJobFor } from '../devices/printing.js';

/**
 * Queues a receipt for the terminal's bridge inside the transaction of the sale or return it
 * belongs to, so neither is ever kept without its receipt. A receipt the print schema refuses
 * is logged and left out: a printing problem never undoes a sale. No terminal, no receipt.
 */
export async function queueReceipt(
  trx: Kysely<Database>,
  ctx: AppContext,
  outbox: Outbox,
  receipt: { terminalId: string | null; document: ReceiptDocument; jobId: string; openDrawer: boolean },
): Promise<void> {
  if (!receipt.terminalId) return;
  let job: PrintJob;
  try {
    job = printJobFor(
      receipt.terminalId,
      { kind: 'receipt', document: receipt.document, openDrawer: receipt.openDrawer },
      receipt.jobId,
    );
  } catch (error) {
    ctx.log.warn({ err: error, jobId: receipt.jobId }, 'the receipt could not be queued for printing');
    return;
  }
  await keepPrintJob(trx, ctx, outbox, job);
}

/** A cash drawer opens when cash changes hands. */
export function paysCash(tenders: readonly { method: string }[]): boolean {
  return tenders.some((tender) => tender.method === 'cash');
}
