import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { runAction } from '../../events/action.js';
import { labelPrinter } from '../devices/label-printers.js';
import { keepPrintJob, printJobFor } from '../devices/printing.js';
import { itemLabels, receiptLabels, styleLabels } from './labels.js';

/** Which tags to print: chosen SKUs, a style's size run, or a delivery (one tag per unit). */
export type LabelRequest =
  | { items: { skuId: string; copies: number }[] }
  | { styleId: string; copies: number }
  | { receiptId: string };

/**
 * Sends price tags to the label printer of the bridge that drives one: a print job for that
 * bridge's terminal, kept like a receipt until the bridge holds it. 400 when no bridge has
 * reported a label printer (TSPL or ZPL).
 */
export async function printLabels(ctx: AppContext, request: LabelRequest): Promise<{ jobIds: string[] }> {
  const printer = labelPrinter(ctx);
  if (!printer) {
    throw new ApiError(
      'validation_failed',
      'No bridge of this store drives a label printer (TSPL or ZPL); add one to bridge.devices and start the bridge.',
      { printer: 'no label printer connected' },
    );
  }
  const document =
    'items' in request
      ? await itemLabels(ctx, request.items)
      : 'styleId' in request
        ? await styleLabels(ctx, request.styleId, request.copies)
        : await receiptLabels(ctx, request.receiptId);
  const job = printJobFor(printer.terminalId, { kind: 'labels', document });
  await runAction(ctx, (trx, outbox) => keepPrintJob(trx, ctx, outbox, job));
  ctx.log.info(
    { jobId: job.jobId, labels: document.labels.length, printer: printer.hardwareId },
    'price tags sent',
  );
  return { jobIds: [job.jobId] };
}
