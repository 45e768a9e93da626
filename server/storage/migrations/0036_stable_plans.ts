import { type Kysely, sql } from 'kysely';
import type { Migration } from '../migrator.js';

/**
 * SQLite: the query planner's value samples (`sqlite_stat4`) go. The SQLite built into
 * better-sqlite3 takes them whenever ANALYZE runs without a limit, and a statement whose plan
 * looked at a bound value against them is compiled again each time that parameter is bound
 * (see `sqlite3_prepare_v2`): at chain size a sale's SKU, member and points-lot reads were
 * compiled anew on every sale. The writer now analyses with a limit (`openSqlite`), which keeps
 * the per-index averages (`sqlite_stat1`) the plans use and takes no samples; this removes
 * those earlier starts took. Dropping the table is a schema change, so every open connection
 * reads the statistics again before its next statement.
 */
export const stablePlans: Migration = {
  version: 36,
  name: 'stable plans',
  async up(db: Kysely<unknown>, engine) {
    if (engine !== 'sqlite') return;
    await sql`drop table if exists sqlite_stat4`.execute(db);
    // This connection forgets the samples it loaded (ANALYZE makes the table again, empty).
    await sql`analyze sqlite_schema`.execute(db);
  },
};
