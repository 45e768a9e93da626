import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * A chain transfer may be received in several parts, each its own transfer-in document naming
 * the same transfer; the index that allowed one document per transfer becomes a plain one.
 * (A single shop's transfer in is still booked once: checked inside its transaction.)
 */
export const transferReceipts: Migration = {
  version: 16,
  name: 'transfer receipts',
  async up(db: Kysely<unknown>) {
    await db.schema.dropIndex('stock_documents_external').execute();
    await db.schema
      .createIndex('stock_documents_external')
      .on('stock_documents')
      .columns(['store_id', 'kind', 'external_ref'])
      .execute();
  },
};
