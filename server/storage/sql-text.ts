import { type RawBuilder, type SqlBool, sql } from 'kysely';

/** `text` with LIKE's wildcards escaped, for patterns ending in `escape '\'`. */
export const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * True where the JSON array of strings in `column` holds `value` — the same SQL on SQLite
 * and PostgreSQL (the arrays are written by JSON.stringify, so the quoted value is exact).
 */
export function jsonArrayHas(column: string, value: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${`%${likeEscape(JSON.stringify(value))}%`} escape '\\'`;
}
