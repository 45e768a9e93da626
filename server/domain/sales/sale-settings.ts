import type { Kysely } from 'kysely';
import { jsonArrayFrom as postgresArray } from 'kysely/helpers/postgres';
import { jsonArrayFrom as sqliteArray } from 'kysely/helpers/sqlite';
import type { AppContext } from '../../context.js';
import type { LoyaltySettings } from '../../protocol/loyalty.js';
import type { Promotion } from '../../protocol/promotions.js';
import type { ReceiptSettings, SalesSettings } from '../../protocol/sales.js';
import { hotQuery } from '../../storage/hot-query.js';
import { databaseOf, keepForTransaction, oncePerTransaction } from '../../storage/per-transaction.js';
import type { Database, TierRow } from '../../storage/schema.js';
import { LOYALTY_SETTINGS_KEY, loyaltySettingsOf, loyaltySettingsRows } from '../loyalty/settings.js';
import { TIERS_KEY, tierRows } from '../loyalty/tiers.js';
import { promotionsInForce, promotionsOf } from './promotions.js';
import { RECEIPT_SETTINGS_KEY, receiptSettingsOf, receiptSettingsRow } from './receipt-settings.js';
import { SALES_SETTINGS_KEY, salesSettingsOf, salesSettingsRow } from './settings.js';

/**
 * Everything a sale consults that the shop sets up and the sale never writes: the category
 * tree, the promotions in force, the checkout rules, the loyalty settings, the tiers and the
 * receipt text. Read in ONE statement (each table as a JSON array) instead of six — every
 * statement is a round trip to PostgreSQL and a prepared step plus a built query on SQLite —
 * and then kept, parsed, for as long as the database's settings stamp (`settings_stamp`,
 * migration 35) stays the same: triggers change it in the very transaction that changes any of
 * these tables, whoever writes (this server, another store's in a chain, a local copy's
 * refresh), so a sale reads one row to know that what it kept is still exact. Kept settings are
 * frozen: a step that changed them would change them for every later sale.
 */
export interface SaleSettings {
  /** Each category's parent. */
  parents: ReadonlyMap<string, string | null>;
  promotions: readonly Promotion[];
  sales: SalesSettings;
  loyalty: LoyaltySettings;
  tiers: readonly TierRow[];
  receipt: ReceiptSettings;
}

/** SQLite gives a JSON array as text (its type says parsed), PostgreSQL's driver parses its `json`. */
function parsed<Row>(value: Row[]): Row[] {
  return typeof value === 'string' ? (JSON.parse(value) as Row[]) : value;
}

/** What a database's sales last read, by the database (`databaseOf`). */
interface Kept {
  stamp: string;
  /** The store they were read for: its own settings rows and promotions, its address. */
  store: string;
  settings: SaleSettings;
}
const kept = new WeakMap<object, Kept>();

function storeKey(ctx: AppContext): string {
  const { id, catalogId, address } = ctx.store;
  return JSON.stringify([id, catalogId, address ?? null]);
}

/** `value` and everything in it frozen (a Map's entries stay settable: `parents` is read only). */
function frozen<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  for (const inner of Object.values(value)) frozen(inner);
  return Object.freeze(value);
}

/** The stamp every change of a setting, promotion, tier or category moves on. */
const settingsStamp = hotQuery((db) => db.selectFrom('settings_stamp').select('stamp').where('id', '=', 1));

async function readSaleSettings(db: Kysely<Database>, ctx: AppContext): Promise<SaleSettings> {
  const database = databaseOf(db);
  const store = storeKey(ctx);
  const last = kept.get(database);
  if (last?.store === store) {
    const now = await settingsStamp.first(db, {});
    if (now?.stamp === last.stamp) return last.settings;
  }
  const array = ctx.storage.engine === 'postgres' ? postgresArray : sqliteArray;
  const row = await db
    .selectNoFrom([
      db.selectFrom('settings_stamp').select('stamp').where('id', '=', 1).as('stamp'),
      array(
        db.selectFrom('categories').select(['id', 'parent_id']).where('store_id', '=', ctx.store.catalogId),
      ).as('categories'),
      array(promotionsInForce(db, ctx)).as('promotions'),
      array(salesSettingsRow(db, ctx)).as('sales'),
      array(loyaltySettingsRows(db)).as('loyalty'),
      array(tierRows(db)).as('tiers'),
      array(receiptSettingsRow(db, ctx)).as('receipt'),
    ])
    .executeTakeFirstOrThrow();
  const settings = frozen({
    parents: new Map(parsed(row.categories).map((category) => [category.id, category.parent_id])),
    promotions: promotionsOf(parsed(row.promotions)),
    sales: salesSettingsOf(parsed(row.sales)[0]),
    loyalty: loyaltySettingsOf(parsed(row.loyalty)),
    // A JSON array's order is not the subquery's on every engine: lowest tier first, as loadTiers.
    tiers: parsed(row.tiers).sort((a, b) => a.rank - b.rank),
    receipt: receiptSettingsOf(ctx, parsed(row.receipt)[0]),
  });
  if (row.stamp !== null) kept.set(database, { stamp: row.stamp, store, settings });
  return settings;
}

/**
 * The sale's settings, read once per write transaction; the later steps that read one of them
 * by themselves (the shift rule, points, the tier check, the receipt) are given what was read.
 * Outside a write transaction (a quote) the stamp is read each time.
 */
export function saleSettings(db: Kysely<Database>, ctx: AppContext): Promise<SaleSettings> {
  return oncePerTransaction(db, 'sale_settings', async () => {
    const settings = await readSaleSettings(db, ctx);
    keepForTransaction(db, SALES_SETTINGS_KEY, Promise.resolve(settings.sales));
    keepForTransaction(db, LOYALTY_SETTINGS_KEY, Promise.resolve(settings.loyalty));
    keepForTransaction(db, TIERS_KEY, Promise.resolve(settings.tiers));
    keepForTransaction(db, RECEIPT_SETTINGS_KEY, Promise.resolve(settings.receipt));
    return settings;
  });
}
