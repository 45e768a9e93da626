import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Where each print job is, as its bridge last reported it, so `GET /api/print/jobs/:id` can
 * tell a till whether its receipt came out. Jobs kept before this start as `queued`.
 */
export const printJobStates: Migration = {
  version: 22,
  name: 'print job states',
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('print_jobs')
      .addColumn('state', 'text', (c) => c.notNull().defaultTo('queued'))
      .execute();
    await db.schema
      .alterTable('print_jobs')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable('print_jobs').addColumn('last_error', 'text').execute();
  },
};
