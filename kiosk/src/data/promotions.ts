import type {
  CouponTemplateView as CouponTemplate,
  CouponTrigger,
  CouponsIssued as IssueResult,
} from '../../../server/protocol/loyalty.js';
import type {
  PromotionDraft,
  PromotionPreview,
  PromotionPreviewRequest,
  PromotionsThisWeek,
  PromotionView,
} from '../../../server/protocol/promotions.js';
import { type ApiAuth, call } from './http.js';

export type {
  CouponsIssued as IssueResult,
  CouponTemplateView as CouponTemplate,
  CouponTrigger,
} from '../../../server/protocol/loyalty.js';
export {
  PROMOTION_KINDS,
  type Promotion,
  type PromotionConditions,
  type PromotionDraft,
  type PromotionKind,
  type PromotionOnShow,
  type PromotionPreview,
  type PromotionView,
} from '../../../server/protocol/promotions.js';
export type { Quote } from '../../../server/protocol/quote.js';

/** This week's promotions at this store as customers read them (the lookup kiosk's idle screen). */
export async function promotionsThisWeek(auth: ApiAuth): Promise<PromotionsThisWeek['items']> {
  return (await call<PromotionsThisWeek>(auth, 'GET', '/api/promotions/this-week')).items;
}

/** Active and paused promotions, or (`archived`) the ended ones. */
export async function listPromotions(auth: ApiAuth, archived = false): Promise<PromotionView[]> {
  const query = archived ? { archived: true } : { all: true };
  return (await call<{ items: PromotionView[] }>(auth, 'GET', '/api/promotions', { query })).items;
}

/** Creates (id null) or replaces a promotion. */
export function savePromotion(
  auth: ApiAuth,
  id: string | null,
  draft: PromotionDraft,
): Promise<PromotionView> {
  return id === null
    ? call(auth, 'POST', '/api/promotions', { body: draft })
    : call(auth, 'PUT', `/api/promotions/${encodeURIComponent(id)}`, { body: draft });
}

/** Ends a promotion for good. */
export function archivePromotion(auth: ApiAuth, id: string): Promise<void> {
  return call(auth, 'DELETE', `/api/promotions/${encodeURIComponent(id)}`);
}

/** The cart priced before and after the draft; nothing is stored. */
export function previewPromotion(auth: ApiAuth, input: PromotionPreviewRequest): Promise<PromotionPreview> {
  return call(auth, 'POST', '/api/promotions/preview', { body: input });
}

export interface NewCouponTemplate {
  name: string;
  kind: 'amount' | 'percent';
  value: number;
  minSpend: number;
  validDays?: number;
  validTo?: string;
  perMemberLimit: number | null;
  trigger: CouponTrigger;
  triggerTierCode?: string;
  active: boolean;
}

export async function listCouponTemplates(auth: ApiAuth): Promise<CouponTemplate[]> {
  return (await call<{ items: CouponTemplate[] }>(auth, 'GET', '/api/coupon-templates')).items;
}

export function createCouponTemplate(auth: ApiAuth, template: NewCouponTemplate): Promise<CouponTemplate> {
  return call(auth, 'POST', '/api/coupon-templates', { body: template });
}

/** Issues a template's coupons to listed members or to a segment (tier and/or tag). */
export function issueCoupons(
  auth: ApiAuth,
  templateId: string,
  to: { memberIds: string[] } | { segment: { tierCode?: string; tag?: string } },
): Promise<IssueResult> {
  return call(auth, 'POST', '/api/coupons/issue', { body: { templateId, ...to } });
}
