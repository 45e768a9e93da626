import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * The admin's member list (issue 21): each member's last visit kept on the member like their
 * spend and visits, and one index per way the list sorts, so a page of a big shop's members is
 * read from an index instead of sorting every member. Also the style's supplier, on its form.
 */
export const memberList: Migration = {
  version: 26,
  name: 'member list',
  async up(db: Kysely<unknown>) {
    // '' (not null) for "never bought": SQLite sorts nulls first and PostgreSQL last, and the
    // list pages by (last visit, number) on both alike.
    await db.schema
      .alterTable('members')
      .addColumn('last_visit_at', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await sql`update members set last_visit_at = coalesce((select max(a.at) from member_activity a
      where a.member_id = members.id and a.visit > 0), '')`.execute(db);
    const list = (name: string, key: string) =>
      sql`create index ${sql.ref(name)} on members (store_id, status, ${sql.raw(key)}, number)`.execute(db);
    await list('members_list_number', 'number');
    await list('members_list_visit', 'last_visit_at');
    await list('members_list_spend', 'spend_lifetime');
    await list('members_list_points', 'points');
    await list('members_list_stored', '(stored_principal + stored_bonus)');
    await db.schema.alterTable('styles').addColumn('supplier', 'text').execute();
  },
};
