import { css, html, LitElement, nothing, svg } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import '../../components/hg-pairing.js';
import '../../components/hg-scan-input.js';
import '../../components/hg-screen-frame.js';
import type { ScanEvent } from '../../components/hg-scan-input.js';
import { controls } from '../../components/styles.js';
import { HangerConnection } from '../../connection/connection.js';
import { ConnectionStateController, SubscriptionController } from '../../connection/controllers.js';
import { RequestError } from '../../connection/errors.js';
import { type BoughtWith, boughtWith, getStyle, type ScannedSku, type Style } from '../../data/catalog.js';
import { HealthController } from '../../data/health-controller.js';
import type { ApiAuth } from '../../data/http.js';
import { deviceToken, storeDeviceToken } from '../../data/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import './hg-lookup-feedback.js';
import type { HgLookupFeedback } from './hg-lookup-feedback.js';
import './hg-lookup-join.js';
import type { HgLookupJoin } from './hg-lookup-join.js';
import './hg-lookup-home.js';
import './hg-lookup-member.js';
import type { HgLookupMember } from './hg-lookup-member.js';
import './hg-lookup-product.js';

/** After this long without a touch the kiosk goes back to the start and forgets the person. */
export const IDLE_MS = 60_000;

/** A member code is 16 digits; anything else the scanner reads is a tag. */
const MEMBER_CODE = /^\d{16}$/;

type View = 'start' | 'product' | 'member' | 'join' | 'feedback';

/** A tag's barcode, drawn so that the prompt reads at a glance. */
const barcode = svg`<svg class="barcode" viewBox="0 0 120 72" aria-hidden="true">
  <path d="M8 20V8h12M100 8h12v12M112 52v12h-12M20 64H8V52" fill="none" stroke="currentColor" stroke-width="4" />
  <path d="M24 18v36M32 18v36M38 18v36M48 18v36M54 18v36M64 18v36M72 18v36M78 18v36M88 18v36M96 18v36"
    stroke="currentColor" stroke-width="4" />
</svg>`;

/**
 * The self-service kiosk on the shop floor: a 1080×1920 portrait touch screen. Paired on first
 * use; then a customer scans a tag to see price, colours, sizes and stock, or finds their
 * membership, or joins. A minute without a touch and it starts over.
 */
@customElement('hg-lookup-app')
export class HgLookupApp extends LitElement {
  static override styles = [
    controls,
    css`
      /*
       * Sized by the screen's width, so that one layout serves the 1080×1920 kiosk (28 px type,
       * 88 px targets) and a 768×1024 portrait tablet (20 px, 63 px) alike.
       */
      :host {
        display: block;
        height: 100vh;
        --hg-frame-size: clamp(16px, 2.6vw, 28px);
        /* Fingers, not a mouse: every control at least this tall. */
        --hg-touch: clamp(52px, 8.15vw, 88px);
      }
      hg-screen-frame {
        height: 100%;
        min-height: 0;
      }
      /* A long colour × size grid scrolls inside; the way back stays at the bottom. */
      .content {
        flex: 1;
        display: flex;
        flex-direction: column;
        gap: 1.25em;
        padding: 1.25em 1.5em;
        min-height: 0;
        overflow: auto;
      }
      .scan {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 0.6em;
        padding: 2.5em 1.5em;
        background: var(--hg-surface);
        border: 2px dashed var(--hg-line);
        border-radius: calc(var(--hg-radius) * 2);
        text-align: center;
      }
      .barcode {
        width: 6em;
        color: var(--hg-accent);
        margin-bottom: 0.5em;
      }
      .scan h2 {
        margin: 0;
        font-size: 2.6em;
      }
      .scan .purpose {
        margin: 0.6em 0 0;
        font-size: 1.1em;
      }
      /* A tablet is less tall for its width than the kiosk: a smaller prompt leaves the home its room. */
      @media (min-aspect-ratio: 2/3) {
        .scan {
          padding: 1.25em 1.5em;
          gap: 0.3em;
        }
        .scan h2 {
          font-size: 2em;
        }
        .barcode {
          width: 4.5em;
          margin-bottom: 0;
        }
      }
      .corner {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 1em;
      }
      .corner button {
        flex-direction: column;
        min-height: calc(var(--hg-touch) * 2);
        font-size: 1.15em;
        font-weight: 700;
      }
      .corner button.wide {
        grid-column: 1 / -1;
        min-height: calc(var(--hg-touch) * 1.2);
      }
      .corner button span {
        font-size: 0.7em;
        font-weight: 400;
        color: var(--hg-muted);
      }
      .nav {
        position: sticky;
        bottom: 0;
        display: flex;
        gap: 0.75em;
        background: var(--hg-page);
      }
      .nav button {
        flex: 1;
      }
      .notice {
        padding: 1em 1.25em;
        border-radius: var(--hg-radius);
        background: var(--hg-surface);
        border: 1px solid var(--hg-line);
        font-size: 1.2em;
      }
      .spacer {
        flex: 1;
      }
      .again {
        text-align: center;
        color: var(--hg-muted);
        font-size: 0.9em;
        margin: 0;
      }
    `,
  ];

  @state() private _token: string | null = deviceToken('lookup');
  @state() private _view: View = 'start';
  @state() private _sku: ScannedSku | null = null;
  @state() private _style: Style | null = null;
  @state() private _also: BoughtWith[] = [];
  @state() private _scanError: unknown = null;
  @state() private _busy = false;

  @query('hg-lookup-member') private _memberCorner!: HgLookupMember | null;
  @query('hg-lookup-join') private _join!: HgLookupJoin | null;
  @query('hg-lookup-feedback') private _feedback!: HgLookupFeedback | null;

  private readonly _i18n = new LocalizeController(this);
  private _connection: HangerConnection | null = null;
  private readonly _link = new ConnectionStateController(this, (state) => {
    if (state === 'unauthorized') this._unpaired();
  });
  private readonly _stock = new SubscriptionController(
    this,
    () => this._connection,
    'stock.changed',
    (event) => {
      // In a chain, other stores' stock moves arrive too: they change only what is shown for them.
      if (event.storeId === this._connection?.principal?.storeId)
        this._stockChanged(event.data.skuId, event.data.onHand);
    },
  );
  /** Before pairing there is no socket: the header follows the health check instead. */
  private readonly _health = new HealthController(this);
  private _idleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly _activity = (): void => this._touch();

  private get _auth(): ApiAuth {
    return { token: this._token, onUnauthorized: () => this._unpaired() };
  }

  override connectedCallback(): void {
    this._connect();
    super.connectedCallback();
    for (const type of ['pointerdown', 'keydown', 'wheel'] as const)
      window.addEventListener(type, this._activity, { capture: true, passive: true });
    this._touch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const type of ['pointerdown', 'keydown', 'wheel'] as const)
      window.removeEventListener(type, this._activity, { capture: true });
    clearTimeout(this._idleTimer);
    this._connection?.close();
  }

  protected override render() {
    const connection = this._token ? this._link.state : this._health.state;
    return html`
      <hg-screen-frame .heading=${this._i18n.t('screen.lookup')} .connection=${connection}>
        <div class="content">
          ${
            this._token
              ? html`<hg-scan-input accept-typed @hg-scan=${this._scanned}></hg-scan-input>${this._body()}`
              : html`<hg-pairing kind="lookup" @hg-paired=${this._paired}></hg-pairing>`
          }
        </div>
      </hg-screen-frame>
    `;
  }

  private _body() {
    switch (this._view) {
      case 'product':
        return html`
          ${
            this._scanError
              ? this._notice()
              : html`<hg-lookup-product
                  .auth=${this._auth}
                  .sku=${this._sku}
                  .styleDetail=${this._style}
                  .boughtWith=${this._also}
                  @hg-pick=${this._picked}
                ></hg-lookup-product>`
          }
          <div class="spacer"></div>
          <p class="again">${this._i18n.t('lookup.scanAnother')}</p>
          ${this._nav()}
        `;
      case 'member':
        return html`<hg-lookup-member .auth=${this._auth} @hg-done=${this._home}></hg-lookup-member>
          <div class="spacer"></div>
          ${this._nav()}`;
      case 'join':
        return html`<hg-lookup-join .auth=${this._auth} @hg-done=${this._home}></hg-lookup-join>
          <div class="spacer"></div>
          ${this._nav()}`;
      case 'feedback':
        return html`<hg-lookup-feedback .auth=${this._auth} @hg-done=${this._home}></hg-lookup-feedback>
          <div class="spacer"></div>
          ${this._nav()}`;
      default:
        return this._start();
    }
  }

  private _start() {
    return html`
      <section class="scan" aria-live="polite">
        ${barcode}
        <h2>${this._i18n.t('lookup.scanPrompt')}</h2>
        <p class="purpose">${this._i18n.t('purpose.lookup')}</p>
        ${this._busy ? html`<p role="status">${this._i18n.t('lookup.looking')}</p>` : nothing}
      </section>
      <div class="corner">
        <button type="button" @click=${() => this._go('member')}>
          ${this._i18n.t('member.title')}<span>${this._i18n.t('member.cornerHint')}</span>
        </button>
        <button type="button" @click=${() => this._go('join')}>
          ${this._i18n.t('join.title')}<span>${this._i18n.t('join.cornerHint')}</span>
        </button>
        <button type="button" class="wide" @click=${() => this._go('feedback')}>
          ${this._i18n.t('feedback.title')}<span>${this._i18n.t('feedback.cornerHint')}</span>
        </button>
      </div>
      <hg-lookup-home .auth=${this._auth}></hg-lookup-home>
      <div class="spacer"></div>
      <p class="again">${this._i18n.t('lookup.privacy')}</p>
    `;
  }

  private _notice() {
    const unknown = this._scanError instanceof RequestError && this._scanError.code === 'not_found';
    return html`<div class="notice" role="alert">
      ${unknown ? this._i18n.t('lookup.unknownTag') : html`<hg-error .error=${this._scanError}></hg-error>`}
    </div>`;
  }

  private _nav() {
    return html`<div class="nav">
      <button type="button" @click=${this._home}>${this._i18n.t('lookup.back')}</button>
      ${this._view !== 'member' ? html`<button type="button" @click=${() => this._go('member')}>${this._i18n.t('member.title')}</button>` : nothing}
      ${this._view !== 'join' ? html`<button type="button" @click=${() => this._go('join')}>${this._i18n.t('join.title')}</button>` : nothing}
    </div>`;
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
    this._stock.hostDisconnected();
    this._stock.hostConnected();
  }

  private _paired(event: CustomEvent<{ token: string }>): void {
    this._token = event.detail.token;
    this._connect();
  }

  /** The owner revoked this kiosk (or its token is gone): forget it and pair again. */
  private _unpaired(): void {
    storeDeviceToken('lookup', null);
    this._connection?.close();
    this._connection = null;
    this._link.attach(null);
    this._token = null;
    this._reset();
  }

  private _go(view: View): void {
    this._view = view;
    this._scanError = null;
  }

  private _home(): void {
    this._reset();
  }

  /** Back to the start, forgetting the tag, the member and anything typed. */
  private _reset(): void {
    this._view = 'start';
    this._sku = null;
    this._style = null;
    this._also = [];
    this._scanError = null;
    this._memberCorner?.reset();
    this._join?.reset();
    this._feedback?.reset();
  }

  private _touch(): void {
    clearTimeout(this._idleTimer);
    this._idleTimer = setTimeout(() => {
      this._reset();
      this._touch();
    }, IDLE_MS);
  }

  private async _scanned(event: ScanEvent): Promise<void> {
    const code = event.detail.code;
    const connection = this._connection;
    if (!connection) return;
    this._touch();
    if (MEMBER_CODE.test(code)) {
      this._go('member');
      await this.updateComplete;
      await this._memberCorner?.findByCode(code);
      return;
    }
    this._busy = true;
    try {
      const sku = await connection.request('catalog/lookup_barcode', { barcode: code });
      this._sku = sku;
      this._style = null;
      this._also = [];
      this._scanError = null;
      this._view = 'product';
      try {
        this._style = await getStyle(this._auth, sku.styleId);
      } catch {
        // The tag alone still says name, price and stock of this size.
      }
      await this._loadAlso(sku.styleId);
    } catch (error) {
      this._sku = null;
      this._style = null;
      this._also = [];
      this._scanError = error;
      this._view = 'product';
    } finally {
      this._busy = false;
    }
  }

  /** What others bought with this style: a nicety, so a failure only hides the row. */
  private async _loadAlso(styleId: string): Promise<void> {
    try {
      const items = await boughtWith(this._auth, styleId);
      if (this._sku?.styleId === styleId) this._also = items;
    } catch {
      this._also = [];
    }
  }

  /** A tapped "also bought" card: that style, shown as if its first size in stock were scanned. */
  private async _picked(event: CustomEvent<{ styleId: string }>): Promise<void> {
    this._touch();
    this._busy = true;
    try {
      const style = await getStyle(this._auth, event.detail.styleId);
      const active = style.skus.filter((sku) => sku.active);
      const first = active.find((sku) => sku.onHand > 0) ?? active[0] ?? style.skus[0];
      if (!first) return;
      this._style = style;
      this._also = [];
      this._scanError = null;
      this._sku = {
        id: first.id,
        barcode: first.barcode,
        styleId: style.id,
        styleCode: style.styleCode,
        name: style.name,
        color: first.color,
        size: first.size,
        price: style.price,
        tagPrice: style.tagPrice,
        specialPrice: style.specialPrice,
        memberPrices: style.memberPrices,
        stock: first.onHand,
        active: first.active && style.active,
      };
      this._view = 'product';
      await this._loadAlso(style.id);
    } catch (error) {
      this._scanError = error;
    } finally {
      this._busy = false;
    }
  }

  private _stockChanged(skuId: string, onHand: number): void {
    if (this._sku?.id === skuId) this._sku = { ...this._sku, stock: onHand };
    const style = this._style;
    if (style?.skus.some((sku) => sku.id === skuId)) {
      this._style = {
        ...style,
        skus: style.skus.map((sku) => (sku.id === skuId ? { ...sku, onHand } : sku)),
      };
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-lookup-app': HgLookupApp;
  }
}
