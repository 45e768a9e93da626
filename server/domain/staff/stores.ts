import type { AppContext } from '../../context.js';
import type { Principal } from '../../protocol/roles.js';
import type { StoreList } from '../../protocol/stores.js';

/**
 * Whether this principal reads every store of the chain (reports, day reports): owners and
 * chain-wide staff. Read from the staff row, so a change of `chainWide` counts at once.
 */
export async function readsEveryStore(ctx: AppContext, principal: Principal): Promise<boolean> {
  if (principal.kind !== 'staff') return false;
  const staff = await ctx.storage.db
    .selectFrom('staff')
    .select('chain_wide')
    .where('id', '=', principal.staffId)
    .executeTakeFirst();
  return staff?.chain_wide === 1;
}

/** The chain's stores and what the caller may do across them; the admin page shows its chain screens from it. */
export async function storeList(ctx: AppContext, principal: Principal): Promise<StoreList> {
  const rows = await ctx.storage.db
    .selectFrom('stores')
    .select(['id', 'code', 'name'])
    .orderBy('code')
    .execute();
  return {
    chain: rows.length > 1,
    store: ctx.store.code,
    headOffice: principal.kind === 'staff' && principal.headOffice,
    allStores: await readsEveryStore(ctx, principal),
    items: rows.map((row) => ({
      id: row.id,
      code: row.code,
      name: row.name,
      headOffice: row.id === ctx.store.catalogId,
    })),
  };
}
