import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { SalesSettings } from '../../protocol/sales.js';
import { keptInTransaction } from '../../storage/per-transaction.js';
import type { Database, SalesSettingsTable } from '../../storage/schema.js';
import { previousValues } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';

/** The checkout rules a shop chooses. */
export const salesSettingsBody = z.strictObject({
  /** Days after the sale within which a cashier may take goods back; beyond that a manager approves. */
  returnDays: z.number().int().min(0).max(3650),
  /** The largest manual line discount a cashier may give alone, in basis points off (1000 = 10%). */
  cashierDiscountLimitBp: z.number().int().min(0).max(10_000),
  /** 抹零: round every bill down to the jiao or the yuan, or not at all. */
  rounding: z.enum(['none', 'jiao', 'yuan']),
  /** Selling needs an open shift on the till; left out, it stays as it was. */
  requireShift: z.boolean().optional(),
});

export const DEFAULT_SALES_SETTINGS: SalesSettings = {
  returnDays: 30,
  cashierDiscountLimitBp: 1000,
  rounding: 'none',
  requireShift: true,
};

/** The store's row of checkout rules (none until first saved). */
export function salesSettingsRow(db: Kysely<Database>, ctx: AppContext) {
  return db
    .selectFrom('sales_settings')
    .select(['return_days', 'cashier_discount_limit_bp', 'rounding', 'require_shift'])
    .where('store_id', '=', ctx.store.id);
}

type SalesSettingsRow = Pick<
  SalesSettingsTable,
  'return_days' | 'cashier_discount_limit_bp' | 'rounding' | 'require_shift'
>;

export function salesSettingsOf(row: SalesSettingsRow | undefined): SalesSettings {
  if (!row) return { ...DEFAULT_SALES_SETTINGS };
  return {
    returnDays: row.return_days,
    cashierDiscountLimitBp: row.cashier_discount_limit_bp,
    rounding: row.rounding as SalesSettings['rounding'],
    requireShift: row.require_shift === 1,
  };
}

/** The checkout rules; inside a sale, as its settings statement read them (`sale-settings.ts`). */
export async function salesSettings(db: Kysely<Database>, ctx: AppContext): Promise<SalesSettings> {
  const kept = keptInTransaction<SalesSettings>(db, SALES_SETTINGS_KEY);
  if (kept) return kept;
  return salesSettingsOf(await salesSettingsRow(db, ctx).executeTakeFirst());
}

/** Where a sale's transaction keeps the rules it read (`keepForTransaction`). */
export const SALES_SETTINGS_KEY = 'sales_settings';

export async function saveSalesSettings(
  ctx: AppContext,
  body: z.infer<typeof salesSettingsBody>,
  staffId: string | null,
): Promise<SalesSettings> {
  return ctx.storage.write(async (trx) => {
    const now = ctx.now().toISOString();
    const before = await salesSettings(trx, ctx);
    const settings: SalesSettings = { ...body, requireShift: body.requireShift ?? before.requireShift };
    const values = {
      return_days: settings.returnDays,
      cashier_discount_limit_bp: settings.cashierDiscountLimitBp,
      rounding: settings.rounding,
      require_shift: settings.requireShift ? 1 : 0,
      updated_at: now,
    };
    await trx
      .insertInto('sales_settings')
      .values({ store_id: ctx.store.id, ...values })
      .onConflict((oc) => oc.column('store_id').doUpdateSet(values))
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'sale.settings_changed',
      staffId,
      subjectType: 'store',
      subjectId: ctx.store.id,
      detail: { ...settings, was: previousValues(before, settings) },
    });
    return settings;
  });
}
