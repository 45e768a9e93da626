import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { toString as qrSvg } from 'qrcode';
import '../../components/hg-photo.js';
import { type ShowcasePicture, showcase } from '../../data/catalog.js';
import { money } from '../../data/format.js';
import type { ApiAuth } from '../../data/http.js';
import { joinTicket, joinUrl } from '../../data/members.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** How many of the shop's pictures the home screen shows at once. */
const PICTURES = 4;

/**
 * The lookup kiosk's home screen below the scan prompt, so that the tall screen is not empty:
 * the shop's pictures (the photos the owner chose for the showcase, with name and price) and
 * the QR code to join as a member from one's own phone. Both are niceties: a failure hides them.
 */
@customElement('hg-lookup-home')
export class HgLookupHome extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      gap: 1em;
      min-height: 0;
      overflow: hidden;
    }
    .pictures {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(10em, 1fr));
      gap: 0.75em;
      min-height: 0;
    }
    figure {
      margin: 0;
      display: flex;
      flex-direction: column;
      gap: 0.25em;
      background: var(--hg-surface);
      border: 1px solid var(--hg-line);
      border-radius: var(--hg-radius);
      padding: 0.5em;
    }
    figure hg-photo {
      width: 100%;
      aspect-ratio: 4 / 5;
      border-radius: calc(var(--hg-radius) * 0.5);
      --hg-photo-fit: cover;
    }
    figcaption {
      display: flex;
      justify-content: space-between;
      gap: 0.5em;
      font-size: 0.85em;
    }
    figcaption .price {
      color: var(--hg-accent);
      font-weight: 700;
      white-space: nowrap;
    }
    .join {
      display: flex;
      align-items: center;
      gap: 1em;
      background: var(--hg-surface);
      border: 1px solid var(--hg-line);
      border-radius: var(--hg-radius);
      padding: 0.5em 1em;
    }
    .qr {
      flex: none;
      width: 5em;
      height: 5em;
      background: #fff;
    }
    .qr svg {
      width: 100%;
      height: 100%;
      display: block;
    }
    .join h3 {
      margin: 0 0 0.25em;
    }
    .join p {
      margin: 0;
      color: var(--hg-muted);
    }
  `;

  /** The kiosk's device token: pictures and the join ticket are fetched with it. */
  @property({ attribute: false }) auth: ApiAuth | null = null;

  @state() private _pictures: ShowcasePicture[] = [];
  @state() private _qr = '';
  @state() private _joinUrl = '';
  private readonly _i18n = new LocalizeController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    const auth = this.auth;
    if (!auth) return;
    const [pictures, ticket] = await Promise.allSettled([showcase(auth), joinTicket(auth)]);
    if (pictures.status === 'fulfilled') this._pictures = pictures.value.slice(0, PICTURES);
    if (ticket.status === 'fulfilled') {
      const url = joinUrl(ticket.value.ticket);
      this._qr = await qrSvg(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).catch(() => '');
      this._joinUrl = url;
    }
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      ${
        this._pictures.length > 0
          ? html`<section class="pictures" aria-label=${t('lookupHome.pictures')}>
              ${this._pictures.map(
                (picture) => html`<figure data-style=${picture.styleId}>
                  <hg-photo .auth=${this.auth} src=${picture.url} alt=${picture.name}></hg-photo>
                  <figcaption><span>${picture.name}</span><span class="price">${money(picture.price)}</span></figcaption>
                </figure>`,
              )}
            </section>`
          : nothing
      }
      ${
        this._qr
          ? html`<section class="join">
              <div class="qr" role="img" aria-label=${t('lookupHome.joinQr')} data-join-url=${this._joinUrl}>
                ${unsafeSVG(this._qr)}
              </div>
              <div>
                <h3>${t('lookupHome.joinTitle')}</h3>
                <p>${t('lookupHome.joinHint')}</p>
              </div>
            </section>`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-lookup-home': HgLookupHome;
  }
}
