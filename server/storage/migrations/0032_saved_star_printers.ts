import type { Kysely } from 'kysely';
import { keepStarPrintersOnEscPos } from '../../config/migrations.js';
import type { Migration } from '../migrator.js';

/**
 * The bridges' device lists saved on the admin page (`bridge_setups`, migration 24) get what
 * config.json's step 3 → 4 gives its own list: a Star printer saved before Star's command sets
 * existed was driven in ESC/POS and keeps it, instead of switching to the model's own set.
 */
export const savedStarPrinters: Migration = {
  version: 32,
  name: 'saved star printers',
  async up(db: Kysely<unknown>) {
    const setups = db as unknown as Kysely<{ bridge_setups: { device_id: string; devices: string } }>;
    const rows = await setups.selectFrom('bridge_setups').select(['device_id', 'devices']).execute();
    for (const row of rows) {
      const devices = JSON.parse(row.devices) as unknown;
      if (!Array.isArray(devices)) continue;
      const kept = JSON.stringify(keepStarPrintersOnEscPos(devices));
      if (kept !== row.devices) {
        await setups
          .updateTable('bridge_setups')
          .set({ devices: kept })
          .where('device_id', '=', row.device_id)
          .execute();
      }
    }
  },
};
