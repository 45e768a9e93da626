import type { Quote } from './quote.js';
import type { SaleLineRequest } from './sales.js';

/**
 * Promotions as the owner writes them, the pricing engine applies them and the admin's editor
 * reads them back. Money in fen; rates are basis points off (1000 = 10% off = 9折).
 */

/** Who and what a promotion applies to; every condition given must hold. */
export interface PromotionConditions {
  /** ISO instants; the promotion runs from `from` (inclusive) to `to` (exclusive). */
  from?: string;
  to?: string;
  /** 1 = Monday … 7 = Sunday, in the store's time zone. */
  weekdays?: readonly number[];
  /** Days of the month, e.g. [8, 18, 28] for a member day. */
  daysOfMonth?: readonly number[];
  /** `HH:MM` local times, from inclusive to exclusive. */
  hours?: { from: string; to: string };
  /** Only for members of these tiers. */
  tiers?: readonly string[];
  /** Only for members at all. */
  membersOnly?: boolean;
  stores?: readonly string[];
  includeCategories?: readonly string[];
  excludeCategories?: readonly string[];
  includeStyles?: readonly string[];
  excludeStyles?: readonly string[];
  /** Special-price goods take part only when this is true. */
  includeSpecialPrice?: boolean;
  /** The eligible goods in the cart must add up to at least this many units. */
  minQty?: number;
}

interface PromotionBase {
  id: string;
  /** Shown on the receipt and the customer display, e.g. "满300减50". */
  label: string;
  /** Lower runs first. */
  priority: number;
  /** At most one promotion of a group applies; the engine picks the best for the customer. */
  exclusiveGroup?: string | null;
  /** When false, a line this promotion discounted gets no tier or birthday discount. */
  stacksWithTierDiscount?: boolean;
  conditions: PromotionConditions;
}

/** The rule of each kind: what it takes off, beside the conditions every kind shares. */
export type Promotion =
  | (PromotionBase & { kind: 'percent_off'; offBp: number })
  | (PromotionBase & { kind: 'member_day'; offBp: number })
  | (PromotionBase & { kind: 'fixed_price'; price: number })
  | (PromotionBase & { kind: 'nth_item'; n: number; offBp: number })
  | (PromotionBase & { kind: 'bundle'; qty: number; price: number })
  | (PromotionBase & {
      kind: 'spend_save';
      /** Thresholds and amounts off; the highest reached applies. */
      steps: readonly { threshold: number; off: number }[];
      /** 每满: with one step, the amount off repeats for every full threshold. */
      repeat?: boolean;
      /** With repeat: at most this many times. */
      maxTimes?: number;
    });

export type PromotionKind = Promotion['kind'];

/** Each kind once, in the order the editor offers them. */
export const PROMOTION_KINDS = [
  'percent_off',
  'member_day',
  'fixed_price',
  'nth_item',
  'bundle',
  'spend_save',
] as const satisfies readonly PromotionKind[];

/** `Omit` taken of each member of a union, so the kind still tells the fields apart. */
type OmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A promotion as the owner writes it (`POST /api/promotions`, `PUT /api/promotions/:id`): the
 * rule without its id, and whether it runs now (false pauses it).
 */
export type PromotionDraft = OmitEach<Promotion, 'id'> & { active?: boolean };

export interface PromotionView {
  id: string;
  kind: PromotionKind;
  label: string;
  priority: number;
  exclusiveGroup: string | null;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  /** When it was ended for good (`DELETE`); null while it can still run. */
  archivedAt: string | null;
  /**
   * `chain`: head office's, run at every store its conditions name (all when none);
   * `store`: this branch's own. A shop on its own has only `chain` ones.
   */
  scope: PromotionScope;
  /** The whole definition, as written. */
  promotion: Promotion;
}

export type PromotionScope = 'chain' | 'store';

/** `POST /api/promotions/preview`: a draft tried on a cart of real SKUs, nothing stored. */
export interface PromotionPreviewRequest {
  /** The promotion being edited, when it is saved already: the draft replaces it in `after`. */
  id?: string;
  promotion: PromotionDraft;
  memberId?: string;
  lines: SaleLineRequest[];
}

export interface PromotionPreview {
  /** The cart priced with the promotions in force now, without the one edited. */
  before: Quote;
  /** The same cart with the draft in force too (paused or not) in place of its saved version. */
  after: Quote;
  /** The id the draft's discounts carry as `ref` in `after`. */
  draftId: string;
}

/** What a promotion gives, as a customer reads it: no priorities, groups or limits. */
export type PromotionOffer =
  | { kind: 'percent_off' | 'member_day'; offBp: number }
  | { kind: 'fixed_price'; price: number }
  | { kind: 'nth_item'; n: number; offBp: number }
  | { kind: 'bundle'; qty: number; price: number }
  | { kind: 'spend_save'; steps: readonly { threshold: number; off: number }[]; repeat: boolean };

/** One of this week's promotions on the lookup kiosk's idle screen. */
export interface PromotionOnShow {
  id: string;
  label: string;
  offer: PromotionOffer;
  /** For members only (of any tier or of some). */
  membersOnly: boolean;
  /** ISO instants; null: since before / until further notice. */
  from: string | null;
  to: string | null;
  /** 1 = Monday … 7 = Sunday; the days of the month (member days). */
  weekdays: readonly number[] | null;
  daysOfMonth: readonly number[] | null;
}

/** `GET /api/promotions/this-week`. */
export interface PromotionsThisWeek {
  items: PromotionOnShow[];
}
