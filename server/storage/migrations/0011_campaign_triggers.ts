import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * Automatic campaigns (birthday, dormant, points expiring, tier upgrade, first purchase), the
 * e-mail channel's settings and members' e-mail addresses, and the indexes that let member
 * analytics read cached per-member figures instead of every sale.
 */
export const campaignTriggers: Migration = {
  version: 11,
  name: 'campaign_triggers',
  async up(db: Kysely<unknown>) {
    /** The owner's settings per trigger; a trigger without a row is off. */
    await db.schema
      .createTable('campaign_triggers')
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      /** `birthday`, `dormant`, `points_expiring`, `tier_upgrade`, `first_purchase`. */
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull())
      /** Days before the birthday, of no purchase, or before points expire; null where it means nothing. */
      .addColumn('days', 'integer')
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('coupon_template_id', 'text', (c) => c.references('coupon_templates.id'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('campaign_triggers_pk', ['store_id', 'kind'])
      .execute();
    /**
     * One row per member, trigger and occasion (the birthday of a year, a last purchase day, an
     * expiry day, a tier change, the first purchase): the unique key makes a trigger fire once.
     */
    await db.schema
      .createTable('campaign_trigger_sends')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('member_id', 'text', (c) => c.notNull().references('members.id'))
      .addColumn('occasion', 'text', (c) => c.notNull())
      /** The send-log row (written just after this one, same transaction); its status says queued, exported or capped. */
      .addColumn('message_id', 'text', (c) => c.notNull())
      .addColumn('coupon_code', 'text')
      .addColumn('at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('campaign_trigger_sends_once')
      .unique()
      .on('campaign_trigger_sends')
      .columns(['store_id', 'kind', 'member_id', 'occasion'])
      .execute();
    /** A trigger's messages of one store day are one campaign (its send log and results). */
    await db.schema.alterTable('campaigns').addColumn('trigger_kind', 'text').execute();
    await db.schema
      .createIndex('campaigns_trigger_day')
      .on('campaigns')
      .columns(['store_id', 'trigger_kind', 'channel', 'sent_at'])
      .execute();
    /** Non-secret channel settings as JSON (the SMTP server, sender); the secret stays in `token`. */
    await db.schema.alterTable('marketing_channels').addColumn('settings', 'text').execute();
    /** Where e-mail campaigns go; consent is still the member's `consents.email`. */
    await db.schema
      .createTable('member_emails')
      .addColumn('member_id', 'text', (c) => c.primaryKey().references('members.id'))
      .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    // Lifetime value reads each member's cached spend and visits (kept with every sale) from
    // this index, and the purchase ledger after a past day to look back.
    await db.schema
      .createIndex('members_lifetime')
      .on('members')
      .columns(['store_id', 'status', 'visits', 'spend_lifetime'])
      .execute();
    await db.schema.createIndex('member_activity_at').on('member_activity').column('at').execute();
    // Liabilities at a date: the ledger rows before it, or the balances cached on members (this
    // index holds them all) less the rows after it, whichever side is shorter; both read indexes only.
    await db.schema
      .createIndex('members_balances')
      .on('members')
      .columns(['points', 'stored_principal', 'stored_bonus'])
      .execute();
    await db.schema
      .createIndex('points_movements_at')
      .on('points_movements')
      .columns(['at', 'delta'])
      .execute();
    await db.schema
      .createIndex('stored_value_entries_at')
      .on('stored_value_entries')
      .columns(['at', 'principal_delta', 'bonus_delta'])
      .execute();
    // New members in a range, and members per tier, without reading every member.
    await db.schema
      .createIndex('members_created')
      .on('members')
      .columns(['store_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('members_tier')
      .on('members')
      .columns(['store_id', 'tier_id', 'status'])
      .execute();
    // Tier-upgrade messages catch up on the upgrades of the last days.
    await db.schema.createIndex('tier_changes_at').on('tier_changes').columns(['store_id', 'at']).execute();
  },
};
