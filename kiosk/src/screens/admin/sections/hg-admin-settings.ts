import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import './hg-bridge-hardware.js';
import type { ReceiptLogo } from '../../../../../server/protocol/receipt.js';
import { controls } from '../../../components/styles.js';
import { InputError } from '../../../connection/errors.js';
import {
  type NegativeStock,
  type ReceiptSettings,
  type Rounding,
  receiptSettings,
  removeReceiptLogo,
  type SalesSettings,
  type StoreIdentity,
  salesSettings,
  saveReceiptSettings,
  saveSalesSettings,
  saveStockSettings,
  saveStoreIdentity,
  stockSettings,
  storeIdentity,
  uploadReceiptLogo,
} from '../../../data/settings.js';
import { parseZhe, zheBeside, zheInput } from '../../../data/zhe.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';

const ROUNDINGS: readonly Rounding[] = ['none', 'jiao', 'yuan'];
const TABS = ['store', 'receipt', 'checkout', 'stock', 'hardware'] as const;
type Tab = (typeof TABS)[number];

/** The zones a shop in China (or one of its neighbours) picks from; any IANA zone may be typed. */
const ZONES = [
  'Asia/Shanghai',
  'Asia/Urumqi',
  'Asia/Hong_Kong',
  'Asia/Macau',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
];

/** The logo as the printer will print it: its dots black on white. */
function logoPicture(logo: ReceiptLogo): string {
  const canvas = document.createElement('canvas');
  canvas.width = logo.width;
  canvas.height = logo.height;
  const g = canvas.getContext('2d');
  if (!g) return '';
  const image = g.createImageData(logo.width, logo.height);
  const bits = Uint8Array.from(atob(logo.bits), (char) => char.charCodeAt(0));
  const bytesPerRow = logo.width / 8;
  for (let y = 0; y < logo.height; y++)
    for (let x = 0; x < logo.width; x++) {
      const black = ((bits[y * bytesPerRow + (x >> 3)] ?? 0) & (0x80 >> (x & 7))) !== 0;
      image.data.set(black ? [0, 0, 0, 255] : [255, 255, 255, 255], (y * logo.width + x) * 4);
    }
  g.putImageData(image, 0, 0);
  return canvas.toDataURL('image/png');
}

/**
 * 设置: everything the owner sets, in one place — the store (name, time zone), the receipt
 * (address, phone, header, logo, 退换须知, footer), the checkout rules (discount limit, 抹零,
 * return window, shift rule), the stock policy and the bridges' devices. Each is checked by the
 * server, audited, and in force from the next receipt on.
 */
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
      .logo {
        display: flex;
        gap: 1em;
        align-items: center;
        flex-wrap: wrap;
      }
      /* The browser's own file field speaks the browser's language: a button in ours instead. */
      .upload {
        position: relative;
        display: inline-flex;
        align-items: center;
        min-height: 44px;
        padding: 0 1em;
        border: 1px solid var(--hg-ink);
        border-radius: 8px;
        cursor: pointer;
        font-weight: 400;
      }
      .upload input {
        position: absolute;
        inset: 0;
        opacity: 0;
        cursor: pointer;
      }
      .logo img {
        border: 1px dashed var(--hg-line, #ccc);
        max-width: 384px;
        image-rendering: pixelated;
      }
    `,
  ];
  @state() private _tab: Tab = 'store';
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
    return html`
      <h2>${t('admin.nav.settings')}</h2>
      <div class="tabs" role="tablist">
        ${TABS.map(
          (
            tab,
          ) => html`<button type="button" role="tab" data-tab=${tab} aria-pressed=${this._tab === tab ? 'true' : 'false'}
            @click=${() => this._show(tab)}>${t(`setup.tabs.${tab}`)}</button>`,
        )}
      </div>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._saved && !this._error ? html`<p class="done" role="status">${t('common.saved')}</p>` : nothing}
      ${this._tab === 'store' && this._store ? this._storeCard(this._store) : nothing}
      ${this._tab === 'receipt' && this._receipt ? this._receiptCard(this._receipt) : nothing}
      ${this._tab === 'checkout' && this._sales ? this._salesCard(this._sales) : nothing}
      ${this._tab === 'stock' && this._negative ? this._stockCard(this._negative) : nothing}
      ${this._tab === 'hardware' ? html`<hg-bridge-hardware .ctx=${this.ctx}></hg-bridge-hardware>` : nothing}
    `;
  }

  private _show(tab: Tab): void {
    this._tab = tab;
    this._saved = false;
    this._error = null;
  }

  private _storeCard(store: StoreIdentity) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('settings.store')}</h3>
      <dl class="facts">
        <dt>${t('settings.storeCode')}</dt><dd>${store.code}</dd>
        <dt>${t('settings.currency')}</dt><dd>${store.currency}</dd>
      </dl>
      <form class="grid wide" @submit=${this._saveStore} aria-label=${t('settings.store')}>
        <label>${t('settings.storeName')}<input name="name" required maxlength="80" .value=${store.name} data-store-name /></label>
        <label>${t('settings.timeZone')}
          <input name="timeZone" required list="zones" .value=${store.timeZone} />
          <datalist id="zones">${ZONES.map((zone) => html`<option value=${zone}></option>`)}</datalist>
        </label>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
      </form>
      <p class="muted">${t('settings.storeHint')}</p>
    </section>`;
  }

  private _receiptCard(receipt: ReceiptSettings) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('words.receipt.title')}</h3>
      <div class="logo">
        ${receipt.logo ? html`<img alt=${t('setup.logo')} src=${logoPicture(receipt.logo)} data-logo />` : html`<span class="muted">${t('setup.noLogo')}</span>`}
        <label class="upload button">${t('setup.logoUpload')}<input type="file" name="logo" accept="image/png,image/jpeg,image/webp" @change=${this._uploadLogo} /></label>
        ${receipt.logo ? html`<button type="button" @click=${this._removeLogo} ?disabled=${this._busy}>${t('setup.logoRemove')}</button>` : nothing}
      </div>
      <p class="muted">${t('setup.logoHint')}</p>
      <form class="grid wide" @submit=${this._saveReceipt} aria-label=${t('words.receipt.title')}>
        <label>${t('words.receipt.address')}<input name="address" maxlength="60" .value=${receipt.address} /></label>
        <label>${t('words.receipt.phone')}<input name="phone" type="tel" maxlength="30" .value=${receipt.phone} /></label>
        <label>${t('setup.header')}<textarea name="header" rows="3" .value=${receipt.header.join('\n')}></textarea></label>
        <label>${t('words.receipt.returnsPolicy')}<textarea name="returnsPolicy" rows="3" .value=${receipt.returnsPolicy.join('\n')}></textarea></label>
        <label>${t('words.receipt.footer')}<textarea name="footer" rows="3" .value=${receipt.footer.join('\n')}></textarea></label>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
      </form>
      <p class="muted">${t('words.receipt.hint')}</p>
    </section>`;
  }

  private _salesCard(sales: SalesSettings) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
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
    </section>`;
  }

  private _stockCard(negative: NegativeStock) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('settings.stock')}</h3>
      <form class="grid wide" @submit=${this._saveStock} aria-label=${t('settings.stock')}>
        <label>${t('settings.negativeStock')}
          <select name="negativeStock">
            <option value="allow" ?selected=${negative === 'allow'}>${t('settings.negativeAllow')}</option>
            <option value="refuse" ?selected=${negative === 'refuse'}>${t('settings.negativeRefuse')}</option>
          </select>
        </label>
        <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button></div>
      </form>
    </section>`;
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const loaded = await this._run(() =>
      Promise.all([
        salesSettings(this.ctx.auth),
        stockSettings(this.ctx.auth),
        storeIdentity(this.ctx.auth),
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

  private async _saveStore(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const saved = await this._run(() =>
      saveStoreIdentity(this.ctx.auth, { name: v.name ?? '', timeZone: v.timeZone ?? '' }),
    );
    this._saved = saved !== undefined;
    if (saved) this._store = saved;
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

  private async _uploadLogo(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file) return;
    const saved = await this._run(() => uploadReceiptLogo(this.ctx.auth, file));
    input.value = '';
    this._saved = saved !== undefined;
    if (saved) this._receipt = saved;
  }

  private async _removeLogo(): Promise<void> {
    const saved = await this._run(() => removeReceiptLogo(this.ctx.auth));
    this._saved = saved !== undefined;
    if (saved) this._receipt = saved;
  }

  private async _saveSales(event: Event): Promise<void> {
    event.preventDefault();
    const v = formValues(event.target as HTMLFormElement);
    const returnDays = Number(v.returnDays);
    // Empty: a cashier gives no discount alone.
    const limit = (v.limit ?? '').trim() ? parseZhe(v.limit ?? '') : ({ ok: true, offBp: 0 } as const);
    if (!limit.ok) {
      this._error = new InputError(`words.zhe.${limit.reason}`);
      return;
    }
    if (!Number.isInteger(returnDays)) {
      this._error = new InputError('settings.badNumber');
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
