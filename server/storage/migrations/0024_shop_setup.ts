import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * What the owner sets on the admin page instead of in config.json: the receipt's header lines
 * and the shop's logo (a 1-bit image, JSON), and each bridge's devices (printers, scanners,
 * pole, label printer) — once saved, the bridge takes them from the server.
 */
export const shopSetup: Migration = {
  version: 24,
  name: 'shop setup',
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('receipt_settings')
      .addColumn('header', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('receipt_settings')
      .addColumn('logo', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .createTable('bridge_setups')
      .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id'))
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      /** The bridge's devices as config.json's `bridge.devices` would list them (JSON). */
      .addColumn('devices', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
  },
};
