import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { Database } from '../../storage/schema.js';
import { paymentRow } from './views.js';

/**
 * Inside a sale's transaction: the succeeded payment `paymentId` becomes the tender
 * `payments.<i>` — same provider, same amount, not cancelled, used by no other sale. Answers the
 * provider's transaction number, which the receipt prints as the tender's reference.
 */
export async function takeMobileTender(
  trx: Kysely<Database>,
  ctx: AppContext,
  tender: {
    paymentId: string;
    method: string;
    amount: number;
    saleId: string;
    training: boolean;
    field: string;
  },
): Promise<string> {
  const { field } = tender;
  const refuse = (why: string, message: string) =>
    new ApiError('business_rule', message, { [`${field}.paymentId`]: why });
  if (tender.training) throw refuse('not in a training sale', 'A training sale takes no real money.');
  const payment = await paymentRow(trx, ctx, tender.paymentId);
  if (!payment) throw refuse('no such payment', `No payment with id ${JSON.stringify(tender.paymentId)}.`);
  if (payment.provider !== tender.method) {
    throw new ApiError('business_rule', `Payment ${payment.id} was made with ${payment.provider}.`, {
      [`${field}.method`]: `the payment is ${payment.provider}`,
    });
  }
  if (payment.sale_id !== null && payment.sale_id !== tender.saleId) {
    throw new ApiError('conflict', `Payment ${payment.id} already paid sale ${payment.sale_id}.`, {
      [`${field}.paymentId`]: 'used by another sale',
    });
  }
  if (payment.status !== 'succeeded')
    throw refuse(`not paid (${payment.status})`, `Payment ${payment.id} is ${payment.status}.`);
  if (payment.cancel_asked === 1)
    throw refuse('being cancelled', `Payment ${payment.id} is being cancelled.`);
  if (payment.amount !== tender.amount) {
    throw new ApiError('business_rule', `Payment ${payment.id} took ${payment.amount} fen.`, {
      [`${field}.amount`]: `the payment took ${payment.amount}`,
    });
  }
  const taken = await trx
    .updateTable('payments')
    .set({ sale_id: tender.saleId, updated_at: ctx.now().toISOString() })
    .where('id', '=', payment.id)
    .where('sale_id', 'is', null)
    .where('cancel_asked', '=', 0)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) {
    throw new ApiError('conflict', `Payment ${payment.id} was taken meanwhile.`, {
      [`${field}.paymentId`]: 'used by another sale',
    });
  }
  return payment.transaction_id as string;
}
