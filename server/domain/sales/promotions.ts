import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import type { Promotion, PromotionView } from '../../protocol/promotions.js';
import type { Database, PromotionRow } from '../../storage/schema.js';
import { recordAudit } from '../audit/service.js';

const fen = z.number().int().min(0).max(100_000_000);
const offBp = z.number().int().min(1).max(10_000);
const ids = z.array(z.string().min(1).max(64)).max(200);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time HH:MM');

export const conditionsSchema = z
  .strictObject({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    weekdays: z.array(z.number().int().min(1).max(7)).max(7).optional(),
    daysOfMonth: z.array(z.number().int().min(1).max(31)).max(31).optional(),
    hours: z.strictObject({ from: hhmm, to: hhmm }).optional(),
    tiers: z.array(z.string().min(1).max(20)).max(20).optional(),
    membersOnly: z.boolean().optional(),
    stores: ids.optional(),
    includeCategories: ids.optional(),
    excludeCategories: ids.optional(),
    includeStyles: ids.optional(),
    excludeStyles: ids.optional(),
    includeSpecialPrice: z.boolean().optional(),
    minQty: z.number().int().min(1).max(9999).optional(),
  })
  .refine((c) => !c.from || !c.to || Date.parse(c.from) < Date.parse(c.to), {
    message: 'to must be after from',
    path: ['to'],
  });

const base = {
  label: z.string().trim().min(1).max(40),
  priority: z.number().int().min(0).max(1000).default(100),
  exclusiveGroup: z.string().trim().min(1).max(40).nullable().default(null),
  stacksWithTierDiscount: z.boolean().default(true),
  conditions: conditionsSchema.default({}),
  active: z.boolean().default(true),
};

/** A promotion as the owner writes it; it becomes the pricing engine's `Promotion`. */
export const promotionBody = z.discriminatedUnion('kind', [
  z.strictObject({ ...base, kind: z.literal('percent_off'), offBp }),
  z.strictObject({ ...base, kind: z.literal('member_day'), offBp }),
  z.strictObject({ ...base, kind: z.literal('fixed_price'), price: fen }),
  z.strictObject({
    ...base,
    kind: z.literal('nth_item'),
    n: z.number().int().min(2).max(100),
    offBp,
  }),
  z.strictObject({ ...base, kind: z.literal('bundle'), qty: z.number().int().min(2).max(100), price: fen }),
  z
    .strictObject({
      ...base,
      kind: z.literal('spend_save'),
      steps: z
        .array(z.strictObject({ threshold: fen.min(1), off: fen.min(1) }))
        .min(1)
        .max(10),
      repeat: z.boolean().optional(),
      maxTimes: z.number().int().min(1).max(1000).optional(),
    })
    .refine((p) => p.steps.every((step) => step.off < step.threshold), {
      message: 'each step takes off less than its threshold',
      path: ['steps'],
    })
    .refine((p) => !p.repeat || p.steps.length === 1, {
      message: '每满 (repeat) takes exactly one step',
      path: ['repeat'],
    }),
]);
export type PromotionInput = z.output<typeof promotionBody>;

/** Who writes a promotion: head office writes the chain's, a branch's staff the branch's own. */
export interface PromotionAuthor {
  staffId: string | null;
  headOffice: boolean;
}

function toPromotion(row: Pick<PromotionRow, 'id' | 'definition'>): Promotion {
  return { ...(JSON.parse(row.definition) as Omit<Promotion, 'id'>), id: row.id } as Promotion;
}

function view(ctx: AppContext, row: PromotionRow): PromotionView {
  return {
    id: row.id,
    kind: row.kind as Promotion['kind'],
    label: row.label,
    priority: row.priority,
    exclusiveGroup: row.exclusive_group,
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    archivedAt: row.archived_at,
    scope: row.store_id === ctx.store.catalogId ? 'chain' : 'store',
    promotion: toPromotion(row),
  };
}

function definitionOf(input: PromotionInput): string {
  const { active: _active, ...definition } = input;
  return JSON.stringify(definition);
}

/** Where a store finds its promotions: the chain's (head office's) and its own. */
function owners(ctx: AppContext): string[] {
  return [...new Set([ctx.store.catalogId, ctx.store.id])];
}

/**
 * Where an author's promotions live: head office's are the chain's (kept under head office's
 * id); a branch's staff keep their branch's own.
 */
function ownerFor(ctx: AppContext, author: PromotionAuthor): string {
  return author.headOffice ? ctx.store.catalogId : ctx.store.id;
}

/**
 * The promotions a quote or a sale considers: active, not archived, the chain's and this
 * store's own (the pricing engine then checks each one's `conditions.stores`). The query alone,
 * for a sale's one settings statement (`sale-settings.ts`) too.
 */
export function promotionsInForce(db: Kysely<Database>, ctx: AppContext) {
  return db
    .selectFrom('promotions')
    .select(['id', 'definition'])
    .where('store_id', 'in', owners(ctx))
    .where('active', '=', 1)
    .where('archived_at', 'is', null);
}

/** The rows of `promotionsInForce` as the pricing engine takes them. */
export function promotionsOf(rows: readonly Pick<PromotionRow, 'id' | 'definition'>[]): Promotion[] {
  return rows.map(toPromotion);
}

export async function activePromotions(db: Kysely<Database>, ctx: AppContext): Promise<Promotion[]> {
  return promotionsOf(await promotionsInForce(db, ctx).execute());
}

/** Active ones; with `all` also the paused; with `archived` only the ended ones. */
export async function listPromotions(
  ctx: AppContext,
  all: boolean,
  archived = false,
): Promise<PromotionView[]> {
  let query = ctx.storage.db
    .selectFrom('promotions')
    .selectAll()
    .where('store_id', 'in', owners(ctx))
    .where('archived_at', archived ? 'is not' : 'is', null);
  if (!all && !archived) query = query.where('active', '=', 1);
  const rows = await query.orderBy('priority').orderBy('id').execute();
  return rows.map((row) => view(ctx, row));
}

export async function getPromotion(ctx: AppContext, id: string): Promise<PromotionView> {
  const row = await ctx.storage.db
    .selectFrom('promotions')
    .selectAll()
    .where('id', '=', id)
    .where('store_id', 'in', owners(ctx))
    .executeTakeFirst();
  if (!row) throw notFound('promotion', id);
  return view(ctx, row);
}

/**
 * A branch's own promotion runs at that branch alone; naming other stores is head office's.
 * Changing or ending a chain promotion is head office's too.
 */
async function assertMayWrite(
  db: Kysely<Database>,
  ctx: AppContext,
  author: PromotionAuthor,
  id: string | null,
  input: PromotionInput | null,
): Promise<void> {
  if (author.headOffice) return;
  const stores = input?.conditions.stores;
  if (stores?.some((store) => store !== ctx.store.id)) {
    throw new ApiError(
      'forbidden',
      "A store's own promotion runs at that store only; head office names other stores.",
      {
        'body.conditions.stores': 'this store only',
      },
    );
  }
  if (id === null) return;
  const row = await db.selectFrom('promotions').select('store_id').where('id', '=', id).executeTakeFirst();
  if (row && row.store_id === ctx.store.catalogId) {
    throw new ApiError('forbidden', 'This is a chain promotion: head office changes it.', {
      'params.id': 'chain promotion',
    });
  }
}

/** Creates (id null) or replaces a promotion. Audited. */
export async function savePromotion(
  ctx: AppContext,
  id: string | null,
  input: PromotionInput,
  author: PromotionAuthor,
): Promise<PromotionView> {
  const { staffId } = author;
  const owner = ownerFor(ctx, author);
  return ctx.storage.write(async (trx) => {
    await assertMayWrite(trx, ctx, author, id, input);
    const now = ctx.now().toISOString();
    const values = {
      kind: input.kind,
      label: input.label,
      priority: input.priority,
      exclusive_group: input.exclusiveGroup,
      definition: definitionOf(input),
      active: input.active ? 1 : 0,
      updated_at: now,
    };
    let promotionId = id;
    if (promotionId === null) {
      promotionId = newId();
      await trx
        .insertInto('promotions')
        .values({
          id: promotionId,
          store_id: owner,
          ...values,
          created_at: now,
          created_by: staffId,
          archived_at: null,
        })
        .execute();
    } else {
      const updated = await trx
        .updateTable('promotions')
        .set(values)
        .where('id', '=', promotionId)
        .where('store_id', 'in', owners(ctx))
        .where('archived_at', 'is', null)
        .executeTakeFirst();
      if (updated.numUpdatedRows === 0n) throw notFound('promotion', promotionId);
    }
    await recordAudit(trx, ctx, {
      kind: 'promotion.saved',
      staffId,
      subjectType: 'promotion',
      subjectId: promotionId,
      detail: { created: id === null, ...input },
    });
    const row = await trx
      .selectFrom('promotions')
      .selectAll()
      .where('id', '=', promotionId)
      .executeTakeFirstOrThrow();
    return view(ctx, row);
  });
}

/** Ends a promotion for good; sales that used it keep its label and id on their lines. */
export async function archivePromotion(ctx: AppContext, id: string, author: PromotionAuthor): Promise<void> {
  const { staffId } = author;
  await ctx.storage.write(async (trx) => {
    await assertMayWrite(trx, ctx, author, id, null);
    const now = ctx.now().toISOString();
    const updated = await trx
      .updateTable('promotions')
      .set({ archived_at: now, active: 0, updated_at: now })
      .where('id', '=', id)
      .where('store_id', 'in', owners(ctx))
      .where('archived_at', 'is', null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw notFound('promotion', id);
    await recordAudit(trx, ctx, {
      kind: 'promotion.archived',
      staffId,
      subjectType: 'promotion',
      subjectId: id,
      detail: {},
    });
  });
}
