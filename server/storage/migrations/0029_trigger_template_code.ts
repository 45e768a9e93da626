import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * An automatic campaign sent through Alibaba Cloud or Tencent Cloud SMS names the template the
 * provider approved, as a one-off 群发 does; its variables are the trigger's placeholders.
 */
export const triggerTemplateCode: Migration = {
  version: 29,
  name: 'trigger template code',
  async up(db: Kysely<unknown>) {
    /** The provider's code of the approved template (SMS_123456789, 1234567); null for a gateway. */
    await db.schema.alterTable('campaign_triggers').addColumn('template_code', 'text').execute();
  },
};
