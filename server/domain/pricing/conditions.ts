import type { PromotionConditions } from '../../protocol/promotions.js';
import { wallClock } from '../../wall-clock.js';
import type { CartLine, PricingMember } from './types.js';

/** Local calendar facts of the moment of sale, in the store's time zone. */
export interface LocalTime {
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  day: number;
  month: number;
  /** Minutes since local midnight. */
  minutes: number;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const local = wallClock(at, timeZone);
  const weekday = local.getUTCDay();
  return {
    weekday: weekday === 0 ? 7 : weekday,
    day: local.getUTCDate(),
    month: local.getUTCMonth() + 1,
    minutes: local.getUTCHours() * 60 + local.getUTCMinutes(),
  };
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Whether the rule is on at this time, in this store, for this customer (not yet which goods). */
export function ruleIsOn(
  conditions: PromotionConditions,
  at: Date,
  local: LocalTime,
  storeId: string,
  member: PricingMember | null,
): boolean {
  const instant = at.toISOString();
  if (conditions.from && instant < new Date(conditions.from).toISOString()) return false;
  if (conditions.to && instant >= new Date(conditions.to).toISOString()) return false;
  if (conditions.weekdays && !conditions.weekdays.includes(local.weekday)) return false;
  if (conditions.daysOfMonth && !conditions.daysOfMonth.includes(local.day)) return false;
  if (conditions.hours) {
    const from = minutesOf(conditions.hours.from);
    const to = minutesOf(conditions.hours.to);
    const inside =
      from <= to ? local.minutes >= from && local.minutes < to : local.minutes >= from || local.minutes < to;
    if (!inside) return false;
  }
  if (conditions.stores && !conditions.stores.includes(storeId)) return false;
  if ((conditions.membersOnly || conditions.tiers) && !member) return false;
  if (conditions.tiers && member && !conditions.tiers.includes(member.tierCode)) return false;
  return true;
}

/** Whether a line's goods fall under the rule's included and excluded categories and styles. */
export function coversLine(
  scope: Pick<
    PromotionConditions,
    'includeCategories' | 'excludeCategories' | 'includeStyles' | 'excludeStyles' | 'includeSpecialPrice'
  >,
  line: CartLine,
): boolean {
  if (line.specialPrice && !scope.includeSpecialPrice) return false;
  const inCategories = scope.includeCategories?.some((id) => line.categoryIds.includes(id));
  const inStyles = scope.includeStyles?.includes(line.styleId);
  if ((scope.includeCategories || scope.includeStyles) && !inCategories && !inStyles) return false;
  if (scope.excludeCategories?.some((id) => line.categoryIds.includes(id))) return false;
  if (scope.excludeStyles?.includes(line.styleId)) return false;
  return true;
}

/** Whether today falls in the member's birthday month (the year of birth is optional). */
export function isBirthdayMonth(member: PricingMember | null, local: LocalTime): boolean {
  const birthday = member?.birthday;
  if (!birthday) return false;
  const parts = birthday.split('-');
  const month = Number(parts.length === 3 ? parts[1] : parts[0]);
  return month === local.month;
}
