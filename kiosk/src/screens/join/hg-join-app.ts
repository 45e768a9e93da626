import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/hg-join-form.js';
import type { JoinEvent } from '../../components/hg-join-form.js';
import '../../components/hg-invite-card.js';
import '../../components/hg-screen-frame.js';
import { controls } from '../../components/styles.js';
import { RequestError } from '../../connection/errors.js';
import { HealthController } from '../../data/health-controller.js';
import { joinFromPhone, type SelfJoined } from '../../data/members.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** The ticket the display's QR code carries after `#` (never sent to the server in the address). */
function ticketFromHash(): string {
  return decodeURIComponent(globalThis.location.hash.replace(/^#/, '')).trim();
}

/** A friend's invitation code, from a member's QR: `/join?invite=<code>`. */
function inviteFromQuery(): string {
  return (new URLSearchParams(globalThis.location.search).get('invite') ?? '').trim().toUpperCase();
}

/**
 * Joining as a member on the customer's own phone, reached by the QR code on the customer
 * display or by a member's invitation QR (a receipt, the kiosk, a friend's phone). The phone
 * is not a paired device: the sign-up goes through the public join route with the ticket
 * from the display's code (which display, until when) or the friend's invitation code.
 */
@customElement('hg-join-app')
export class HgJoinApp extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        min-height: 100vh;
        --hg-frame-size: 15px;
        --hg-touch: 48px;
      }
      .content {
        box-sizing: border-box;
        width: 100%;
        max-width: 34em;
        margin: 0 auto;
        padding: 1em;
        display: flex;
        flex-direction: column;
        gap: 1em;
      }
      h2 {
        margin: 0;
        font-size: 1.4em;
      }
      .hint {
        margin: 0;
        color: var(--hg-muted);
        font-size: 0.9em;
      }
      .welcome {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 0.5em;
        text-align: center;
      }
      .welcome p {
        margin: 0;
      }
      .member-code {
        font-size: 1.6em;
        font-weight: 700;
        letter-spacing: 0.05em;
        font-variant-numeric: tabular-nums;
        user-select: all;
      }
    `,
  ];

  @state() private _ticket = ticketFromHash();
  private readonly _invite = inviteFromQuery();
  @state() private _busy = false;
  @state() private _error: unknown = null;
  @state() private _joined: SelfJoined | null = null;

  private readonly _i18n = new LocalizeController(this);
  /** No socket here: the header's indicator follows the health check. */
  private readonly _health = new HealthController(this);
  private readonly _hashChanged = (): void => {
    this._ticket = ticketFromHash();
    this._error = null;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this._hashChanged);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this._hashChanged);
  }

  protected override render() {
    return html`<hg-screen-frame .heading=${this._i18n.t('screen.join')} .connection=${this._health.state}>
      <div class="content">${this._body()}</div>
    </hg-screen-frame>`;
  }

  private _body() {
    const t = this._i18n.t.bind(this._i18n);
    if (this._joined) {
      const { member, memberCode } = this._joined;
      return html`<section class="card welcome" role="status">
          <h2>${t('join.welcome', { name: member.name })}</h2>
          <p>${t('join.tier', { tier: member.tier.name })}</p>
          <p>${t('join.yourCode')}</p>
          <div class="member-code" data-member-code=${memberCode}>
            ${memberCode.replace(/(\d{4})(?=\d)/g, '$1 ')}
          </div>
          <p class="hint">${t('phoneJoin.codeHint')}</p>
        </section>
        <section class="card">
          <hg-invite-card .code=${member.inviteCode} .rewards=${member.referral}></hg-invite-card>
        </section>`;
    }
    const noTicket = (!this._ticket && !this._invite) || this._ticketRefused();
    // The form is hidden, not dropped, while there is no ticket: what was typed is still there
    // after the customer scans the code again.
    return html`${noTicket ? this._noTicket() : nothing}
      <section class="card" ?hidden=${noTicket}>
        <h2>${t('join.title')}</h2>
        <p class="hint">${t('phoneJoin.intro')}</p>
        ${this._invite ? html`<p class="hint" data-invited>${t('referrals.invitedWith', { code: this._invite })}</p>` : nothing}
        <hg-join-form device="phone" .busy=${this._busy} .error=${this._error} @hg-join=${this._join}></hg-join-form>
      </section>
      ${this._busy ? html`<p class="hint" role="status">${t('phoneJoin.sending')}</p>` : nothing}`;
  }

  /** Where to scan, when the page came without a ticket or the server refused it. */
  private _noTicket() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" role="alert" data-no-ticket>
      <h2>${t('join.title')}</h2>
      <p>${t(this._ticket ? 'phoneJoin.expired' : 'phoneJoin.noTicket')}</p>
    </section>`;
  }

  private _ticketRefused(): boolean {
    return this._error instanceof RequestError && this._error.field('ticket') !== undefined;
  }

  private async _join(event: JoinEvent): Promise<void> {
    this._busy = true;
    this._error = null;
    try {
      this._joined = await joinFromPhone(
        { ...(this._ticket && { ticket: this._ticket }), ...(this._invite && { inviteCode: this._invite }) },
        event.detail,
      );
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-join-app': HgJoinApp;
  }
}
