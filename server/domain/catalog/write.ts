import type { Kysely } from 'kysely';
import type { Database, SkuTable, StyleTable } from '../../storage/schema.js';

/** Inserts rows in chunks that stay under SQLite's limit on bound parameters. */
export async function insertChunked<T extends 'styles' | 'skus'>(
  trx: Kysely<Database>,
  table: T,
  rows: readonly (T extends 'styles' ? StyleTable : SkuTable)[],
): Promise<void> {
  const columns = rows[0] ? Object.keys(rows[0]).length : 1;
  const size = Math.max(1, Math.floor(30_000 / columns));
  for (let i = 0; i < rows.length; i += size) {
    await trx
      .insertInto(table)
      .values(rows.slice(i, i + size) as never)
      .execute();
  }
}
