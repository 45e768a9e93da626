import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import '../../components/hg-screen-frame.js';
import { controls } from '../../components/styles.js';
import { HangerConnection } from '../../connection/connection.js';
import { ConnectionStateController } from '../../connection/controllers.js';
import { RequestError } from '../../connection/errors.js';
import { login, logout } from '../../data/auth.js';
import { HealthController } from '../../data/health-controller.js';
import { type AdminSession, adminSession, storeAdminSession } from '../../data/session.js';
import type { MessageKey } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import type { AdminContext } from './context.js';
import './sections/hg-admin-audit.js';
import './sections/hg-admin-backups.js';
import './sections/hg-admin-campaigns.js';
import './sections/hg-admin-catalog.js';
import './sections/hg-admin-dashboard.js';
import './sections/hg-admin-devices.js';
import './sections/hg-admin-inventory.js';
import './sections/hg-admin-loyalty.js';
import './sections/hg-admin-members.js';
import './sections/hg-admin-payments.js';
import './sections/hg-admin-reconciliation.js';
import './sections/hg-admin-promotions.js';
import './sections/hg-admin-reports.js';
import './sections/hg-admin-settings.js';
import './sections/hg-admin-staff.js';

/** The sections of the admin page, in the order of the left navigation. */
export const SECTIONS = [
  'dashboard',
  'staff',
  'devices',
  'catalog',
  'inventory',
  'members',
  'loyalty',
  'promotions',
  'marketing',
  'reports',
  'audit',
  'backups',
  'payments',
  'reconciliation',
  'settings',
] as const;
export type Section = (typeof SECTIONS)[number];

function sectionFromHash(): Section {
  const name = globalThis.location.hash.replace(/^#\/?/, '');
  return (SECTIONS as readonly string[]).includes(name) ? (name as Section) : 'dashboard';
}

/** The owner's back office, opened in a browser on a laptop: sign in, then one section at a time. */
@customElement('hg-admin-app')
export class HgAdminApp extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        min-height: 100vh;
        --hg-frame-size: 15px;
        --hg-touch: 36px;
      }
      .signin {
        flex: 1;
        display: grid;
        place-items: center;
        padding: 2em;
      }
      .signin form {
        width: min(24em, 100%);
        display: flex;
        flex-direction: column;
        gap: 1em;
      }
      .signin h2 {
        margin: 0;
        font-size: 1.6em;
      }
      .shell {
        flex: 1;
        display: grid;
        grid-template-columns: 13em minmax(0, 1fr);
        min-height: 0;
      }
      nav {
        background: var(--hg-surface);
        border-right: 1px solid var(--hg-line);
        padding: 1em 0.6em;
      }
      nav ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: flex;
        flex-direction: column;
        gap: 0.2em;
      }
      nav a {
        display: flex;
        align-items: center;
        min-height: var(--hg-touch);
        padding: 0 0.9em;
        border-radius: calc(var(--hg-radius) * 0.6);
        color: var(--hg-ink);
        text-decoration: none;
      }
      nav a:hover {
        background: var(--hg-page);
      }
      nav a[aria-current='page'] {
        background: var(--hg-accent);
        color: var(--hg-accent-ink);
        font-weight: 600;
      }
      main {
        padding: 1.5em 2em 3em;
        min-width: 0;
      }
      .who {
        display: flex;
        align-items: center;
        gap: 0.75em;
        white-space: nowrap;
      }
      .who button {
        background: transparent;
        color: inherit;
        border-color: currentColor;
      }
    `,
  ];

  @state() private _session: AdminSession | null = adminSession();
  @state() private _section: Section = sectionFromHash();
  @state() private _error: unknown = null;
  @state() private _busy = false;
  @state() private _expired = false;

  private readonly _i18n = new LocalizeController(this);
  private _connection: HangerConnection | null = null;
  private _ctx: AdminContext | null = null;
  private readonly _link = new ConnectionStateController(this, (state) => {
    if (state === 'unauthorized') this._signedOut(true);
  });
  /** Before sign-in there is no socket: the header follows the health check instead. */
  private readonly _health = new HealthController(this);
  private readonly _hashChanged = (): void => {
    this._section = sectionFromHash();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this._hashChanged);
    if (this._session) this._connect(this._session);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this._hashChanged);
    this._connection?.close();
  }

  protected override render() {
    const session = this._session;
    return html`
      <hg-screen-frame
        .heading=${this._i18n.t('screen.admin')}
        .connection=${session ? this._link.state : this._health.state}
      >
        ${
          session
            ? html`<span class="who" slot="tools">
                <span>${session.staff.name}</span>
                <button type="button" @click=${this._signOut}>${this._i18n.t('admin.signOut')}</button>
              </span>`
            : nothing
        }
        ${session && this._ctx ? this._shell(this._ctx) : this._signIn()}
      </hg-screen-frame>
    `;
  }

  private _context(session: AdminSession, connection: HangerConnection): AdminContext {
    return {
      session,
      connection,
      auth: { token: session.token, onUnauthorized: () => this._signedOut(true) },
    };
  }

  private _signIn() {
    return html`<div class="signin">
      <form class="card" @submit=${this._submit}>
        <h2>${this._i18n.t('admin.signInTitle')}</h2>
        ${this._expired ? html`<p role="status">${this._i18n.t('admin.sessionEnded')}</p>` : nothing}
        <label>${this._i18n.t('admin.username')}<input name="username" autocomplete="username" required /></label>
        <label>
          ${this._i18n.t('admin.password')}
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <hg-error .error=${this._error} .messageKey=${this._signInErrorKey()}></hg-error>
        <button type="submit" class="primary" ?disabled=${this._busy}>${this._i18n.t('admin.signIn')}</button>
      </form>
    </div>`;
  }

  private _signInErrorKey(): MessageKey | null {
    if (!(this._error instanceof RequestError)) return null;
    if (this._error.code === 'unauthorized') return 'admin.wrongPassword';
    if (this._error.code === 'account_locked') return 'admin.locked';
    return null;
  }

  private _shell(ctx: AdminContext) {
    return html`<div class="shell">
      <nav aria-label=${this._i18n.t('admin.navigation')}>
        <ul>
          ${SECTIONS.map(
            (section) => html`<li>
              <a href=${`#/${section}`} aria-current=${section === this._section ? 'page' : 'false'}>
                ${this._i18n.t(`admin.nav.${section}`)}
              </a>
            </li>`,
          )}
        </ul>
      </nav>
      <main aria-label=${this._i18n.t(`admin.nav.${this._section}`)}>${this._sectionElement(ctx)}</main>
    </div>`;
  }

  private _sectionElement(ctx: AdminContext) {
    switch (this._section) {
      case 'staff':
        return html`<hg-admin-staff .ctx=${ctx}></hg-admin-staff>`;
      case 'devices':
        return html`<hg-admin-devices .ctx=${ctx}></hg-admin-devices>`;
      case 'catalog':
        return html`<hg-admin-catalog .ctx=${ctx}></hg-admin-catalog>`;
      case 'inventory':
        return html`<hg-admin-inventory .ctx=${ctx}></hg-admin-inventory>`;
      case 'members':
        return html`<hg-admin-members .ctx=${ctx}></hg-admin-members>`;
      case 'loyalty':
        return html`<hg-admin-loyalty .ctx=${ctx}></hg-admin-loyalty>`;
      case 'marketing':
        return html`<hg-admin-campaigns .ctx=${ctx}></hg-admin-campaigns>`;
      case 'reports':
        return html`<hg-admin-reports .ctx=${ctx}></hg-admin-reports>`;
      case 'audit':
        return html`<hg-admin-audit .ctx=${ctx}></hg-admin-audit>`;
      case 'promotions':
        return html`<hg-admin-promotions .ctx=${ctx}></hg-admin-promotions>`;
      case 'backups':
        return html`<hg-admin-backups .ctx=${ctx}></hg-admin-backups>`;
      case 'payments':
        return html`<hg-admin-payments .ctx=${ctx}></hg-admin-payments>`;
      case 'reconciliation':
        return html`<hg-admin-reconciliation .ctx=${ctx}></hg-admin-reconciliation>`;
      case 'settings':
        return html`<hg-admin-settings .ctx=${ctx}></hg-admin-settings>`;
      default:
        return html`<hg-admin-dashboard .ctx=${ctx}></hg-admin-dashboard>`;
    }
  }

  private async _submit(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    this._busy = true;
    this._error = null;
    try {
      const signIn = await login(
        String(data.get('username') ?? '').trim(),
        String(data.get('password') ?? ''),
      );
      const session: AdminSession = { token: signIn.token, expiresAt: signIn.expiresAt, staff: signIn.staff };
      storeAdminSession(session);
      this._expired = false;
      this._connect(session);
      this._session = session;
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  private _connect(session: AdminSession): void {
    this._connection?.close();
    this._connection = new HangerConnection({ token: session.token });
    this._ctx = this._context(session, this._connection);
    this._link.attach(this._connection);
    this._connection.connect();
  }

  private async _signOut(): Promise<void> {
    const token = this._session?.token ?? null;
    this._signedOut(false);
    try {
      if (token) await logout({ token });
    } catch {
      // Signed out here either way; the session also ends on its own.
    }
  }

  /** Back to the sign-in form; `expired`: the server ended the session (4401 or 401). */
  private _signedOut(expired: boolean): void {
    storeAdminSession(null);
    this._connection?.close();
    this._connection = null;
    this._ctx = null;
    this._link.attach(null);
    this._session = null;
    this._expired = expired;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-app': HgAdminApp;
  }
}
