import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Chain roles. A store of a chain may sell a style at its own price (a branch in an outlet
 * mall): one row per store and style while it lasts, removed when the store goes back to the
 * chain's price; every change is in the audit log and a sale keeps the price it was made at.
 * And head office's promotions become the chain's, run wherever their conditions name: those
 * head office made before, which ran at head office alone, are made to name head office so no
 * branch starts running one it never did.
 */
export const storePrices: Migration = {
  version: 17,
  name: 'store prices',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('store_prices')
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('style_id', 'text', (c) => c.notNull().references('styles.id'))
      .addColumn('price', 'integer', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('set_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('store_prices_pk', ['store_id', 'style_id'])
      .execute();

    const chain = db as Kysely<{
      stores: { id: string; created_at: string };
      promotions: { id: string; store_id: string; definition: string };
    }>;
    const stores = await chain
      .selectFrom('stores')
      .select('id')
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const headOffice = stores[0]?.id;
    if (stores.length < 2 || headOffice === undefined) return;
    const rows = await chain
      .selectFrom('promotions')
      .select(['id', 'definition'])
      .where('store_id', '=', headOffice)
      .execute();
    for (const row of rows) {
      const definition = JSON.parse(row.definition) as { conditions?: { stores?: string[] } };
      if (definition.conditions?.stores) continue;
      definition.conditions = { ...definition.conditions, stores: [headOffice] };
      await chain
        .updateTable('promotions')
        .set({ definition: JSON.stringify(definition) })
        .where('id', '=', row.id)
        .execute();
    }
  },
};
