import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { toString as qrSvg } from 'qrcode';
import '../../components/hg-photo.js';
import { type ShowcasePicture, showcase } from '../../data/catalog.js';
import { money } from '../../data/format.js';
import type { ApiAuth } from '../../data/http.js';
import { joinTicket, joinUrl } from '../../data/members.js';
import { type PromotionOnShow, promotionsThisWeek } from '../../data/promotions.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { offerText, whenText } from './promotion-words.js';

/** How many of the shop's pictures the home screen shows at once. */
const PICTURES = 4;

/**
 * The lookup kiosk's home screen below the scan prompt, so that the tall screen is not empty:
 * this week's promotions at this store (what each gives and when), the shop's pictures (the
 * photos the owner chose for the showcase, with name and price) and the QR code to join as a
 * member from one's own phone. All are niceties: a failure hides them.
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
    .promotions h3 {
      margin: 0 0 0.4em;
    }
    .promotions ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(14em, 1fr));
      gap: 0.6em;
    }
    .promotions li {
      display: flex;
      flex-direction: column;
      gap: 0.2em;
      background: var(--hg-surface);
      border: 1px solid var(--hg-line);
      border-left: 0.35em solid var(--hg-accent);
      border-radius: var(--hg-radius);
      padding: 0.5em 0.75em;
    }
    .promotions .label {
      font-weight: 700;
    }
    .promotions .offer {
      color: var(--hg-accent);
      font-size: 1.2em;
      font-weight: 700;
    }
    .promotions .members {
      align-self: flex-start;
      font-size: 0.8em;
      border: 1px solid var(--hg-accent);
      color: var(--hg-accent);
      border-radius: 999px;
      padding: 0 0.6em;
    }
    .promotions .when {
      color: var(--hg-muted);
      font-size: 0.85em;
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
    /* Less tall than the kiosk (a tablet): one row of offers that slides sideways, everything closer. */
    @media (min-aspect-ratio: 2/3) {
      .promotions ul {
        grid-template-columns: none;
        grid-auto-flow: column;
        /* Wide enough that an offer keeps to a line or two, so the join card below still fits. */
        grid-auto-columns: minmax(21em, 1fr);
        overflow-x: auto;
        scroll-snap-type: x mandatory;
      }
      .promotions li {
        scroll-snap-align: start;
        padding: 0.4em 0.75em;
        gap: 0.1em;
      }
      .promotions .offer {
        font-size: 1.05em;
      }
      :host {
        gap: 0.6em;
      }
      .qr {
        width: 4em;
        height: 4em;
      }
    }
  `;

  /** The kiosk's device token: pictures and the join ticket are fetched with it. */
  @property({ attribute: false }) auth: ApiAuth | null = null;

  @state() private _pictures: ShowcasePicture[] = [];
  @state() private _promotions: PromotionOnShow[] = [];
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
    const [promotions, pictures, ticket] = await Promise.allSettled([
      promotionsThisWeek(auth),
      showcase(auth),
      joinTicket(auth),
    ]);
    if (promotions.status === 'fulfilled') this._promotions = promotions.value;
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
        this._promotions.length > 0
          ? html`<section class="promotions" aria-labelledby="promotions-title">
              <h3 id="promotions-title">${t('lookupPromotions.title')}</h3>
              <ul>
                ${this._promotions.map(
                  (p) => html`<li data-promotion=${p.id}>
                    <span class="label">${p.label}</span>
                    <span class="offer">${offerText(p)}</span>
                    ${p.membersOnly ? html`<span class="members">${t('lookupPromotions.membersOnly')}</span>` : nothing}
                    <span class="when">${whenText(p)}</span>
                  </li>`,
                )}
              </ul>
            </section>`
          : nothing
      }
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
