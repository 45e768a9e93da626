import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { InventorySettings, NegativeStockPolicy } from '../../protocol/inventory.js';
import type { Database } from '../../storage/schema.js';
import { previousValues } from '../audit/changes.js';
import { recordAudit } from '../audit/service.js';

/** A shop that has not chosen sells below zero with a warning. */
export const DEFAULT_NEGATIVE_STOCK: NegativeStockPolicy = 'allow';

export async function inventorySettings(db: Kysely<Database>, ctx: AppContext): Promise<InventorySettings> {
  const row = await db
    .selectFrom('inventory_settings')
    .select('negative_stock')
    .where('store_id', '=', ctx.store.id)
    .executeTakeFirst();
  return {
    negativeStock: (row?.negative_stock as NegativeStockPolicy | undefined) ?? DEFAULT_NEGATIVE_STOCK,
  };
}

export async function saveInventorySettings(
  ctx: AppContext,
  settings: InventorySettings,
  staffId: string | null,
): Promise<InventorySettings> {
  await ctx.storage.write(async (trx) => {
    const now = ctx.now().toISOString();
    const before = await inventorySettings(trx, ctx);
    await trx
      .insertInto('inventory_settings')
      .values({ store_id: ctx.store.id, negative_stock: settings.negativeStock, updated_at: now })
      .onConflict((oc) =>
        oc.column('store_id').doUpdateSet({ negative_stock: settings.negativeStock, updated_at: now }),
      )
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'stock.settings_changed',
      staffId,
      subjectType: 'store',
      subjectId: ctx.store.id,
      detail: { ...settings, was: previousValues(before, settings) },
    });
  });
  return settings;
}
