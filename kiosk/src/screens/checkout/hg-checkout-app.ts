import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/hg-pairing.js';
import '../../components/hg-screen-frame.js';
import '../../components/hg-server-status.js';
import { controls } from '../../components/styles.js';
import { HangerConnection } from '../../connection/connection.js';
import { ConnectionStateController } from '../../connection/controllers.js';
import { logout, type SignIn } from '../../data/auth.js';
import { HealthController } from '../../data/health-controller.js';
import type { ApiAuth } from '../../data/http.js';
import { deviceToken, storeDeviceToken } from '../../data/session.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import './hg-checkout-sale.js';
import './hg-checkout-signin.js';
import { checkoutSession, storeCheckoutSession } from './session.js';

/**
 * The cashier's terminal: a 1024×768 touch screen or larger, with a keyboard and a
 * keyboard-wedge scanner. Paired on first use (kind `checkout`), then a cashier signs in with
 * username and PIN, and the sale screen takes over. The cart lives on the server: a reload, a
 * dropped link or another cashier signing in finds it as it was.
 */
@customElement('hg-checkout-app')
export class HgCheckoutApp extends LitElement {
  static override styles = [
    controls,
    css`
      /*
       * Exactly the window, never taller: the sale inside shares it out (lines scroll in their
       * own area), so the function keys and the total stay put on a 1024×768 or 1366×768 till.
       */
      :host {
        display: block;
        min-width: 1024px;
        height: 100vh;
        --hg-frame-size: 16px;
        --hg-touch: 48px;
      }
      hg-screen-frame {
        height: 100%;
        min-height: 0;
      }
      .center {
        flex: 1;
        display: grid;
        place-items: center;
        padding: 1em;
      }
      .who {
        display: flex;
        align-items: center;
        gap: 0.6em;
        white-space: nowrap;
      }
      .who button {
        min-height: 2.2em;
        color: inherit;
        background: transparent;
        border-color: color-mix(in srgb, currentColor 50%, transparent);
      }
    `,
  ];

  @state() private _deviceToken: string | null = deviceToken('checkout');
  @state() private _session: SignIn | null = checkoutSession();

  private readonly _i18n = new LocalizeController(this);
  private readonly _health = new HealthController(this);
  private _connection: HangerConnection | null = null;
  private readonly _link = new ConnectionStateController(this, (state) => {
    if (state === 'unauthorized') this._signedOut();
  });

  private get _auth(): ApiAuth {
    return { token: this._session?.token ?? null, onUnauthorized: () => this._signedOut() };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._connect();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._connection?.close();
  }

  protected override render() {
    const connection = this._session ? this._link.state : this._health.state;
    return html`
      <hg-screen-frame .heading=${this._i18n.t('screen.checkout')} .connection=${connection}>
        ${this._session ? this._who(this._session) : nothing} ${this._body()}
        ${
          this._session
            ? nothing
            : html`<hg-server-status slot="footer" .state=${this._health.state} .version=${this._health.version}></hg-server-status>`
        }
      </hg-screen-frame>
    `;
  }

  private _who(session: SignIn) {
    return html`<div class="who" slot="tools">
      <span data-staff=${session.staff.name}>${session.staff.name} · ${this._i18n.t(`role.${session.staff.role}`)}</span>
      <button type="button" @click=${this._signOut}>${this._i18n.t('checkout.signOut')}</button>
    </div>`;
  }

  private _body() {
    if (!this._deviceToken) {
      return html`<div class="center">
        <hg-pairing kind="checkout" @hg-paired=${this._paired}></hg-pairing>
      </div>`;
    }
    if (!this._session || !this._connection) {
      return html`<div class="center">
        <hg-checkout-signin
          .deviceToken=${this._deviceToken}
          @hg-signed-in=${this._signedIn}
          @hg-unpaired=${this._unpaired}
        ></hg-checkout-signin>
      </div>`;
    }
    return html`<hg-checkout-sale
      .connection=${this._connection}
      .auth=${this._auth}
      .staff=${this._session.staff}
      .link=${this._link.state}
    ></hg-checkout-sale>`;
  }

  private _connect(): void {
    this._connection?.close();
    this._connection = null;
    if (!this._session) {
      this._link.attach(null);
      return;
    }
    // A short ping: a silent drop (cable out, Wi-Fi gone) shows within a few seconds, not 20.
    this._connection = new HangerConnection({ token: this._session.token, pingIntervalMs: 2_000 });
    this._link.attach(this._connection);
    this._connection.connect();
  }

  private _paired(event: CustomEvent<{ token: string }>): void {
    this._deviceToken = event.detail.token;
  }

  private _unpaired(): void {
    storeDeviceToken('checkout', null);
    this._deviceToken = null;
    this._signedOut();
  }

  private _signedIn(event: CustomEvent<SignIn>): void {
    this._session = event.detail;
    storeCheckoutSession(event.detail);
    this._connect();
  }

  private async _signOut(): Promise<void> {
    const auth = this._auth;
    this._signedOut();
    try {
      await logout({ token: auth.token });
    } catch {
      // Signed out here anyway; the session ends by itself at its time.
    }
  }

  /** The session ended (signed out, expired, the staff member disabled): back to the PIN. */
  private _signedOut(): void {
    storeCheckoutSession(null);
    this._session = null;
    this._connect();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-app': HgCheckoutApp;
  }
}
