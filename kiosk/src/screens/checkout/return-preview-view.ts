import { html, nothing } from 'lit';
import type { ReturnPreview } from '../../data/cart.js';
import { money } from '../../data/format.js';
import type { MessageKey } from '../../i18n/index.js';
import type { LocalizeController } from '../../i18n/localize-controller.js';

/** A tender's name in the shop's words (`checkout.tender.*`). */
export function tenderName(i18n: LocalizeController, method: string): string {
  return i18n.t(`checkout.tender.${method}` as MessageKey);
}

/**
 * What a return gives back, as the server's preview says it: the goods and their value, what
 * points or coupons move, the refund per tender, and what a manager must approve.
 */
export function returnPreviewView(i18n: LocalizeController, preview: ReturnPreview, refunds = true) {
  const t = i18n.t.bind(i18n);
  const qty = preview.lines.reduce((sum, line) => sum + line.qty, 0);
  return html`<section class="preview" aria-label=${t('tillReturn.preview')} data-preview=${preview.refundTotal}>
    <strong>${t('tillReturn.preview')}</strong>
    <span>${t('tillReturn.goodsBack', { qty, amount: money(preview.amount) })}</span>
    ${preview.keptBack > 0 ? html`<span>${t('tillReturn.keptBack', { amount: money(preview.keptBack) })}</span>` : nothing}
    ${
      preview.pointsTakenBack > 0
        ? html`<span>${t('tillReturn.pointsTakenBack', { points: preview.pointsTakenBack })}</span>`
        : nothing
    }
    ${
      preview.pointsGivenBack > 0
        ? html`<span>${t('tillReturn.pointsGivenBack', { points: preview.pointsGivenBack })}</span>`
        : nothing
    }
    ${
      preview.couponsReleased.length > 0
        ? html`<span>${t('tillReturn.couponsReleased', { count: preview.couponsReleased.length })}</span>`
        : nothing
    }
    ${
      refunds
        ? html`<span class="refunds"
            ><strong>${t('tillReturn.refundTotal', { amount: money(preview.refundTotal) })}</strong>
            ${preview.refund.map(
              (r) =>
                html`<span class="badge" data-tender=${r.method}
                  >${t('tillReturn.refundLine', { tender: tenderName(i18n, r.method), amount: money(r.amount) })}</span
                >`,
            )}</span
          >`
        : nothing
    }
    ${
      preview.member
        ? html`<span class="muted">${t('tillReturn.memberAfter', {
            points: preview.member.points,
            balance: money(preview.member.storedValue),
          })}</span>`
        : nothing
    }
    ${preview.approvalNeeded.includes('late') ? html`<span class="warn" data-late>${t('tillReturn.late')}</span>` : nothing}
    ${preview.beyondTenders.map(
      (b) =>
        html`<span class="warn" data-beyond=${b.amount}
          >${t('tillReturn.beyond', { tender: tenderName(i18n, b.method), amount: money(b.amount) })}</span
        >`,
    )}
  </section>`;
}
