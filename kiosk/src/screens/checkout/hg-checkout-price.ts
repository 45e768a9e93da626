import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { focusFirst } from '../../components/focus-trap.js';
import { controls } from '../../components/styles.js';
import type { LineDiscount } from '../../data/cart.js';
import { parseYuan } from '../../data/format.js';
import { parseZhe, zheBeside } from '../../data/zhe.js';
import type { MessageKey } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { dialogStyles, saleKeyStyles } from './styles.js';

/**
 * A line's new price as the cashier types it: a price in yuan, a discount in 折, or both empty
 * for the list price. Kept by the sale, so that it survives a manager's approval dialog.
 */
export interface PriceDraft {
  lineId: string;
  price: string;
  /** 几折, as typed: 8 is 8折, 95 is 95折. */
  zhe: string;
}

/** The draft as `cart/price` takes it, or what is wrong with what was typed. */
export function priceChange(
  draft: PriceDraft,
): { priceOverride: number | null; discount: LineDiscount | null } | { problem: MessageKey } {
  const price = draft.price.trim() ? parseYuan(draft.price) : null;
  if (draft.price.trim() && price === null) return { problem: 'words.badPrice' };
  if (!draft.zhe.trim()) return { priceOverride: price, discount: null };
  const zhe = parseZhe(draft.zhe);
  if (!zhe.ok) return { problem: `words.zhe.${zhe.reason}` };
  return { priceOverride: price, discount: { kind: 'percent', offBp: zhe.offBp } };
}

/**
 * A line's price changed by hand: a new unit price or a percentage off. The sale sends it (and
 * asks a manager when the cashier may not).
 *
 * @fires hg-save - the draft is ready to send.
 * @fires hg-close - cancelled.
 */
@customElement('hg-checkout-price')
export class HgCheckoutPrice extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    saleKeyStyles,
    css`
      .zhe {
        display: flex;
        align-items: center;
        gap: 0.4em;
      }
      .zhe input {
        flex: 1;
      }
    `,
  ];

  /** What is typed so far; the fields write into it. */
  @property({ attribute: false }) draft: PriceDraft | null = null;
  /** Why the last try failed (what was typed, or the server's answer). */
  @property({ attribute: false }) error: unknown = null;

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const draft = this.draft;
    if (!draft) return nothing;
    return html`<div class="scrim" @keydown=${this._keydown}>
      <form class="sheet" role="dialog" aria-modal="true" aria-label=${t('checkout.changePrice')} @submit=${this._submit}>
        <h2>${t('checkout.changePrice')}</h2>
        <label>
          ${t('checkout.priceOverride')}
          <input name="price" inputmode="decimal" .value=${draft.price} @input=${(e: Event) => (draft.price = (e.target as HTMLInputElement).value)} />
        </label>
        <label>
          ${t('words.zhe.field')}
          <span class="zhe">
            <input name="zhe" inputmode="decimal" aria-describedby="zhe-means" .value=${draft.zhe} @input=${(
              e: Event,
            ) => {
              draft.zhe = (e.target as HTMLInputElement).value;
              this.requestUpdate();
            }} /><span aria-hidden="true">折</span>
          </span>
          <span id="zhe-means" class="muted" role="status">${zheBeside(draft.zhe) || t('words.zhe.hint')}</span>
        </label>
        <hg-error .error=${this.error}></hg-error>
        <div class="actions">
          <button type="button" @click=${this._close}>${t('common.cancel')} <kbd>Esc</kbd></button>
          <button type="submit" class="primary">${t('common.save')} <kbd>⏎</kbd></button>
        </div>
      </form>
    </div>`;
  }

  protected override firstUpdated(): void {
    focusFirst(this.renderRoot.querySelector('[aria-modal="true"]'));
  }

  private _keydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') this._close();
  }

  private _submit(event: Event): void {
    event.preventDefault();
    this.dispatchEvent(new CustomEvent('hg-save', { bubbles: true, composed: true }));
  }

  private _close(): void {
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-price': HgCheckoutPrice;
  }
}
