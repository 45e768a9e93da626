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
  for (const table of tables) {
    if (engine === 'postgres') {
      await refuseOnPostgres(db, table, `${table} is append-only`, { update: 'all', remove: true });
      continue;
    }
    await sql`create trigger ${sql.raw(`${table}_no_update`)} before update on ${sql.table(table)}
      begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
    await sql`create trigger ${sql.raw(`${table}_no_delete`)} before delete on ${sql.table(table)}
      begin select raise(abort, ${sql.lit(`${table} is append-only`)}); end`.execute(db);
  }
}

/**
 * PostgreSQL's form of the SQLite triggers above: refuses updates (of every column, or only
 * of `update`'s columns) and, with `remove`, deletes on `table` with `message`.
 */
export async function refuseOnPostgres(
  db: Kysely<unknown>,
  table: string,
  message: string,
  options: { update?: 'all' | readonly string[]; remove?: boolean },
): Promise<void> {
  await sql`create or replace function hanger_refuse() returns trigger language plpgsql as $$
    begin raise exception '%', tg_argv[0] using errcode = 'restrict_violation'; end $$`.execute(db);
  if (options.update) {
    const columns =
      options.update === 'all' ? sql`` : sql`of ${sql.join(options.update.map((c) => sql.id(c)))}`;
    await sql`create trigger ${sql.id(`${table}_no_update`)} before update ${columns} on ${sql.table(table)}
      for each row execute function hanger_refuse(${sql.lit(message)})`.execute(db);
  }
  if (options.remove) {
    await sql`create trigger ${sql.id(`${table}_no_delete`)} before delete on ${sql.table(table)}
      for each row execute function hanger_refuse(${sql.lit(message)})`.execute(db);
  }
}
