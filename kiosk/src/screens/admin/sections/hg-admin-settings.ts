import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { InputError } from '../../../connection/errors.js';
import {
  type NegativeStock,
  type ReceiptSettings,
  type Rounding,
  receiptSettings,
  type SalesSettings,
  type StoreIdentity,
  salesSettings,
  saveReceiptSettings,
  saveSalesSettings,
  saveStockSettings,
  stockSettings,
  storeIdentity,
} from '../../../data/settings.js';
import { parseZhe, zheBeside, zheInput } from '../../../data/zhe.js';
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
  @state() private _receipt: ReceiptSettings | null = null;
  /** The cashier's limit as typed, in 折, said beside the field. */
  @state() private _limit = '';
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
          <label>${t('words.zhe.limitField')}
            <input name="limit" inputmode="decimal" .value=${this._limit} @input=${(e: Event) => (this._limit = (e.target as HTMLInputElement).value)} />
            <span class="muted" role="status">${zheBeside(this._limit)}</span>
          </label>
          <label>${t('settings.rounding')}
            <select name="rounding">${ROUNDINGS.map((r) => html`<option value=${r} ?selected=${sales.rounding === r}>${t(`settings.roundings.${r}`)}</option>`)}</select>
          </label>
          <label>${t('settings.returnDays')}<input name="returnDays" type="number" min="0" max="3650" required .value=${String(sales.returnDays)} /></label>
          <label><input name="requireShift" type="checkbox" .checked=${sales.requireShift} /> ${t('counter.requireShift')}</label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
        </form>
        <ul class="muted">
          <li>${t('words.zhe.limitHint')}</li>
          <li>${t('settings.roundingHint')}</li>
          <li>${t('settings.returnDaysHint')}</li>
        </ul>
      </section>`
          : nothing
      }
      ${this._receipt ? this._receiptCard(this._receipt) : nothing}
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

  private _receiptCard(receipt: ReceiptSettings) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('words.receipt.title')}</h3>
      <form class="grid wide" @submit=${this._saveReceipt} aria-label=${t('words.receipt.title')}>
        <label>${t('words.receipt.address')}<input name="address" maxlength="60" .value=${receipt.address} /></label>
        <label>${t('words.receipt.phone')}<input name="phone" type="tel" maxlength="30" .value=${receipt.phone} /></label>
        <label>${t('words.receipt.returnsPolicy')}<textarea name="returnsPolicy" rows="4" .value=${receipt.returnsPolicy.join('\n')}></textarea></label>
        <label>${t('words.receipt.footer')}<textarea name="footer" rows="4" .value=${receipt.footer.join('\n')}></textarea></label>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
      </form>
      <p class="muted">${t('words.receipt.hint')}</p>
    </section>`;
  }

  private async _saveReceipt(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const lines = (text: string | undefined) =>
      (text ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    const saved = await this._run(() =>
      saveReceiptSettings(this.ctx.auth, {
        address: (v.address ?? '').trim(),
        phone: (v.phone ?? '').trim(),
        returnsPolicy: lines(v.returnsPolicy),
        footer: lines(v.footer),
        header: lines(v.header),
      }),
    );
    this._saved = saved !== undefined;
    if (saved) this._receipt = saved;
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const loaded = await this._run(() =>
      Promise.all([
        salesSettings(this.ctx.auth),
        stockSettings(this.ctx.auth),
        storeIdentity(this.ctx.connection),
        receiptSettings(this.ctx.auth),
      ]),
    );
    if (loaded) {
      this._sales = loaded[0];
      this._limit = loaded[0].cashierDiscountLimitBp > 0 ? zheInput(loaded[0].cashierDiscountLimitBp) : '';
      this._receipt = loaded[3];
      this._negative = loaded[1].negativeStock;
      this._store = loaded[2];
    }
    this._done = done;
  }

  private async _saveSales(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const returnDays = Number(v.returnDays);
    // Empty: a cashier gives no discount alone.
    const limit = (v.limit ?? '').trim() ? parseZhe(v.limit ?? '') : ({ ok: true, offBp: 0 } as const);
    if (!limit.ok) {
      this._error = new InputError(this._i18n.t(`words.zhe.${limit.reason}`));
      return;
    }
    if (!Number.isInteger(returnDays)) {
      this._error = new InputError(this._i18n.t('settings.badNumber'));
      return;
    }
    const saved = await this._run(() =>
      saveSalesSettings(this.ctx.auth, {
        cashierDiscountLimitBp: limit.offBp,
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
