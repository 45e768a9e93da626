import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { InputError } from '../../../connection/errors.js';
import { type StorePrices, setStorePrice, stylePrices } from '../../../data/catalog.js';
import { dateTime, money, parseYuan } from '../../../data/format.js';
import { AdminSection, formValues } from '../context.js';

/**
 * A chain branch's own price of a style (an outlet sells below the list price): the list price
 * head office keeps, the store's price if set, and setting or clearing it.
 */
@customElement('hg-store-price')
export class HgStorePrice extends AdminSection {
  /** The style whose price this store sets. */
  @property() styleId = '';

  @state() private _prices: StorePrices | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('styleId') && this.styleId) void this._load();
  }

  private async _load(): Promise<void> {
    const prices = await this._run(() => stylePrices(this.ctx.auth, this.styleId));
    if (prices) this._prices = prices;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const prices = this._prices;
    return html`<section class="card" data-store-price>
      <h3>${t('chain.price.title')}</h3>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      ${
        prices
          ? html`<p>${t('chain.price.list')} <strong data-list-price>${money(prices.listPrice)}</strong></p>
            <p>${
              prices.storePrice
                ? html`${t('chain.price.store')} <strong data-price=${prices.storePrice.price}>${money(prices.storePrice.price)}</strong>
                    <span class="muted">${dateTime(prices.storePrice.setAt)}</span>`
                : html`<span class="muted" data-price="list">${t('chain.price.none')}</span>`
            }</p>`
          : nothing
      }
      <form class="grid" @submit=${this._set}>
        <label>${t('chain.price.setYuan')}<input name="price" inputmode="decimal" required /></label>
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this._busy}>${t('chain.price.set')}</button>
          ${
            prices?.storePrice
              ? html`<button type="button" ?disabled=${this._busy} @click=${this._clear}>${t('chain.price.clear')}</button>`
              : nothing
          }
        </div>
      </form>
    </section>`;
  }

  private async _set(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const price = parseYuan(formValues(form).price ?? '');
    if (price === null) {
      this._error = new InputError('catalog.badAmount');
      return;
    }
    const prices = await this._run(() => setStorePrice(this.ctx.auth, this.styleId, price), {
      key: 'chain.price.saved',
    });
    if (prices) {
      this._prices = prices;
      form.reset();
    }
  }

  private async _clear(): Promise<void> {
    const prices = await this._run(() => setStorePrice(this.ctx.auth, this.styleId, null), {
      key: 'chain.price.cleared',
    });
    if (prices) this._prices = prices;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-store-price': HgStorePrice;
  }
}
