import { css, html, LitElement, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '../../components/hg-photo.js';
import '../../components/hg-style-placeholder.js';
import { hangerArt } from '../../components/hanger-art.js';
import { controls } from '../../components/styles.js';
import type { BoughtWith, ScannedSku, Sku, Style } from '../../data/catalog.js';
import { money } from '../../data/format.js';
import type { ApiAuth } from '../../data/http.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** Below this many pieces a size reads "only a few left". */
const FEW = 3;

/**
 * What a scanned tag shows on the kiosk: the photo (when the style has one), name, price and
 * member price, and every colour × size with the stock in this shop.
 */
@customElement('hg-lookup-product')
export class HgLookupProduct extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 1em;
      }
      .top {
        display: grid;
        grid-template-columns: 13em 1fr;
        gap: 1.25em;
        align-items: start;
      }
      .photo {
        width: 13em;
        height: 16em;
        border-radius: var(--hg-radius);
        background: var(--hg-surface);
        border: 1px solid var(--hg-line);
        display: grid;
        place-items: center;
        overflow: hidden;
        color: var(--hg-muted);
        font-size: 0.8em;
        text-align: center;
      }
      .photo hg-photo {
        width: 100%;
        height: 100%;
        display: grid;
        place-items: center;
      }
      .photo svg {
        width: 40%;
        color: var(--hg-line-strong, #8c8379);
      }
      h2 {
        margin: 0 0 0.2em;
        font-size: 1.6em;
        line-height: 1.25;
      }
      .code {
        color: var(--hg-muted);
        margin: 0 0 0.8em;
      }
      .price {
        font-size: 2.2em;
        font-weight: 700;
        color: var(--hg-accent);
        font-variant-numeric: tabular-nums;
      }
      .was {
        margin-left: 0.5em;
        color: var(--hg-muted);
        text-decoration: line-through;
        font-size: 0.9em;
      }
      .member {
        margin-top: 0.4em;
        font-size: 1.2em;
      }
      .member strong {
        color: var(--hg-ink);
      }
      .picked {
        margin-top: 0.8em;
        color: var(--hg-muted);
      }
      h3 {
        margin: 0.2em 0 0.4em;
        font-size: 1.1em;
      }
      .grid-wrap {
        overflow-x: auto;
      }
      table {
        background: var(--hg-surface);
        border-radius: var(--hg-radius);
        overflow: hidden;
      }
      th,
      td {
        text-align: center;
        padding: 0.45em 0.3em;
        font-size: 1.05em;
      }
      th[scope='row'] {
        text-align: start;
        color: var(--hg-ink);
        padding-left: 0.8em;
      }
      td.none {
        color: var(--hg-muted);
      }
      td.out {
        color: var(--hg-danger);
        font-size: 0.85em;
      }
      td.few {
        color: var(--hg-warn);
        font-weight: 700;
      }
      td.this {
        outline: 3px solid var(--hg-accent);
        outline-offset: -3px;
        font-weight: 700;
      }
      .also {
        display: grid;
        grid-template-columns: repeat(4, minmax(0, 1fr));
        gap: 0.75em;
      }
      .also button {
        flex-direction: column;
        align-items: stretch;
        justify-content: flex-start;
        gap: 0.3em;
        padding: 0.6em;
        text-align: start;
      }
      .also hg-photo {
        width: 100%;
        aspect-ratio: 4 / 5;
        object-fit: cover;
        border-radius: calc(var(--hg-radius) * 0.5);
        background: var(--hg-page);
      }
      .also .name {
        font-weight: 600;
        line-height: 1.25;
      }
      .also .code {
        margin: 0;
        font-size: 0.85em;
      }
      .also .amount {
        color: var(--hg-accent);
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** The kiosk's device token: the photos are fetched with it. */
  @property({ attribute: false }) auth: ApiAuth | null = null;
  /** The SKU that was scanned. */
  @property({ attribute: false }) sku: ScannedSku | null = null;
  /** Its style with the whole colour × size matrix, once loaded (null: show the SKU alone). */
  @property({ attribute: false }) styleDetail: Style | null = null;

  /** Styles customers bought together with this one; tapping one sends `hg-pick` with its id. */
  @property({ attribute: false }) boughtWith: BoughtWith[] = [];

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    const sku = this.sku;
    if (!sku) return nothing;
    const memberPrices = Object.values(sku.memberPrices);
    const memberPrice = memberPrices.length > 0 ? Math.min(...memberPrices) : null;
    return html`
      <div class="top">
        ${this._photo()}
        <div>
          <h2>${sku.name}</h2>
          <p class="code">${this._i18n.t('lookup.styleCode')} ${sku.styleCode}</p>
          <div>
            <span class="visually-hidden">${this._i18n.t('lookup.price')}</span>
            <span class="price" data-price=${sku.price}>${money(sku.price)}</span>
            ${sku.tagPrice > sku.price ? html`<span class="was">${this._i18n.t('lookup.tagPrice')} ${money(sku.tagPrice)}</span>` : nothing}
          </div>
          ${
            memberPrice !== null && memberPrice < sku.price
              ? html`<div class="member">
                  ${this._i18n.t(memberPrices.length > 1 ? 'lookup.memberPriceFrom' : 'lookup.memberPrice')}
                  <strong>${money(memberPrice)}</strong>
                </div>`
              : html`<div class="member muted">${this._i18n.t('lookup.memberDiscount')}</div>`
          }
          <p class="picked">
            ${this._i18n.t('lookup.thisTag', { color: sku.color, size: sku.size })} ·
            ${sku.stock > 0 ? this._i18n.t('lookup.inStock', { count: sku.stock }) : this._i18n.t('lookup.outOfStock')}
          </p>
        </div>
      </div>
      ${this._grid()}
      ${this._also()}
    `;
  }

  private _also() {
    if (this.boughtWith.length === 0) return nothing;
    return html`
      <h3 id="also-title">${this._i18n.t('lookup.boughtWith')}</h3>
      <div class="also" role="group" aria-labelledby="also-title">
        ${this.boughtWith.map(
          (item) => html`<button
            type="button"
            data-style=${item.id}
            @click=${() => this._pick(item.id)}
          >
            ${
              item.photo
                ? html`<hg-photo .auth=${this.auth} src=${item.photo}>
                    <hg-style-placeholder slot="fallback" .name=${item.name}></hg-style-placeholder>
                  </hg-photo>`
                : html`<hg-style-placeholder aria-hidden="true" .name=${item.name}></hg-style-placeholder>`
            }
            <span class="name">${item.name}</span>
            <p class="code">${this._i18n.t('lookup.styleCode')} ${item.styleCode}</p>
            <span class="amount">${money(item.price)}</span>
          </button>`,
        )}
      </div>
    `;
  }

  private _pick(styleId: string): void {
    this.dispatchEvent(new CustomEvent('hg-pick', { detail: { styleId }, bubbles: true, composed: true }));
  }

  /** The cover photo, fetched with the kiosk's token; a drawn hanger while there is none to show. */
  private _photo() {
    const style = this.styleDetail;
    const cover = style?.photos[0];
    const none = html`<div slot="fallback" aria-hidden="true">
      ${hangerArt}
      <div>${this._i18n.t('lookup.noPhoto')}</div>
    </div>`;
    return html`<div class="photo">
      <hg-photo .auth=${this.auth} src=${cover?.url ?? ''} alt=${style?.name ?? ''}>${none}</hg-photo>
    </div>`;
  }

  private _grid() {
    const style = this.styleDetail;
    if (!style) return nothing;
    const cells = new Map(style.skus.map((sku) => [`${sku.color}\u0000${sku.size}`, sku]));
    return html`
      <h3 id="grid-title">${this._i18n.t('lookup.stockHere')}</h3>
      <div class="grid-wrap">
        <table aria-labelledby="grid-title">
          <thead>
            <tr>
              <th scope="col">${this._i18n.t('lookup.colorSize')}</th>
              ${style.sizes.map((size) => html`<th scope="col">${size}</th>`)}
            </tr>
          </thead>
          <tbody>
            ${style.colors.map(
              (color) => html`<tr>
                <th scope="row">${color}</th>
                ${style.sizes.map((size) => {
                  const sku = cells.get(`${color}\u0000${size}`);
                  const here = sku?.id === this.sku?.id ? ' this' : '';
                  if (!sku?.active) return html`<td class="none${here}">—</td>`;
                  if (sku.onHand <= 0)
                    return html`<td class="out${here}" data-sku=${sku.id}>${this._i18n.t('lookup.none')}</td>`;
                  return html`<td class=${`${sku.onHand < FEW ? 'few' : ''}${here}`} data-sku=${sku.id}>${sku.onHand}</td>`;
                })}
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${this._elsewhere(style.skus.find((sku) => sku.id === this.sku?.id))}
    `;
  }

  /** In a chain: which other stores have the scanned size and colour, and how many. */
  private _elsewhere(sku: Sku | undefined) {
    if (!sku || sku.elsewhere.length === 0) return nothing;
    return html`<p class="elsewhere" data-elsewhere>
      ${this._i18n.t('lookup.elsewhere', {
        stores: sku.elsewhere
          .map((other) => this._i18n.t('lookup.elsewhereStore', { name: other.name, count: other.onHand }))
          .join(this._i18n.t('lookup.listSeparator')),
      })}
    </p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-lookup-product': HgLookupProduct;
  }
}
