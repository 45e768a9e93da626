import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { runAction } from '../../events/action.js';
import type { ReceiptLogo } from '../../protocol/receipt.js';
import type { ReceiptSettings } from '../../protocol/sales.js';
import { keptInTransaction } from '../../storage/per-transaction.js';
import type { Database, ReceiptSettingsTable } from '../../storage/schema.js';
import { previousValues } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';

/** One printed line: what fits a receipt's width in a few rows, no control characters. */
const printedLine = z
  .string()
  .trim()
  .max(60, 'at most 60 characters a line')
  .regex(/^[^\p{Cc}]*$/u, 'one line, no control characters');
const printedLines = z.array(printedLine).max(8, 'at most 8 lines');

/** What the shop prints on every receipt (the logo has its own route: it is an image). */
export const receiptSettingsBody = z.strictObject({
  address: printedLine,
  phone: z
    .string()
    .trim()
    .max(30, 'at most 30 characters')
    .regex(/^[0-9+() -]*$/, 'digits, spaces, +, - and brackets'),
  returnsPolicy: printedLines,
  footer: printedLines,
  /** Left out, the header stays as it was (screens older than the header). */
  header: printedLines.optional(),
});

type ReceiptText = Omit<ReceiptSettings, 'logo'>;

const NONE: ReceiptSettings = {
  address: '',
  phone: '',
  returnsPolicy: [],
  footer: [],
  header: [],
  logo: null,
};

const lines = (value: string) => (value === '' ? [] : value.split('\n'));

/** The store's receipt row (none until first saved). */
export function receiptSettingsRow(db: Kysely<Database>, ctx: AppContext) {
  return db
    .selectFrom('receipt_settings')
    .select(['address', 'phone', 'returns_policy', 'footer', 'header', 'logo'])
    .where('store_id', '=', ctx.store.id);
}

type ReceiptSettingsRow = Pick<
  Selectable<ReceiptSettingsTable>,
  'address' | 'phone' | 'returns_policy' | 'footer' | 'header' | 'logo'
>;

export function receiptSettingsOf(ctx: AppContext, row: ReceiptSettingsRow | undefined): ReceiptSettings {
  if (!row) return { ...NONE, address: ctx.store.address ?? '' };
  return {
    address: row.address || (ctx.store.address ?? ''),
    phone: row.phone,
    returnsPolicy: lines(row.returns_policy),
    footer: lines(row.footer),
    header: lines(row.header),
    logo: row.logo ? (JSON.parse(row.logo) as ReceiptLogo) : null,
  };
}

/** Where a sale's transaction keeps the receipt settings it read (`keepForTransaction`). */
export const RECEIPT_SETTINGS_KEY = 'receipt_settings';

/** What the shop prints; inside a sale, as its settings statement read them (`sale-settings.ts`). */
export async function receiptSettings(db: Kysely<Database>, ctx: AppContext): Promise<ReceiptSettings> {
  const kept = keptInTransaction<ReceiptSettings>(db, RECEIPT_SETTINGS_KEY);
  if (kept) return kept;
  return receiptSettingsOf(ctx, await receiptSettingsRow(db, ctx).executeTakeFirst());
}

/** The logo alone: what a bridge needs to print it. */
export async function receiptLogo(db: Kysely<Database>, ctx: AppContext): Promise<ReceiptLogo | null> {
  return (await receiptSettings(db, ctx)).logo;
}

/** The stored row's columns for these settings, kept where a field is left out. */
function rowOf(settings: ReceiptSettings, now: string) {
  return {
    address: settings.address,
    phone: settings.phone,
    returns_policy: settings.returnsPolicy.join('\n'),
    footer: settings.footer.join('\n'),
    header: settings.header.join('\n'),
    logo: settings.logo ? JSON.stringify(settings.logo) : '',
    updated_at: now,
  };
}

export async function saveReceiptSettings(
  ctx: AppContext,
  body: z.infer<typeof receiptSettingsBody>,
  staffId: string | null,
): Promise<ReceiptSettings> {
  await ctx.storage.write(async (trx) => {
    const before = await receiptSettings(trx, ctx);
    const kept: ReceiptText = {
      address: body.address,
      phone: body.phone,
      returnsPolicy: body.returnsPolicy.filter((line) => line !== ''),
      footer: body.footer.filter((line) => line !== ''),
      header: (body.header ?? before.header).filter((line) => line !== ''),
    };
    const values = rowOf({ ...kept, logo: before.logo }, ctx.now().toISOString());
    await trx
      .insertInto('receipt_settings')
      .values({ store_id: ctx.store.id, ...values })
      .onConflict((oc) => oc.column('store_id').doUpdateSet(values))
      .execute();
    const { logo: _logo, ...was } = before;
    await recordAudit(trx, ctx, {
      kind: 'sale.receipt_settings_changed',
      staffId,
      subjectType: 'store',
      subjectId: ctx.store.id,
      detail: { ...kept, was: previousValues(was, kept) },
    });
  });
  return receiptSettings(ctx.storage.db, ctx);
}

/**
 * Puts the logo on the shop's receipts (or takes it off with null). The bridges hear of it
 * after the commit and print it from their next receipt on.
 */
export async function saveReceiptLogo(
  ctx: AppContext,
  logo: ReceiptLogo | null,
  staffId: string | null,
): Promise<ReceiptSettings> {
  await runAction(ctx, async (trx, outbox) => {
    const before = await receiptSettings(trx, ctx);
    const values = rowOf({ ...before, logo }, ctx.now().toISOString());
    await trx
      .insertInto('receipt_settings')
      .values({ store_id: ctx.store.id, ...values })
      .onConflict((oc) => oc.column('store_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'sale.receipt_logo_changed',
      staffId,
      subjectType: 'store',
      subjectId: ctx.store.id,
      detail: logo ? { logo: `${logo.width}×${logo.height}` } : { cleared: true },
    });
    outbox.add('bridge.setup', { bridgeId: null });
  });
  return receiptSettings(ctx.storage.db, ctx);
}
