import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { newId } from '../../ids.js';
import type { SizeGroup } from '../../protocol/catalog.js';
import type { Database } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';

/** The colours every shop starts with; entering a new colour on a style adds it to the palette. */
export const DEFAULT_COLORS = [
  '黑',
  '白',
  '灰',
  '米白',
  '卡其',
  '驼',
  '棕',
  '红',
  '酒红',
  '粉',
  '橙',
  '黄',
  '绿',
  '军绿',
  '蓝',
  '浅蓝',
  '藏青',
  '紫',
  '花色',
] as const;

/** Sensible defaults; the shop may change them or add its own groups. */
export const DEFAULT_SIZE_GROUPS: readonly SizeGroup[] = [
  { code: 'tops', name: '上衣', sizes: ['XS', 'S', 'M', 'L', 'XL', 'XXL', 'XXXL'], builtIn: true },
  {
    code: 'bottoms',
    name: '裤装',
    sizes: ['25', '26', '27', '28', '29', '30', '31', '32', '33', '34', '35', '36'],
    builtIn: true,
  },
  {
    code: 'shoes',
    name: '鞋',
    sizes: ['34', '35', '36', '37', '38', '39', '40', '41', '42', '43', '44', '45'],
    builtIn: true,
  },
  {
    code: 'kids',
    name: '童装(身高)',
    sizes: ['90', '100', '110', '120', '130', '140', '150', '160'],
    builtIn: true,
  },
];

export async function listColors(db: Kysely<Database>, ctx: AppContext): Promise<string[]> {
  const rows = await db
    .selectFrom('colors')
    .select('name')
    .where('store_id', '=', ctx.store.catalogId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const added = rows
    .map((row) => row.name)
    .filter((name) => !(DEFAULT_COLORS as readonly string[]).includes(name));
  return [...DEFAULT_COLORS, ...added];
}

/** Adds the colours the palette lacks, inside the caller's transaction. */
export async function ensureColors(
  trx: Kysely<Database>,
  ctx: AppContext,
  colors: readonly string[],
): Promise<void> {
  const fresh = colors.filter((name) => !(DEFAULT_COLORS as readonly string[]).includes(name));
  if (fresh.length === 0) return;
  const now = ctx.now().toISOString();
  for (const name of new Set(fresh)) {
    await trx
      .insertInto('colors')
      .values({ id: newId(), store_id: ctx.store.catalogId, name, created_at: now })
      .onConflict((oc) => oc.columns(['store_id', 'name']).doNothing())
      .execute();
  }
}

/** Adds a colour to the palette (audited); a colour the palette has already changes nothing. */
export async function addColor(ctx: AppContext, name: string, staffId: string | null): Promise<string[]> {
  await ctx.storage.write(async (trx) => {
    if ((await listColors(trx, ctx)).includes(name)) return;
    await ensureColors(trx, ctx, [name]);
    await recordAudit(trx, ctx, {
      kind: 'catalog.color_added',
      staffId,
      subjectType: 'color',
      subjectId: name,
      detail: { name },
    });
  });
  return listColors(ctx.storage.db, ctx);
}

export async function listSizeGroups(db: Kysely<Database>, ctx: AppContext): Promise<SizeGroup[]> {
  const rows = await db
    .selectFrom('size_groups')
    .select(['code', 'name', 'sizes'])
    .where('store_id', '=', ctx.store.catalogId)
    .orderBy('code')
    .execute();
  const stored = new Map(
    rows.map((row) => [
      row.code,
      { code: row.code, name: row.name, sizes: JSON.parse(row.sizes) as string[], builtIn: false },
    ]),
  );
  const defaults = DEFAULT_SIZE_GROUPS.map((group) => stored.get(group.code) ?? group);
  const own = [...stored.values()].filter((group) => !DEFAULT_SIZE_GROUPS.some((d) => d.code === group.code));
  return [...defaults, ...own];
}

/** Creates a size group or replaces one (a built-in one too); styles already made keep their sizes. */
export async function saveSizeGroup(
  ctx: AppContext,
  group: { code: string; name: string; sizes: string[] },
  staffId: string | null,
): Promise<SizeGroup> {
  await ctx.storage.write(async (trx) => {
    const before = (await listSizeGroups(trx, ctx)).find((g) => g.code === group.code);
    await trx
      .insertInto('size_groups')
      .values({
        id: newId(),
        store_id: ctx.store.catalogId,
        code: group.code,
        name: group.name,
        sizes: JSON.stringify(group.sizes),
        updated_at: ctx.now().toISOString(),
      })
      .onConflict((oc) =>
        oc.columns(['store_id', 'code']).doUpdateSet({
          name: group.name,
          sizes: JSON.stringify(group.sizes),
          updated_at: ctx.now().toISOString(),
        }),
      )
      .execute();
    await recordAudit(trx, ctx, {
      kind: 'catalog.size_group_saved',
      staffId,
      subjectType: 'size_group',
      subjectId: group.code,
      detail: {
        code: group.code,
        name: group.name,
        sizes: group.sizes,
        before: before ? { name: before.name, sizes: before.sizes, builtIn: before.builtIn } : null,
      },
    });
  });
  return { ...group, builtIn: false };
}
