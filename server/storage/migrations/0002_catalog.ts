import type { Kysely } from 'kysely';
import { makeAppendOnly } from '../append-only.js';
import type { Migration } from '../migrator.js';

/**
 * The clothing catalogue (categories, colours, size groups, styles, SKUs, price changes) and
 * the stock ledger with its on-hand cache, receipts, transfers and stocktakes.
 */
export const catalog: Migration = {
  version: 2,
  name: 'catalog',
  async up(db: Kysely<unknown>, engine) {
    await db.schema
      .createTable('categories')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('parent_id', 'text', (c) => c.references('categories.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      /** Names from the root down, joined with " › ": unique per store, and what search matches. */
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('categories_store_path')
      .unique()
      .on('categories')
      .columns(['store_id', 'path'])
      .execute();

    await db.schema
      .createTable('colors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('colors_store_name')
      .unique()
      .on('colors')
      .columns(['store_id', 'name'])
      .execute();

    await db.schema
      .createTable('size_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      /** JSON array of sizes in display order. */
      .addColumn('sizes', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('size_groups_store_code')
      .unique()
      .on('size_groups')
      .columns(['store_id', 'code'])
      .execute();

    await db.schema
      .createTable('styles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('style_code', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      /** Lower-case style code, name, pinyin initials and full pinyin: what search-as-you-type matches. */
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('category_id', 'text', (c) => c.references('categories.id'))
      .addColumn('brand', 'text')
      .addColumn('season', 'text')
      .addColumn('year', 'integer')
      .addColumn('tag_price', 'integer', (c) => c.notNull())
      /** The retail price the style was created with; later prices are rows of price_changes. */
      .addColumn('base_price', 'integer', (c) => c.notNull())
      .addColumn('cost', 'integer')
      .addColumn('special_price', 'integer', (c) => c.notNull().defaultTo(0))
      /** JSON object: member tier code → price in fen. */
      .addColumn('member_prices', 'text', (c) => c.notNull())
      .addColumn('size_group', 'text')
      /** JSON arrays in display order; the SKUs hold one row per colour × size. */
      .addColumn('colors', 'text', (c) => c.notNull())
      .addColumn('sizes', 'text', (c) => c.notNull())
      .addColumn('photos', 'text', (c) => c.notNull())
      .addColumn('low_stock_threshold', 'integer')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('styles_store_code')
      .unique()
      .on('styles')
      .columns(['store_id', 'style_code'])
      .execute();
    await db.schema.createIndex('styles_category').on('styles').columns(['category_id']).execute();
    await db.schema
      .createIndex('styles_season')
      .on('styles')
      .columns(['store_id', 'season', 'year'])
      .execute();

    await db.schema
      .createTable('skus')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('style_id', 'text', (c) => c.notNull().references('styles.id'))
      .addColumn('color', 'text', (c) => c.notNull())
      .addColumn('size', 'text', (c) => c.notNull())
      .addColumn('barcode', 'text', (c) => c.notNull())
      /** 'supplier' (kept as given) or 'generated' (in-store EAN-13). */
      .addColumn('barcode_source', 'text', (c) => c.notNull())
      .addColumn('low_stock_threshold', 'integer')
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('skus_barcode').unique().on('skus').column('barcode').execute();
    await db.schema
      .createIndex('skus_style_variant')
      .unique()
      .on('skus')
      .columns(['style_id', 'color', 'size'])
      .execute();

    await db.schema
      .createTable('catalog_counters')
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('catalog_counters_pk', ['store_id', 'name'])
      .execute();

    await db.schema
      .createTable('price_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('style_id', 'text', (c) => c.notNull().references('styles.id'))
      .addColumn('price', 'integer', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      /** The markdown that made this change, if any. */
      .addColumn('markdown_id', 'text')
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('price_changes_style')
      .on('price_changes')
      .columns(['style_id', 'starts_at'])
      .execute();

    await db.schema
      .createTable('stock_levels')
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id'))
      .addColumn('on_hand', 'integer', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stock_levels_pk', ['sku_id', 'store_id'])
      .execute();

    await db.schema
      .createTable('stock_movements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id'))
      .addColumn('delta', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('ref_type', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addColumn('unit_cost', 'integer')
      .addColumn('on_hand_after', 'integer', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('stock_movements_sku')
      .on('stock_movements')
      .columns(['sku_id', 'store_id', 'at'])
      .execute();
    await db.schema.createIndex('stock_movements_ref').on('stock_movements').columns(['ref_id']).execute();
    await db.schema
      .createIndex('stock_movements_kind_at')
      .on('stock_movements')
      .columns(['store_id', 'kind', 'at'])
      .execute();

    await db.schema
      .createTable('stock_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      /** receipt, adjustment, transfer_out, transfer_in. */
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('supplier', 'text')
      /** The other store of a transfer (its code). */
      .addColumn('counterpart', 'text')
      /** For a transfer in: the sending store's transfer id, received once only. */
      .addColumn('external_ref', 'text')
      .addColumn('note', 'text')
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('stock_documents_external')
      .unique()
      .on('stock_documents')
      .columns(['store_id', 'kind', 'external_ref'])
      .execute();

    await db.schema
      .createTable('inventory_settings')
      .addColumn('store_id', 'text', (c) => c.primaryKey().references('stores.id'))
      .addColumn('negative_stock', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('stocktakes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      /** JSON array of category ids (with their sub-categories); empty = the whole store. */
      .addColumn('category_ids', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('opened_by', 'text', (c) => c.references('staff.id'))
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('closed_by', 'text', (c) => c.references('staff.id'))
      .addColumn('closed_at', 'text')
      .execute();

    await db.schema
      .createTable('stocktake_counts')
      .addColumn('stocktake_id', 'text', (c) => c.notNull().references('stocktakes.id'))
      .addColumn('sku_id', 'text', (c) => c.notNull().references('skus.id'))
      .addColumn('counted', 'integer', (c) => c.notNull())
      /** The on-hand when this SKU was first counted: what the count is compared with. */
      .addColumn('expected', 'integer', (c) => c.notNull())
      .addColumn('first_counted_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stocktake_counts_pk', ['stocktake_id', 'sku_id'])
      .execute();

    // Ledgers are append-only: the database itself refuses edits and deletions.
    await makeAppendOnly(db, engine, ['stock_movements', 'price_changes']);
  },
};
