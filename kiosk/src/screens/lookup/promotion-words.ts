import { count, date, money } from '../../data/format.js';
import type { PromotionOnShow } from '../../data/promotions.js';
import { zheText } from '../../data/zhe.js';
import { t } from '../../i18n/index.js';

/** Whole yuan as the shop writes them in 满300减50 (cents only when there are some). */
const yuan = (fen: number) => (fen % 100 === 0 ? count(fen / 100) : (fen / 100).toFixed(2));

/** What a promotion gives, in the shop's words: 全场8折, 第2件5折, 满300减50，满500减100. */
export function offerText(p: PromotionOnShow): string {
  const offer = p.offer;
  switch (offer.kind) {
    case 'percent_off':
    case 'member_day':
      return t(`lookupPromotions.${offer.kind}`, { zhe: zheText(offer.offBp), percent: offer.offBp / 100 });
    case 'nth_item':
      return t('lookupPromotions.nth_item', {
        n: offer.n,
        zhe: zheText(offer.offBp),
        percent: offer.offBp / 100,
      });
    case 'fixed_price':
      return t('lookupPromotions.fixed_price', { price: money(offer.price) });
    case 'bundle':
      return t('lookupPromotions.bundle', { qty: offer.qty, price: money(offer.price) });
    case 'spend_save':
      return offer.steps
        .map((step) =>
          t(offer.repeat ? 'lookupPromotions.spendRepeat' : 'lookupPromotions.spendStep', {
            threshold: yuan(step.threshold),
            off: yuan(step.off),
          }),
        )
        .join(t('lookupPromotions.stepSeparator'));
  }
}

/** The last moment a promotion runs: its end is exclusive (ending at midnight, it ran the day before). */
const lastMoment = (to: string) => new Date(Date.parse(to) - 1).toISOString();

/** When it runs: its dates (in the shop's time zone), and the days of the week or month it keeps. */
export function whenText(p: PromotionOnShow): string {
  const parts: string[] = [];
  const to = p.to && date(lastMoment(p.to));
  if (p.from && to) parts.push(t('lookupPromotions.between', { from: date(p.from), to }));
  else if (p.from) parts.push(t('lookupPromotions.from', { date: date(p.from) }));
  else if (to) parts.push(t('lookupPromotions.until', { date: to }));
  else parts.push(t('lookupPromotions.ongoing'));
  const separator = t('lookupPromotions.listSeparator');
  if (p.weekdays) {
    const days = p.weekdays.map((d) => t(`promo.weekday.${d}` as 'promo.weekday.1')).join(separator);
    parts.push(t('lookupPromotions.weekdays', { days }));
  }
  if (p.daysOfMonth) parts.push(t('lookupPromotions.daysOfMonth', { days: p.daysOfMonth.join(separator) }));
  return parts.join(' · ');
}
