import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Wrong sign-ins are counted per staff member *and* address, so that a stranger's guesses lock
 * the stranger's address, not the owner at the counter; address '*' is the account-wide count
 * that still caps guesses from many addresses. The counts on `staff` move here. Likewise a
 * pairing request keeps the address it came from, so one address cannot fill the waiting list.
 */
export const signInLocks: Migration = {
  version: 15,
  name: 'sign-in locks and pairing addresses',
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('sign_in_locks')
      .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id'))
      .addColumn('address', 'text', (c) => c.notNull())
      /** Attempts counted (before they were checked) since the last success or lock. */
      .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'text')
      .addPrimaryKeyConstraint('sign_in_locks_pk', ['staff_id', 'address'])
      .execute();
    await db.schema.alterTable('staff').dropColumn('failed_attempts').execute();
    await db.schema.alterTable('staff').dropColumn('locked_until').execute();
    await db.schema.alterTable('device_pairings').addColumn('address', 'text').execute();
  },
};
