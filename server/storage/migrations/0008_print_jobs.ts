import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/** Print jobs waiting for a terminal's bridge, kept across a server restart. */
export const printJobs: Migration = {
  version: 8,
  name: 'print_jobs',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('print_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('terminal_id', 'text', (c) => c.notNull().references('devices.id'))
      .addColumn('job', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      /** When the bridge said it holds the job (or the job was dropped); null while waiting. */
      .addColumn('collected_at', 'text')
      .execute();
    await db.schema
      .createIndex('print_jobs_waiting')
      .on('print_jobs')
      .columns(['terminal_id', 'collected_at'])
      .execute();
  },
};
