import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Database } from '../../storage/schema.js';

export const PATH_SEPARATOR = ' › ';

export interface CategoryView {
  id: string;
  parentId: string | null;
  name: string;
  /** 女装 › 连衣裙 */
  path: string;
}

/** "女装/连衣裙", "女装 › 连衣裙" and "女装>连衣裙" all name the same category. */
export function splitPath(path: string): string[] {
  return path
    .split(/[/›>]/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Finds the category at this path, creating it and any missing parent inside the caller's transaction. */
export async function ensureCategory(
  trx: Kysely<Database>,
  ctx: AppContext,
  path: string,
): Promise<CategoryView> {
  let parentId: string | null = null;
  let found: CategoryView | null = null;
  const names = splitPath(path);
  for (let depth = 0; depth < names.length; depth++) {
    const name = names[depth] as string;
    const full = names.slice(0, depth + 1).join(PATH_SEPARATOR);
    const row = await trx
      .selectFrom('categories')
      .select(['id', 'parent_id', 'name', 'path'])
      .where('store_id', '=', ctx.store.catalogId)
      .where('path', '=', full)
      .executeTakeFirst();
    if (row) {
      found = { id: row.id, parentId: row.parent_id, name: row.name, path: row.path };
    } else {
      found = { id: newId(), parentId, name, path: full };
      await trx
        .insertInto('categories')
        .values({
          id: found.id,
          store_id: ctx.store.catalogId,
          parent_id: parentId,
          name,
          path: full,
          created_at: ctx.now().toISOString(),
        })
        .execute();
    }
    parentId = found.id;
  }
  if (!found) throw new Error('empty category path');
  return found;
}

export async function createCategory(ctx: AppContext, path: string): Promise<CategoryView> {
  return ctx.storage.write((trx) => ensureCategory(trx, ctx, path));
}

export async function listCategories(ctx: AppContext): Promise<CategoryView[]> {
  const rows = await ctx.storage.db
    .selectFrom('categories')
    .select(['id', 'parent_id', 'name', 'path'])
    .where('store_id', '=', ctx.store.catalogId)
    .orderBy('path')
    .execute();
  return rows.map((row) => ({ id: row.id, parentId: row.parent_id, name: row.name, path: row.path }));
}

/** The ids of these categories and every category below them (a shop has a few hundred at most). */
export async function withDescendants(
  db: Kysely<Database>,
  ctx: AppContext,
  ids: readonly string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('categories')
    .select(['id', 'parent_id'])
    .where('store_id', '=', ctx.store.catalogId)
    .execute();
  const known = new Set(rows.map((row) => row.id));
  const missing = ids.find((wanted) => !known.has(wanted));
  if (missing) throw notFound('category', missing);
  const result = new Set(ids);
  let grew = true;
  while (grew) {
    grew = false;
    for (const row of rows) {
      if (row.parent_id && result.has(row.parent_id) && !result.has(row.id)) {
        result.add(row.id);
        grew = true;
      }
    }
  }
  return [...result];
}
