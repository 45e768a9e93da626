import type { Kysely } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * A style's 合格证 (certificate of conformity) fields — 面料成分, 执行标准, 安全类别, 检验员 — as
 * one JSON object, printed on a tag of its own after the price tag. Null: none kept.
 */
export const styleCertificate: Migration = {
  version: 20,
  name: 'style certificate',
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('styles').addColumn('certificate', 'text').execute();
  },
};
