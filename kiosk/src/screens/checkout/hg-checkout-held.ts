import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { focusFirst } from '../../components/focus-trap.js';
import { controls } from '../../components/styles.js';
import type { CartView } from '../../data/cart.js';
import { dateTime, money } from '../../data/format.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { dialogStyles, saleKeyStyles } from './styles.js';

/**
 * The carts on hold at this till (F4): one of them comes back to the counter.
 *
 * @fires hg-recall - the id of the held cart to bring back.
 * @fires hg-close - cancelled.
 */
@customElement('hg-checkout-held')
export class HgCheckoutHeld extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    saleKeyStyles,
    css`
      td button {
        min-height: 2.4em;
      }
    `,
  ];

  /** The held carts, as `cart/held` answered. */
  @property({ attribute: false }) held: CartView[] = [];

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<div class="scrim" @keydown=${this._keydown}>
      <section class="sheet held" role="dialog" aria-modal="true" aria-label=${t('checkout.heldTitle')}>
        <h2>${t('checkout.heldTitle')}</h2>
        ${
          this.held.length === 0
            ? html`<p class="muted">${t('checkout.noneHeld')}</p>`
            : html`<table>
              <tbody>
                ${this.held.map(
                  (held) => html`<tr>
                    <td>${held.label ?? dateTime(held.updatedAt)}</td>
                    <td>${t('checkout.itemCount', { count: held.lines.reduce((s, l) => s + l.qty, 0) })}</td>
                    <td class="num">${money(held.quote?.total ?? 0)}</td>
                    <td><button type="button" class="primary" @click=${() => this._recall(held.id)}>${t('checkout.recallThis')}</button></td>
                  </tr>`,
                )}
              </tbody>
            </table>`
        }
        <div class="actions"><button type="button" @click=${this._close}>${t('common.cancel')} <kbd>Esc</kbd></button></div>
      </section>
    </div>`;
  }

  protected override firstUpdated(): void {
    focusFirst(this.renderRoot.querySelector('[aria-modal="true"]'));
  }

  private _keydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') this._close();
  }

  private _recall(cartId: string): void {
    this.dispatchEvent(new CustomEvent('hg-recall', { detail: cartId, bubbles: true, composed: true }));
  }

  private _close(): void {
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-held': HgCheckoutHeld;
  }
}
