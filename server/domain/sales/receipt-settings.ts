import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { ReceiptSettings } from '../../protocol/sales.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';

/** One printed line: what fits a receipt's width in a few rows, no control characters. */
const printedLine = z
  .string()
  .trim()
  .max(60, 'at most 60 characters a line')
  .regex(/^[^\p{Cc}]*$/u, 'one line, no control characters');
const printedLines = z.array(printedLine).max(8, 'at most 8 lines');

/** What the shop prints on every receipt. */
export const receiptSettingsBody = z.strictObject({
  address: printedLine,
  phone: z
    .string()
    .trim()
    .max(30, 'at most 30 characters')
    .regex(/^[0-9+() -]*$/, 'digits, spaces, +, - and brackets'),
  returnsPolicy: printedLines,
  footer: printedLines,
});

const NONE: ReceiptSettings = { address: '', phone: '', returnsPolicy: [], footer: [] };

const lines = (value: string) => (value === '' ? [] : value.split('\n'));

export async function receiptSettings(db: Kysely<Database>, ctx: AppContext): Promise<ReceiptSettings> {
  const row = await db
    .selectFrom('receipt_settings')
    .selectAll()
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  if (!row) return { ...NONE, address: ctx.store.address ?? '' };
  return {
    address: row.address || (ctx.store.address ?? ''),
    phone: row.phone,
    returnsPolicy: lines(row.returns_policy),
    footer: lines(row.footer),
  };
}

export async function saveReceiptSettings(
  ctx: AppContext,
  settings: ReceiptSettings,
  staffId: string | null,
): Promise<ReceiptSettings> {
  const kept: ReceiptSettings = {
    ...settings,
    returnsPolicy: settings.returnsPolicy.filter((line) => line !== ''),
    footer: settings.footer.filter((line) => line !== ''),
  };
  await ctx.storage.write(async (trx) => {
    const values = {
      address: kept.address,
      phone: kept.phone,
      returns_policy: kept.returnsPolicy.join('\n'),
      footer: kept.footer.join('\n'),
      updated_at: ctx.now().toISOString(),
    };
    await trx
      .insertInto('receipt_settings')
      .values({ store_id: ctx.store.id, ...values })
      .onConflict((oc) => oc.column('store_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'sale.receipt_settings_changed',
      staffId,
      subjectType: 'store',
      subjectId: ctx.store.id,
      detail: { ...kept },
    });
  });
  return receiptSettings(ctx.storage.db, ctx);
}
