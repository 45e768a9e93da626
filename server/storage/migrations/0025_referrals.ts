import { randomInt } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { makeAppendOnly } from '../append-only.js';
import type { Migration } from '../migrator.js';

/** The invitation code's letters (no I, O, 0, 1): kept here, a migration never changes with the code. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * Referrals (会员裂变) and the kiosk's terms pages. Every member gets an invitation code; a
 * newcomer who joined with one is a `referrals` row; what either side was given for the
 * newcomer's first purchase, and taken back when it came back, are `referral_rewards` rows
 * (append-only). The membership terms and the privacy policy are `member_documents`, one row
 * per published version (append-only): the newest is in force.
 */
export const referrals: Migration = {
  version: 25,
  name: 'referrals and member documents',
  async up(db: Kysely<unknown>, engine) {
    await db.schema.alterTable('members').addColumn('invite_code', 'text').execute();
    const members = await sql<{ id: string }>`select id from members order by number`.execute(db);
    const drawn = new Set<string>();
    for (const { id } of members.rows) {
      let code = '';
      while (code === '' || drawn.has(code)) {
        code = '';
        for (let i = 0; i < 6; i++) code += ALPHABET[randomInt(ALPHABET.length)];
      }
      drawn.add(code);
      await sql`update members set invite_code = ${code} where id = ${id}`.execute(db);
    }
    await db.schema.createIndex('members_invite_code').unique().on('members').column('invite_code').execute();

    await db.schema
      .createTable('referrals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('referrer_id', 'text', (c) => c.notNull().references('members.id'))
      // One referral per newcomer, whoever asks twice.
      .addColumn('newcomer_id', 'text', (c) => c.notNull().unique().references('members.id'))
      .addColumn('invite_code', 'text', (c) => c.notNull())
      .addColumn('joined_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('referrals_referrer').on('referrals').column('referrer_id').execute();

    await db.schema
      .createTable('referral_rewards')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('referral_id', 'text', (c) => c.notNull().references('referrals.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      /** `reward` on the first purchase, `take_back` when it came back whole. */
      .addColumn('kind', 'text', (c) => c.notNull())
      /** `referrer` or `newcomer`. */
      .addColumn('side', 'text', (c) => c.notNull())
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('points', 'integer', (c) => c.notNull())
      /** Points owed back but already spent: not recovered. */
      .addColumn('points_short', 'integer', (c) => c.notNull())
      .addColumn('coupon_id', 'text', (c) => c.references('coupons.id'))
      /** On a take-back: `voided`, or `used` when the coupon had been spent and stays so. */
      .addColumn('coupon_outcome', 'text')
      .addColumn('ref_type', 'text', (c) => c.notNull())
      .addColumn('ref_id', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text')
      .execute();
    // Once per side and kind: a newcomer is rewarded once and taken back once, whatever retries.
    await db.schema
      .createIndex('referral_rewards_once')
      .unique()
      .on('referral_rewards')
      .columns(['referral_id', 'side', 'kind'])
      .execute();

    await db.schema
      .createTable('member_documents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      /** `terms` (会员条款) or `privacy` (隐私政策). */
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('published_at', 'text', (c) => c.notNull())
      .addColumn('published_by', 'text', (c) => c.references('staff.id'))
      .execute();
    await db.schema
      .createIndex('member_documents_kind')
      .on('member_documents')
      .columns(['kind', 'published_at'])
      .execute();
    await makeAppendOnly(db, engine, ['referral_rewards', 'member_documents']);
  },
};
