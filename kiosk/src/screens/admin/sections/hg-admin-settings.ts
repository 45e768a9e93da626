import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { RequestError } from '../../../connection/errors.js';
import {
  type NegativeStock,
  type Rounding,
  type SalesSettings,
  type StoreIdentity,
  salesSettings,
  saveSalesSettings,
  saveStockSettings,
  stockSettings,
  storeIdentity,
} from '../../../data/settings.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';

const ROUNDINGS: readonly Rounding[] = ['none', 'jiao', 'yuan'];

/** Settings: checkout rules (cashier discount limit, 抹零, return window), the stock policy, the store's identity. */
@customElement('hg-admin-settings')
export class HgAdminSettings extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      dl.facts {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.4em 1.5em;
        margin: 0 0 0.75em;
      }
      dt {
        color: var(--hg-muted);
      }
      dd {
        margin: 0;
        font-weight: 600;
      }
      form.wide {
        grid-template-columns: repeat(auto-fill, minmax(20em, 1fr));
      }
    `,
  ];
  @state() private _sales: SalesSettings | null = null;
  @state() private _negative: NegativeStock | null = null;
  @state() private _store: StoreIdentity | null = null;
  /** The last save worked: said in the language shown now. */
  @state() private _saved = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const sales = this._sales;
    const store = this._store;
    return html`
      <h2>${t('admin.nav.settings')}</h2>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._saved && !this._error ? html`<p class="done" role="status">${t('common.saved')}</p>` : nothing}
      <section class="card">
        <h3>${t('settings.store')}</h3>
        ${
          store
            ? html`<dl class="facts">
              <dt>${t('settings.storeName')}</dt><dd data-store-name>${store.name}</dd>
              <dt>${t('settings.storeCode')}</dt><dd>${store.code}</dd>
              <dt>${t('settings.timeZone')}</dt><dd>${store.timeZone ?? '—'}</dd>
              <dt>${t('settings.currency')}</dt><dd>${store.currency ?? '—'}</dd>
            </dl>`
            : nothing
        }
        <p class="muted">${t('settings.storeHint')}</p>
      </section>
      ${
        sales
          ? html`<section class="card">
        <h3>${t('settings.checkout')}</h3>
        <form class="grid" @submit=${this._saveSales} aria-label=${t('settings.checkout')}>
          <label>${t('settings.discountLimit')}<input name="limit" type="number" min="0" max="100" step="0.5" required .value=${String(sales.cashierDiscountLimitBp / 100)} /></label>
          <label>${t('settings.rounding')}
            <select name="rounding">${ROUNDINGS.map((r) => html`<option value=${r} ?selected=${sales.rounding === r}>${t(`settings.roundings.${r}`)}</option>`)}</select>
          </label>
          <label>${t('settings.returnDays')}<input name="returnDays" type="number" min="0" max="3650" required .value=${String(sales.returnDays)} /></label>
          <label><input name="requireShift" type="checkbox" .checked=${sales.requireShift} /> ${t('counter.requireShift')}</label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
        </form>
        <ul class="muted">
          <li>${t('settings.discountLimitHint')}</li>
          <li>${t('settings.roundingHint')}</li>
          <li>${t('settings.returnDaysHint')}</li>
        </ul>
      </section>`
          : nothing
      }
      ${
        this._negative
          ? html`<section class="card">
        <h3>${t('settings.stock')}</h3>
        <form class="grid wide" @submit=${this._saveStock} aria-label=${t('settings.stock')}>
          <label>${t('settings.negativeStock')}
            <select name="negativeStock">
              <option value="allow" ?selected=${this._negative === 'allow'}>${t('settings.negativeAllow')}</option>
              <option value="refuse" ?selected=${this._negative === 'refuse'}>${t('settings.negativeRefuse')}</option>
            </select>
          </label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
        </form>
      </section>`
          : nothing
      }
    `;
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const loaded = await this._run(() =>
      Promise.all([
        salesSettings(this.ctx.auth),
        stockSettings(this.ctx.auth),
        storeIdentity(this.ctx.connection),
      ]),
    );
    if (loaded) {
      this._sales = loaded[0];
      this._negative = loaded[1].negativeStock;
      this._store = loaded[2];
    }
    this._done = done;
  }

  private async _saveSales(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const limit = Number(v.limit);
    const returnDays = Number(v.returnDays);
    if (!Number.isFinite(limit) || !Number.isInteger(returnDays)) {
      this._error = new RequestError('validation_failed', this._i18n.t('settings.badNumber'));
      return;
    }
    const saved = await this._run(() =>
      saveSalesSettings(this.ctx.auth, {
        cashierDiscountLimitBp: Math.round(limit * 100),
        rounding: (v.rounding ?? 'none') as Rounding,
        returnDays,
        requireShift: v.requireShift === 'on',
      }),
    );
    this._saved = saved !== undefined;
    if (saved) this._sales = saved;
  }

  private async _saveStock(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const saved = await this._run(() =>
      saveStockSettings(this.ctx.auth, v.negativeStock === 'refuse' ? 'refuse' : 'allow'),
    );
    this._saved = saved !== undefined;
    if (saved) this._negative = saved.negativeStock;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-settings': HgAdminSettings;
  }
}
