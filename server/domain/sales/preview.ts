import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Promotion, PromotionPreview } from '../../protocol/promotions.js';
import { promotionBody } from './promotions.js';
import { priceRequest } from './quote.js';
import { id, saleLines } from './schemas.js';

/** `POST /api/promotions/preview`: a draft promotion tried on a cart, nothing stored. */
export const previewBody = z.strictObject({
  /** The promotion being edited, when it is saved already: the draft replaces it in `after`. */
  id: id.optional(),
  promotion: promotionBody,
  memberId: id.optional(),
  lines: saleLines(50),
});
export type PreviewInput = z.output<typeof previewBody>;

export const DRAFT_ID = 'draft';

/**
 * Prices the cart twice with the same clock, member and settings: once with the promotions in
 * force but without the one edited, once with the draft added. Reads only, so an owner can try a promotion before anyone
 * at the till sees it.
 */
export async function previewPromotion(ctx: AppContext, input: PreviewInput): Promise<PromotionPreview> {
  const { active: _active, ...definition } = input.promotion;
  const draftId = input.id ?? DRAFT_ID;
  const draft: Promotion = { ...definition, id: draftId };
  const request = {
    memberId: input.memberId,
    lines: input.lines,
    couponCodes: [],
    redeemPoints: 0,
    training: false,
  };
  const db = ctx.storage.db;
  const others = (active: readonly Promotion[]) => active.filter((promotion) => promotion.id !== draftId);
  const before = (await priceRequest(db, ctx, request, others)).quote;
  const after = (await priceRequest(db, ctx, request, (active) => [...others(active), draft])).quote;
  return { before, after, draftId };
}
