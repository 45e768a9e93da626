import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { focusFirst } from '../../components/focus-trap.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import type { CheckoutResult } from '../../data/cart.js';
import type { PrintJobState } from '../../data/devices.js';
import { money } from '../../data/format.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { dialogStyles, saleKeyStyles } from './styles.js';

/**
 * The sale is paid: its number, the change to hand back in big figures and the member's points.
 * Enter (or the next scan, or any action key) goes on to the next customer.
 *
 * When the printer could not confirm the receipt, it asks whether to print it again.
 *
 * @fires hg-close - on to the next customer.
 * @fires hg-reprint - the cashier says the receipt did not come out: print it again.
 * @fires hg-reprint-declined - the cashier says it did.
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
      .receipt-unknown {
        border: 2px solid var(--hg-danger);
        border-radius: 8px;
        padding: 0.5em 1em;
        margin: 1em 0;
      }
    `,
  ];

  /** The checkout's answer. */
  @property({ attribute: false }) paid: CheckoutResult | null = null;
  /**
   * Where the sale's receipt is. `unknown` (the printer did not confirm it) asks the cashier
   * whether to reprint; `reprinting` once they said yes (asked once), `declined` once they said no.
   */
  @property({ attribute: false }) receipt: PrintJobState | 'reprinting' | 'declined' | null = null;
  /** Why the reprint could not be asked for, if it could not. */
  @property({ attribute: false }) reprintError: unknown = null;

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
        ${this._receiptQuestion(t)}
        <div class="actions centered">
          <button type="button" class="primary" autofocus @click=${this._close}>${t('checkout.nextCustomer')} <kbd>⏎</kbd></button>
        </div>
      </section>
    </div>`;
  }

  private _receiptQuestion(t: LocalizeController['t']) {
    if (this.reprintError)
      return html`<p role="alert">${t('receiptPrint.reprintFailed')}</p><hg-error .error=${this.reprintError}></hg-error>`;
    if (this.receipt === 'reprinting') return html`<p role="status">${t('receiptPrint.reprinting')}</p>`;
    if (this.receipt !== 'unknown') return nothing;
    return html`<div class="receipt-unknown" role="alert">
      <p>${t('receiptPrint.unknown')}</p>
      <p><strong>${t('receiptPrint.askReprint')}</strong></p>
      <div class="actions centered">
        <button type="button" class="primary" data-reprint @click=${this._reprint}>${t('receiptPrint.reprint')}</button>
        <button type="button" @click=${this._decline}>${t('receiptPrint.noNeed')}</button>
      </div>
    </div>`;
  }

  private _reprint(): void {
    this.dispatchEvent(new CustomEvent('hg-reprint', { bubbles: true, composed: true }));
  }

  private _decline(): void {
    this.dispatchEvent(new CustomEvent('hg-reprint-declined', { bubbles: true, composed: true }));
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
