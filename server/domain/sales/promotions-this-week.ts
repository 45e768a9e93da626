import type { AppContext } from '../../context.js';
import type {
  Promotion,
  PromotionOffer,
  PromotionOnShow,
  PromotionsThisWeek,
} from '../../protocol/promotions.js';
import { activePromotions } from './promotions.js';

/** How far ahead "this week" looks for promotions that have not begun yet. */
const WEEK_MS = 7 * 86_400_000;
/** The idle screen has room for this many tiles. */
const SHOWN = 6;

function offerOf(p: Promotion): PromotionOffer {
  switch (p.kind) {
    case 'percent_off':
    case 'member_day':
      return { kind: p.kind, offBp: p.offBp };
    case 'fixed_price':
      return { kind: p.kind, price: p.price };
    case 'nth_item':
      return { kind: p.kind, n: p.n, offBp: p.offBp };
    case 'bundle':
      return { kind: p.kind, qty: p.qty, price: p.price };
    case 'spend_save':
      return { kind: p.kind, steps: p.steps, repeat: p.repeat ?? false };
  }
}

/**
 * The promotions a customer may meet at this store from now to a week ahead, for the lookup
 * kiosk's idle screen: what each gives and when, nothing the shop keeps to itself (priorities,
 * exclusive groups, the 每满 limit, which tiers by code). Those aimed at other stores are left out.
 */
export async function promotionsThisWeek(ctx: AppContext): Promise<PromotionsThisWeek> {
  const now = ctx.now().getTime();
  const items: PromotionOnShow[] = (await activePromotions(ctx.storage.db, ctx))
    .filter((p) => {
      const c = p.conditions;
      if (c.stores && !c.stores.includes(ctx.store.id)) return false;
      if (c.to && Date.parse(c.to) <= now) return false;
      return !c.from || Date.parse(c.from) <= now + WEEK_MS;
    })
    .sort((a, b) => a.priority - b.priority || a.label.localeCompare(b.label))
    .slice(0, SHOWN)
    .map((p) => ({
      id: p.id,
      label: p.label,
      offer: offerOf(p),
      membersOnly: (p.conditions.membersOnly ?? false) || p.conditions.tiers !== undefined,
      from: p.conditions.from ?? null,
      to: p.conditions.to ?? null,
      weekdays: p.conditions.weekdays ?? null,
      daysOfMonth: p.conditions.daysOfMonth ?? null,
    }));
  return { items };
}
