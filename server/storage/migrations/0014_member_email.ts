import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * A member's e-mail address is part of their record, like the phone: entered and changed with
 * the rest of the profile (history, masking, erasure, import). It was kept aside for the
 * marketing channels (`member_emails`, migration 11); those addresses move over.
 */
export const memberEmail: Migration = {
  version: 14,
  name: 'member email',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('members').addColumn('email', 'text').execute();
    await sql`update members set email = (select e.email from member_emails e where e.member_id = members.id)
      where id in (select member_id from member_emails)`.execute(db);
    await db.schema.dropTable('member_emails').execute();
  },
};
