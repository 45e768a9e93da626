import { css, html, LitElement, nothing, svg } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { toString as qrSvg } from 'qrcode';
import '../../components/hg-pairing.js';
import '../../components/hg-photo.js';
import '../../components/hg-screen-frame.js';
import '../../components/hg-server-status.js';
import { HangerConnection } from '../../connection/connection.js';
import { ConnectionStateController, SubscriptionController } from '../../connection/controllers.js';
import { RequestError } from '../../connection/errors.js';
import { type CartCompleted, type CartView, pricedLine } from '../../data/cart.js';
import { type ShowcasePicture, showcase } from '../../data/catalog.js';
import { count, money } from '../../data/format.js';
import { HealthController } from '../../data/health-controller.js';
import type { ApiAuth } from '../../data/http.js';
import { joinTicket, joinUrl } from '../../data/members.js';
import type { MobilePaymentView } from '../../data/payments.js';
import { deviceToken, storeDeviceToken } from '../../data/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** How long the thank-you stays after payment, unless the next customer's first item comes sooner. */
export const THANKS_MS = 20_000;

/** How long each of the shop's pictures stays on the idle screen. */
export const SLIDE_MS = 8_000;
/** How often the display asks again for the shop's pictures and a fresh join ticket (valid two hours). */
export const REFRESH_MS = 30 * 60_000;

/** The hanger of the logo, for the idle screen of a shop without pictures. */
const logo = svg`<svg class="logo" viewBox="0 0 64 64" aria-hidden="true">
  <rect width="64" height="64" rx="14" fill="#9c4221" />
  <path d="M32 14a6 6 0 1 1 6 6c-3 0-6 2-6 5v3L12 44a3 3 0 0 0 2 5h36a3 3 0 0 0 2-5L32 28" fill="none" stroke="#fff"
    stroke-width="4" stroke-linecap="round" stroke-linejoin="round" />
</svg>`;

/**
 * The customer-facing screen beside the till: 1920×1080, read from a step away. Paired on
 * first use (kind `display`, bound by the owner to a checkout terminal), it mirrors that
 * terminal's cart live (`cart/get`, then `cart.changed`), thanks the customer with the points
 * earned and the change (`cart.completed`). While the till has no cart it shows the shop's
 * pictures (photos the owner chose for the display, one after another) beside the welcome and
 * the QR code to join from one's phone; without pictures, the shop's name and logo. While the
 * till takes a QR payment (`payment.qr`) it shows the provider's code big, with the amount,
 * for the customer to scan, until the payment is paid or cancelled.
 */
@customElement('hg-display-app')
export class HgDisplayApp extends LitElement {
  static override styles = css`
    /*
     * Exactly the window, whatever the second screen: everything is in em of one size that
     * follows the screen (24 px on a 1920×1080 monitor, about 20 on 1280×800, 16 on the usual
     * 10-inch 1024×600, 13 on a 7-inch 800×480), so one layout scales to each size class.
     */
    :host {
      display: block;
      height: 100vh;
      overflow: hidden;
      background: #1c1a18;
      color: #f5f2ed;
      --hg-frame-size: clamp(13px, min(2.6vh, 1.6vw), 24px);
      --hg-header-bg: #2b2724;
      --hg-header-ink: #f5f2ed;
      --hg-muted: #b9b1a6;
      --hg-ink: #f5f2ed;
      --hg-surface: #2b2724;
      --hg-line: #4a443e;
      --hg-ok: #6fdd8b;
      --hg-danger: #ff8a80;
      --hg-touch: 56px;
      --hg-indicator-bg: rgb(255 255 255 / 0.1);
      --hg-indicator-ink: #f5f2ed;
    }
    hg-screen-frame {
      height: 100%;
      min-height: 0;
    }
    .center {
      flex: 1;
      min-height: 0;
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 0.5em;
      text-align: center;
    }
    .welcome h2 {
      margin: 0;
      font-size: 5em;
      font-weight: 700;
      letter-spacing: 0.08em;
    }
    .welcome .shop {
      font-size: 2.2em;
      color: #e8c58a;
      margin: 0;
    }
    .second {
      margin: 0;
      font-size: 1.6em;
      color: var(--hg-muted);
    }
    .join {
      display: flex;
      align-items: center;
      gap: 1em;
      margin-top: 1.5em;
      text-align: start;
    }
    .qr {
      width: 7em;
      height: 7em;
      background: #fff;
      border-radius: 8px;
      padding: 0.25em;
    }
    .qr svg {
      width: 100%;
      height: 100%;
    }
    .how {
      font-size: 0.8em;
      color: var(--hg-muted);
    }
    .logo {
      width: 4.5em;
      height: 4.5em;
      margin-bottom: 0.5em;
    }
    .showcase {
      flex: 1;
      display: grid;
      grid-template-columns: minmax(0, 1.5fr) minmax(0, 1fr);
      gap: 1.5em;
      padding: 1em 1.5em;
      min-height: 0;
    }
    .slides {
      position: relative;
      min-height: 0;
      border-radius: 18px;
      overflow: hidden;
      background: #2b2724;
    }
    .slide {
      position: absolute;
      inset: 0;
      margin: 0;
      opacity: 0;
      transition: opacity 1s ease-in-out;
    }
    .slide.current {
      opacity: 1;
    }
    .slide hg-photo {
      width: 100%;
      height: 100%;
      --hg-photo-fit: contain;
    }
    .slide figcaption {
      position: absolute;
      left: 0;
      right: 0;
      bottom: 0;
      display: flex;
      justify-content: space-between;
      gap: 1em;
      padding: 0.8em 1em;
      background: linear-gradient(transparent, rgb(0 0 0 / 0.75));
      font-size: 1.3em;
      font-weight: 700;
    }
    .slide figcaption .price {
      color: #e8c58a;
      font-variant-numeric: tabular-nums;
    }
    .showcase .center h2 {
      font-size: 3.2em;
    }
    .dots {
      display: flex;
      gap: 0.4em;
      margin-top: 1em;
    }
    .dots span {
      width: 0.5em;
      height: 0.5em;
      border-radius: 50%;
      background: var(--hg-line);
    }
    .dots span.on {
      background: #e8c58a;
    }
    .cart {
      flex: 1;
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(13em, 36%);
      gap: 1em 1.5em;
      padding: 1em 1.5em;
      min-height: 0;
    }
    /*
     * The lines stack from the bottom (column-reverse around the list): the newest is always in
     * view, the oldest go out at the top when the cart is longer than the screen.
     */
    .lines {
      display: flex;
      flex-direction: column-reverse;
      overflow: hidden;
      min-height: 0;
    }
    .list {
      flex: none;
      display: flex;
      flex-direction: column;
      gap: 0.4em;
    }
    .lines .fill {
      flex: 1 0 0;
    }
    .line {
      display: grid;
      grid-template-columns: minmax(0, 1fr) auto auto;
      gap: 0.2em 1.5em;
      padding: 0.5em 0.75em;
      background: var(--hg-surface);
      border-radius: 10px;
      font-variant-numeric: tabular-nums;
    }
    .line .name,
    .line .variant,
    .line .why {
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .line .name {
      font-weight: 700;
    }
    .line .variant,
    .line .why {
      grid-column: 1;
      font-size: 0.8em;
      color: var(--hg-muted);
    }
    .line .why {
      color: #6fdd8b;
    }
    .line .qty {
      color: var(--hg-muted);
    }
    .line .total {
      font-weight: 700;
      text-align: end;
    }
    .side {
      display: flex;
      flex-direction: column;
      gap: 1em;
      min-height: 0;
    }
    /* While a cart is open the join QR waits in the bottom corner, smaller. */
    .side .join {
      margin-top: auto;
      font-size: 0.8em;
    }
    .side .qr {
      width: 6em;
      height: 6em;
      flex: none;
    }
    .sum {
      padding: 1em 1.25em;
      background: var(--hg-surface);
      border-radius: 14px;
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 0.3em 1em;
      font-variant-numeric: tabular-nums;
    }
    .sum .num {
      text-align: end;
    }
    .sum .saving {
      color: #6fdd8b;
    }
    .sum .total {
      font-size: 2.4em;
      font-weight: 800;
      white-space: nowrap;
    }
    /* The word smaller than the amount, so that a five-figure total keeps to one line. */
    .sum .total:not(.num) {
      align-self: end;
      font-size: 1.5em;
    }
    .hello {
      font-size: 1.4em;
      font-weight: 700;
      color: #e8c58a;
    }
    .training {
      background: repeating-linear-gradient(-45deg, #ffd600 0 24px, #1c1a18 24px 48px);
      color: #1c1a18;
      text-align: center;
      font-weight: 800;
      padding: 0.3em;
    }
    .training span {
      background: #ffd600;
      padding: 0 0.8em;
    }
    .thanks h2 {
      margin: 0;
      font-size: 4em;
    }
    .thanks .big {
      font-size: 3em;
      font-weight: 800;
      font-variant-numeric: tabular-nums;
    }
    .thanks .points {
      font-size: 1.8em;
      color: #e8c58a;
    }
    .notice {
      font-size: 1.3em;
      color: var(--hg-muted);
      max-width: 30em;
    }
    hg-server-status {
      font-size: 0.75em;
    }
    .qrpay {
      flex: 1;
      min-height: 0;
      display: flex;
      align-items: center;
      justify-content: center;
      gap: 2.5em;
      padding: 1em 2em;
    }
    .qrpay .code {
      height: min(68vh, 46vw);
      aspect-ratio: 1;
      background: #fff;
      border-radius: 12px;
      padding: 0.5em;
      box-sizing: border-box;
    }
    .qrpay .code svg {
      width: 100%;
      height: 100%;
      display: block;
    }
    .qrpay .words {
      display: flex;
      flex-direction: column;
      gap: 0.4em;
    }
    .qrpay .provider {
      font-size: 2em;
      font-weight: 700;
    }
    .qrpay .provider.wechat {
      color: #6fdd8b;
    }
    .qrpay .provider.alipay {
      color: #7cc4ff;
    }
    .qrpay .label {
      font-size: 1.2em;
      color: var(--hg-muted);
    }
    .qrpay .amount {
      font-size: 3.2em;
      font-weight: 800;
      font-variant-numeric: tabular-nums;
    }
    .qrpay .how {
      font-size: 1.4em;
    }
  `;

  @state() private _token: string | null = deviceToken('display');
  @state() private _cart: CartView | null = null;
  @state() private _completed: CartCompleted | null = null;
  @state() private _unbound = false;
  @state() private _shopName = '';
  @state() private _qr = '';
  /** What the QR code says: the join page with this display's ticket. */
  @state() private _joinUrl = '';
  @state() private _pictures: ShowcasePicture[] = [];
  @state() private _slide = 0;
  /** A QR payment of the till waiting for the customer to scan, with its code drawn. */
  @state() private _qrPayment: { payment: MobilePaymentView; svg: string } | null = null;

  private readonly _i18n = new LocalizeController(this);
  private readonly _health = new HealthController(this);
  private _connection: HangerConnection | null = null;
  private _thanksTimer: ReturnType<typeof setTimeout> | undefined;
  private _slideTimer: ReturnType<typeof setInterval> | undefined;
  private _refreshTimer: ReturnType<typeof setInterval> | undefined;
  private readonly _link = new ConnectionStateController(this, (state) => {
    if (state === 'unauthorized') this._unpaired();
    if (state === 'online') void this._load();
  });
  private readonly _changes = new SubscriptionController(
    this,
    () => this._connection,
    'cart.changed',
    (event) => this._showCart(event.data.cart),
  );
  private readonly _done = new SubscriptionController(
    this,
    () => this._connection,
    'cart.completed',
    (event) => this._thank(event.data),
  );

  private readonly _qrPay = new SubscriptionController(
    this,
    () => this._connection,
    'payment.qr',
    (event) => void this._showQrPayment(event.data.payment),
  );

  private get _auth(): ApiAuth {
    return { token: this._token, onUnauthorized: () => this._unpaired() };
  }

  override connectedCallback(): void {
    this._connect();
    super.connectedCallback();
    this._slideTimer = setInterval(() => this._nextSlide(), SLIDE_MS);
    this._refreshTimer = setInterval(() => void this._loadIdle(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._thanksTimer);
    clearInterval(this._slideTimer);
    clearInterval(this._refreshTimer);
    this._connection?.close();
  }

  protected override render() {
    const connection = this._token ? this._link.state : this._health.state;
    return html`
      <hg-screen-frame
        .heading=${this._i18n.t('screen.display')}
        .connection=${connection}
        shop-name=${this._shopName}
      >
        ${this._cart?.training ? html`<div class="training" role="status"><span>${this._i18n.t('checkout.trainingBanner')}</span></div>` : nothing}
        ${this._token ? this._body() : html`<div class="center"><hg-pairing kind="display"></hg-pairing></div>`}
        ${
          this._token
            ? nothing
            : html`<hg-server-status slot="footer" .state=${this._health.state} .version=${this._health.version}></hg-server-status>`
        }
      </hg-screen-frame>
    `;
  }

  protected override firstUpdated(): void {
    this.renderRoot.addEventListener('hg-paired', (event) => {
      this._token = (event as CustomEvent<{ token: string }>).detail.token;
      this._connect();
    });
  }

  private _body() {
    const t = this._i18n.t.bind(this._i18n);
    if (this._unbound) {
      return html`<div class="center"><p class="notice" role="status">${t('display.unbound')}</p></div>`;
    }
    if (this._qrPayment) return this._payByQr(this._qrPayment.payment, this._qrPayment.svg);
    if (this._completed) return this._thanks(this._completed);
    const cart = this._cart;
    if (!cart || cart.lines.length === 0) return this._idle();
    const quote = cart.quote;
    const member = quote?.member;
    return html`<div class="cart" data-cart=${cart.id}>
      <section class="lines" aria-label=${t('display.yourItems')}>
        <div class="fill"></div>
        <div class="list">
        ${cart.lines.map((line) => {
          const priced = pricedLine(quote, line.lineId);
          return html`<div class="line" data-line=${line.lineId} data-barcode=${priced?.barcode ?? ''}>
            <span class="name">${priced?.name ?? '…'}</span>
            <span class="qty">× ${line.qty}</span>
            <span class="total">${priced ? money(priced.total) : ''}</span>
            <span class="variant">${priced ? `${priced.color} / ${priced.size} · ${money(priced.unitPrice)}` : ''}</span>
            ${(priced?.discounts ?? []).map((d) => html`<span class="why">${d.label} −${money(d.amount)}</span>`)}
          </div>`;
        })}
        </div>
      </section>
      <aside class="side">
        ${member ? html`<div class="hello" data-member>${t('display.hello', { name: member.name })} · ${member.tier.name}</div>` : nothing}
        <div class="sum">
          <span>${t('checkout.subtotal')}</span><span class="num">${money(quote?.subtotal ?? 0)}</span>
          ${
            quote && quote.discountTotal > 0
              ? html`<span class="saving">${t('display.youSave')}</span><span class="num saving" data-savings=${quote.discountTotal}>−${money(quote.discountTotal)}</span>`
              : nothing
          }
          <span class="total">${t('checkout.total')}</span>
          <span class="num total" data-total=${quote?.total ?? 0}>${money(quote?.total ?? 0)}</span>
        </div>
        ${member ? nothing : this._join()}
      </aside>
    </div>`;
  }

  private _idle() {
    const pictures = this._pictures;
    const greeting = html`<p class="shop">${this._shopName || this._i18n.t('app.brand')}</p>
      <h2>${this._i18n.t('display.welcome')}</h2>
      ${this._join()}`;
    if (pictures.length === 0) {
      return html`<section class="center welcome" data-idle data-pictures="0">${logo}${greeting}</section>`;
    }
    const current = this._slide % pictures.length;
    return html`<section class="showcase" data-idle data-pictures=${pictures.length}>
      <div class="slides" role="group" aria-label=${this._i18n.t('display.pictures')}>
        ${pictures.map(
          (picture, i) => html`<figure
            class=${i === current ? 'slide current' : 'slide'}
            data-slide=${picture.photoId}
            aria-hidden=${i === current ? 'false' : 'true'}
          >
            <hg-photo .auth=${this._auth} src=${picture.url} alt=${picture.name}></hg-photo>
            <figcaption><span>${picture.name}</span><span class="price">${money(picture.price)}</span></figcaption>
          </figure>`,
        )}
      </div>
      <div class="center welcome">
        ${greeting}
        ${
          pictures.length > 1
            ? html`<div class="dots" aria-hidden="true">
                ${pictures.map((_, i) => html`<span class=${i === current ? 'on' : ''}></span>`)}
              </div>`
            : nothing
        }
      </div>
    </section>`;
  }

  private _join() {
    if (!this._qr) return nothing;
    const t = this._i18n.t.bind(this._i18n);
    return html`<div class="join">
      <div class="qr" role="img" aria-label=${t('display.joinQr')} data-join-url=${this._joinUrl}>${unsafeSVG(this._qr)}</div>
      <div>
        <div>${t('display.join')}</div>
        <div class="how">${t('display.joinHow')}</div>
      </div>
    </div>`;
  }

  private _payByQr(payment: MobilePaymentView, code: string) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="qrpay" data-qr-payment=${payment.id} data-qr-url=${payment.qrUrl ?? ''}>
      <div class="code" role="img" aria-label=${t('qrPay.code')}>${unsafeSVG(code)}</div>
      <div class="words">
        <span class="provider ${payment.provider}">${t(`qrPay.provider.${payment.provider}`)}</span>
        <span class="label">${t('qrPay.amount')}</span>
        <span class="amount" data-amount=${payment.amount}>${money(payment.amount)}</span>
        <span class="how">${t(`qrPay.scanWith.${payment.provider}`)}</span>
      </div>
    </section>`;
  }

  private _thanks(done: CartCompleted) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="center thanks" data-completed=${done.number}>
      <h2>${t('display.thanks')}</h2>
      <p class="second">${t('display.paid')} ${money(done.total)}</p>
      ${done.change > 0 ? html`<p class="big" data-change=${done.change}>${t('checkout.change')} ${money(done.change)}</p>` : nothing}
      ${
        done.member
          ? html`<p class="points" data-points-earned=${done.pointsEarned}>
            ${t('display.pointsEarned', { name: done.member.name, points: count(done.pointsEarned), balance: count(done.member.points) })}
          </p>`
          : nothing
      }
    </section>`;
  }

  private _connect(): void {
    this._connection?.close();
    this._connection = null;
    if (!this._token) {
      this._link.attach(null);
      return;
    }
    this._connection = new HangerConnection({ token: this._token });
    this._link.attach(this._connection);
    this._connection.connect();
    for (const sub of [this._changes, this._done, this._qrPay]) {
      sub.hostDisconnected();
      sub.hostConnected();
    }
  }

  private async _load(): Promise<void> {
    const connection = this._connection;
    if (!connection) return;
    connection.request('session/info').then(
      (info) => (this._shopName = info.store?.name ?? ''),
      () => {},
    );
    void this._loadIdle();
    try {
      this._showCart(await connection.request('cart/get'));
      this._unbound = false;
    } catch (error) {
      if (error instanceof RequestError && error.code === 'business_rule') this._unbound = true;
    }
    // A code the customer was to scan before a reload or while offline goes up again; one
    // settled meanwhile (its event missed) comes down.
    connection.request('payment/qr_pending').then(
      ({ payment }) => {
        if (payment) void this._showQrPayment(payment);
        else this._qrPayment = null;
      },
      () => {},
    );
  }

  /** The shop's pictures and a fresh join ticket for the QR code; either may fail alone. */
  private async _loadIdle(): Promise<void> {
    if (!this._token) return;
    const auth = this._auth;
    const [pictures, ticket] = await Promise.allSettled([showcase(auth), joinTicket(auth)]);
    if (pictures.status === 'fulfilled') {
      const before = this._pictures.map((p) => p.url).join();
      if (pictures.value.map((p) => p.url).join() !== before) {
        this._pictures = pictures.value;
        this._slide = 0;
      }
    }
    if (ticket.status === 'fulfilled') {
      const url = joinUrl(ticket.value.ticket);
      try {
        this._qr = await qrSvg(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
        this._joinUrl = url;
      } catch {
        this._qr = '';
      }
    }
  }

  /** The next of the shop's pictures, while they are on screen. */
  private _nextSlide(): void {
    if (this._pictures.length > 1 && !this._completed && !(this._cart && this._cart.lines.length > 0)) {
      this._slide = (this._slide + 1) % this._pictures.length;
    }
  }

  private _showCart(cart: CartView): void {
    this._cart = cart;
    // The next customer's first item ends the thank-you.
    if (cart.lines.length > 0 && this._completed) this._completed = null;
  }

  /** A QR payment's code goes up while it is pending; paid, failed or cancelled, it comes down. */
  private async _showQrPayment(payment: MobilePaymentView): Promise<void> {
    if (payment.status !== 'pending' || !payment.qrUrl) {
      if (this._qrPayment?.payment.id === payment.id) this._qrPayment = null;
      return;
    }
    const svg = await qrSvg(payment.qrUrl, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
    this._qrPayment = { payment, svg };
  }

  private _thank(done: CartCompleted): void {
    this._qrPayment = null;
    this._completed = done;
    clearTimeout(this._thanksTimer);
    this._thanksTimer = setTimeout(() => (this._completed = null), THANKS_MS);
  }

  private _unpaired(): void {
    storeDeviceToken('display', null);
    this._connection?.close();
    this._connection = null;
    this._link.attach(null);
    this._token = null;
    this._cart = null;
    this._pictures = [];
    this._qr = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-display-app': HgDisplayApp;
  }
}
