import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { focusFirst } from '../../components/focus-trap.js';
import { controls } from '../../components/styles.js';
import type { CheckoutResult } from '../../data/cart.js';
import { money } from '../../data/format.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { dialogStyles, saleKeyStyles } from './styles.js';

/**
 * The sale is paid: its number, the change to hand back in big figures and the member's points.
 * Enter (or the next scan, or any action key) goes on to the next customer.
 *
 * @fires hg-close - on to the next customer.
 */
@customElement('hg-checkout-paid')
export class HgCheckoutPaid extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    saleKeyStyles,
    css`
      .paid {
        text-align: center;
      }
      .paid .big {
        font-size: 3em;
      }
    `,
  ];

  /** The checkout's answer. */
  @property({ attribute: false }) paid: CheckoutResult | null = null;

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const sale = this.paid?.sale;
    if (!sale) return nothing;
    return html`<div class="scrim" @keydown=${this._keydown}>
      <section class="sheet paid" role="dialog" aria-modal="true" aria-label=${t('checkout.paidTitle')} data-paid=${sale.number}>
        <h2>${t('checkout.paidTitle')}</h2>
        <p>${t('checkout.saleNumber')}: <strong>${sale.number}</strong></p>
        <p>${t('checkout.total')}: <strong>${money(sale.total)}</strong></p>
        <p>${t('checkout.change')}</p>
        <p class="big" data-change=${sale.change}>${money(sale.change)}</p>
        ${
          sale.member
            ? html`<p>${t('checkout.pointsEarned', { points: sale.pointsEarned, balance: sale.member.points })}</p>`
            : nothing
        }
        <div class="actions centered">
          <button type="button" class="primary" autofocus @click=${this._close}>${t('checkout.nextCustomer')} <kbd>⏎</kbd></button>
        </div>
      </section>
    </div>`;
  }

  protected override firstUpdated(): void {
    focusFirst(this.renderRoot.querySelector('.paid .actions'));
  }

  private _keydown(event: KeyboardEvent): void {
    if (event.key === 'Enter') event.preventDefault();
    if (event.key === 'Escape' || event.key === 'Enter') this._close();
  }

  private _close(): void {
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-paid': HgCheckoutPaid;
  }
}
