import { type Kysely, sql } from 'kysely';
import type { Engine } from './database.js';

/**
 * Makes ledger tables append-only in the database itself: an UPDATE or DELETE aborts with
 * "<table> is append-only", whoever runs it. Used by migrations; never change what it creates.
 */
export async function makeAppendOnly(
  db: Kysely<unknown>,
  engine: Engine,
  tables: readonly string[],
): Promise<void> {
  if (engine !== 'sqlite') return;
  for (const table of tables) {
    await sql`create trigger ${sql.raw(`${table}_no_update`)} before update on ${sql.table(table)}
      begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_delete`)} before delete on ${sql.table(table)}
      begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
  }
}
