import { type Kysely, sql } from 'kysely';
import { newId } from '../../ids.js';
import { makeAppendOnly, refuseOnPostgres } from '../append-only.js';
import type { Migration } from '../migrator.js';

/** Ledgers: rows are only ever added. `points_lots.remaining` is the one cached column that may change. */
const APPEND_ONLY = ['points_movements', 'stored_value_entries', 'tier_changes', 'member_activity'] as const;

/**
 * Members and loyalty: member profiles (chain-wide, phone unique), tiers, loyalty settings,
 * the points and stored-value ledgers, tier changes, purchase activity, coupons.
 */
export const members: Migration = {
  version: 3,
  name: 'members',
  async up(db: Kysely<unknown>, engine) {
    await db.schema
      .createTable('tiers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('rank', 'integer', (c) => c.notNull().unique())
      .addColumn('min_spend_12m', 'integer')
      .addColumn('min_spend_lifetime', 'integer')
      .addColumn('min_points_earned', 'integer')
      .addColumn('min_visits', 'integer')
      .addColumn('discount_regular_bp', 'integer', (c) => c.notNull())
      .addColumn('discount_special_bp', 'integer', (c) => c.notNull())
      .addColumn('points_multiplier_pct', 'integer', (c) => c.notNull())
      .addColumn('birthday_discount_bp', 'integer')
      .addColumn('birthday_coupon_template_id', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('loyalty_settings')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.references('staff.id'))
      .execute();

    await db.schema
      .createTable('loyalty_jobs')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('last_run_at', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('members')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('number', 'integer', (c) => c.notNull().unique())
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('phone', 'text', (c) => c.unique())
      .addColumn('phone_last4', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('gender', 'text')
      .addColumn('birth_year', 'integer')
      .addColumn('birth_month', 'integer')
      .addColumn('birth_day', 'integer')
      .addColumn('sizes', 'text', (c) => c.notNull())
      .addColumn('styles', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('notes', 'text', (c) => c.notNull())
      .addColumn('consents', 'text', (c) => c.notNull())
      .addColumn('registered_by', 'text', (c) => c.references('staff.id'))
      .addColumn('registered_device_id', 'text', (c) => c.references('devices.id'))
      .addColumn('referrer_id', 'text', (c) => c.references('members.id'))
      .addColumn('tier_id', 'text', (c) => c.notNull().references('tiers.id'))
      .addColumn('tier_since', 'text', (c) => c.notNull())
      .addColumn('tier_below_since', 'text')
      .addColumn('pin_hash', 'text')
      .addColumn('pin_failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('pin_locked_until', 'text')
      .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0).check(sql`points >= 0`))
      .addColumn('stored_principal', 'integer', (c) =>
        c.notNull().defaultTo(0).check(sql`stored_principal >= 0`),
      )
      .addColumn('stored_bonus', 'integer', (c) => c.notNull().defaultTo(0).check(sql`stored_bonus >= 0`))
      .addColumn('points_earned_total', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('spend_lifetime', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('visits', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('merged_into', 'text', (c) => c.references('members.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // Last-four search: a short list from an index, never a scan of the chain's members.
    await db.schema.createIndex('members_phone_last4').on('members').column('phone_last4').execute();
    await db.schema.createIndex('members_name').on('members').column('name').execute();

    await db.schema
      .createTable('member_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('device_id', 'text', (c) => c.references('devices.id'))
      .addColumn('changes', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('member_changes_member').on('member_changes').column('member_id').execute();

    await db.schema
      .createTable('points_lots')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('points', 'integer', (c) => c.notNull().check(sql`points > 0`))
      .addColumn('remaining', 'integer', (c) =>
        c.notNull().check(sql`remaining >= 0 and remaining <= points`),
      )
      .addColumn('earned_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('ref_type', 'text')
      .addColumn('ref_id', 'text')
      .execute();
    await db.schema
      .createIndex('points_lots_member')
      .on('points_lots')
      .columns(['member_id', 'expires_at'])
      .execute();
    await sql`create index points_lots_open on points_lots (expires_at) where remaining > 0`.execute(db);

    await db.schema
      .createTable('points_movements')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('lot_id', 'text', (c) => c.notNull().references('points_lots.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('delta', 'integer', (c) => c.notNull().check(sql`delta <> 0`))
      .addColumn('balance', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('ref_type', 'text')
      .addColumn('ref_id', 'text')
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('points_movements_member')
      .on('points_movements')
      .columns(['member_id', 'id'])
      .execute();
    await db.schema
      .createIndex('points_movements_ref')
      .on('points_movements')
      .columns(['ref_type', 'ref_id'])
      .execute();

    await db.schema
      .createTable('stored_value_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('principal_delta', 'integer', (c) => c.notNull())
      .addColumn('bonus_delta', 'integer', (c) => c.notNull())
      .addColumn('principal_balance', 'integer', (c) => c.notNull().check(sql`principal_balance >= 0`))
      .addColumn('bonus_balance', 'integer', (c) => c.notNull().check(sql`bonus_balance >= 0`))
      .addColumn('method', 'text')
      .addColumn('ref_type', 'text')
      .addColumn('ref_id', 'text')
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .addColumn('approver_id', 'text', (c) => c.references('staff.id'))
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('stored_value_entries_member')
      .on('stored_value_entries')
      .columns(['member_id', 'id'])
      .execute();
    await db.schema
      .createIndex('stored_value_entries_ref')
      .on('stored_value_entries')
      .columns(['ref_type', 'ref_id'])
      .execute();

    await db.schema
      .createTable('member_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('tier_changes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('from_tier_id', 'text', (c) => c.references('tiers.id'))
      .addColumn('to_tier_id', 'text', (c) => c.notNull().references('tiers.id'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('ref_type', 'text')
      .addColumn('ref_id', 'text')
      .addColumn('staff_id', 'text', (c) => c.references('staff.id'))
      .execute();
    await db.schema.createIndex('tier_changes_member').on('tier_changes').column('member_id').execute();

    await db.schema
      .createTable('member_activity')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('amount', 'integer', (c) => c.notNull())
      .addColumn('visit', 'integer', (c) => c.notNull())
      .addColumn('ref_type', 'text')
      .addColumn('ref_id', 'text')
      .execute();
    await db.schema
      .createIndex('member_activity_member')
      .on('member_activity')
      .columns(['member_id', 'at'])
      .execute();

    await db.schema
      .createTable('coupon_templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'integer', (c) => c.notNull())
      .addColumn('min_spend', 'integer', (c) => c.notNull())
      .addColumn('categories', 'text', (c) => c.notNull())
      .addColumn('styles', 'text', (c) => c.notNull())
      .addColumn('valid_from', 'text')
      .addColumn('valid_to', 'text')
      .addColumn('valid_days', 'integer')
      .addColumn('per_member_limit', 'integer')
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('trigger_tier_code', 'text')
      .addColumn('active', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('coupons')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('template_id', 'text', (c) => c.notNull().references('coupon_templates.id'))
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('code', 'text', (c) => c.notNull().unique())
      .addColumn('issue_reason', 'text', (c) => c.notNull())
      .addColumn('issue_key', 'text', (c) => c.unique())
      .addColumn('issued_at', 'text', (c) => c.notNull())
      .addColumn('issued_by', 'text', (c) => c.references('staff.id'))
      .addColumn('valid_from', 'text', (c) => c.notNull())
      .addColumn('valid_to', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('redeemed_at', 'text')
      .addColumn('redeemed_store_id', 'text', (c) => c.references('stores.id'))
      .addColumn('redeemed_ref_type', 'text')
      .addColumn('redeemed_ref_id', 'text')
      .addColumn('voided_at', 'text')
      .addColumn('voided_by', 'text', (c) => c.references('staff.id'))
      .addColumn('void_reason', 'text')
      .execute();
    await db.schema.createIndex('coupons_member').on('coupons').columns(['member_id', 'status']).execute();

    await seedDefaults(db);

    await makeAppendOnly(db, engine, APPEND_ONLY);
    if (engine === 'sqlite') {
      await sql`create trigger points_lots_no_update before update of
          id, store_id, member_id, source, points, earned_at, expires_at, ref_type, ref_id on points_lots
        begin select raise(abort, 'points_lots is append-only except remaining'); end`.execute(db);
      await sql`create trigger points_lots_no_delete before delete on points_lots
        begin select raise(abort, 'points_lots is append-only except remaining'); end`.execute(db);
    } else {
      await refuseOnPostgres(db, 'points_lots', 'points_lots is append-only except remaining', {
        update: [
          'id',
          'store_id',
          'member_id',
          'source',
          'points',
          'earned_at',
          'expires_at',
          'ref_type',
          'ref_id',
        ],
        remove: true,
      });
    }
  },
};

/** The defaults a new shop starts with; the owner edits them through the API. */
async function seedDefaults(db: Kysely<unknown>): Promise<void> {
  const at = new Date().toISOString();
  // 1 yuan = 100 fen; thresholds on rolling 12-month spend, discounts in basis points (9500 = 95%).
  const tiers = [
    ['normal', '普通', 0, null, 10000, 10000, 100, null],
    ['silver', '银卡', 1, 200000, 9800, 10000, 120, null],
    ['gold', '金卡', 2, 800000, 9500, 9800, 150, 9500],
    ['diamond', '钻石', 3, 2000000, 9000, 9500, 200, 9000],
  ] as const;
  for (const [code, name, rank, spend, regular, special, multiplier, birthday] of tiers) {
    await sql`insert into tiers (id, code, name, rank, min_spend_12m, min_spend_lifetime, min_points_earned,
        min_visits, discount_regular_bp, discount_special_bp, points_multiplier_pct, birthday_discount_bp,
        birthday_coupon_template_id, updated_at)
      values (${newId()}, ${code}, ${name}, ${rank}, ${spend}, null, null, null, ${regular}, ${special},
        ${multiplier}, ${birthday}, null, ${at})`.execute(db);
  }
  const settings = {
    earn: {
      pointsPerYuan: 1,
      tenders: ['cash', 'card', 'wechat', 'alipay', 'stored_value_principal'],
      categoryMultipliers: {},
      memberDays: { weekdays: [3], multiplierPct: 200 },
    },
    expiry: { mode: 'clearing', month: 12, day: 31, yearsAfter: 1 },
    redeem: { pointsPerYuan: 100, maxShareBp: 5000 },
    topUpBonus: [
      { minAmount: 50000, bonus: 5000 },
      { minAmount: 100000, bonus: 15000 },
    ],
    storedValue: { pinAbove: 50000 },
    tierReview: { everyDays: 30, graceDays: 30 },
  };
  for (const [key, value] of Object.entries(settings)) {
    await sql`insert into loyalty_settings (key, value, updated_at, updated_by)
      values (${key}, ${JSON.stringify(value)}, ${at}, null)`.execute(db);
  }
}
