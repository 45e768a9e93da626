import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import '../../components/hg-screen-frame.js';
import { controls } from '../../components/styles.js';
import { RequestError } from '../../connection/errors.js';
import { HealthController } from '../../data/health-controller.js';
import { joinFromPhone } from '../../data/members.js';
import type { MessageKey } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** The ticket the display's QR code carries after `#` (never sent to the server in the address). */
function ticketFromHash(): string {
  return decodeURIComponent(globalThis.location.hash.replace(/^#/, '')).trim();
}

/**
 * Joining as a member on the customer's own phone, reached by the QR code on the customer
 * display. The phone is not a paired device: the sign-up goes through the public join route
 * with the ticket from the QR code, which says which display showed it and until when.
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
      form {
        display: flex;
        flex-direction: column;
        gap: 0.9em;
      }
      input:not([type='checkbox']) {
        width: 100%;
        font-size: 1.1em;
      }
      label.consent {
        flex-direction: row;
        align-items: flex-start;
        gap: 0.6em;
        font-weight: 400;
      }
      label.consent input {
        flex: none;
        margin-top: 0.15em;
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
  @state() private _phone = '';
  @state() private _name = '';
  @state() private _pin = '';
  @state() private _terms = false;
  @state() private _marketing = false;
  @state() private _busy = false;
  @state() private _error: unknown = null;
  @state() private _joined: { memberCode: string; name: string; tier: string } | null = null;

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
    const title = this._i18n.both('screen.join');
    return html`<hg-screen-frame .heading=${title.primary} .subheading=${title.secondary} .connection=${this._health.state}>
      <div class="content">${this._body()}</div>
    </hg-screen-frame>`;
  }

  private _body() {
    const t = this._i18n.t.bind(this._i18n);
    if (this._joined) {
      return html`<section class="card welcome" role="status">
        <h2>${t('join.welcome', { name: this._joined.name })}</h2>
        <p>${t('join.tier', { tier: this._joined.tier })}</p>
        <p>${t('join.yourCode')}</p>
        <div class="member-code" data-member-code=${this._joined.memberCode}>
          ${this._joined.memberCode.replace(/(\d{4})(?=\d)/g, '$1 ')}
        </div>
        <p class="hint">${t('phoneJoin.codeHint')}</p>
      </section>`;
    }
    if (!this._ticket || this._ticketRefused()) {
      return html`<section class="card" role="alert" data-no-ticket>
        <h2>${t('join.title')}</h2>
        <p>${t(this._ticket ? 'phoneJoin.expired' : 'phoneJoin.noTicket')}</p>
      </section>`;
    }
    return html`<section class="card">
      <h2>${t('join.title')}</h2>
      <p class="hint">${t('phoneJoin.intro')}</p>
      <form @submit=${this._submit}>
        <label>
          ${t('member.phone')}
          <input
            name="phone"
            type="tel"
            inputmode="numeric"
            autocomplete="tel-national"
            maxlength="11"
            required
            .value=${this._phone}
            aria-invalid=${this._fieldProblem('phone') ? 'true' : 'false'}
            @input=${(event: Event) => (this._phone = this._digits(event, 11))}
          />
        </label>
        <label>
          ${t('join.name')}
          <input
            name="name"
            autocomplete="name"
            maxlength="40"
            required
            .value=${this._name}
            aria-invalid=${this._fieldProblem('name') ? 'true' : 'false'}
            @input=${(event: Event) => (this._name = (event.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          ${t('join.pin')}
          <input
            name="pin"
            type="password"
            inputmode="numeric"
            autocomplete="new-password"
            maxlength="6"
            .value=${this._pin}
            @input=${(event: Event) => (this._pin = this._digits(event, 6))}
          />
        </label>
        <p class="hint">${t('phoneJoin.pinHint')}</p>
        <label class="consent">
          <input
            type="checkbox"
            name="terms"
            .checked=${this._terms}
            @change=${(event: Event) => (this._terms = (event.target as HTMLInputElement).checked)}
          />
          <span>${t('join.terms')}</span>
        </label>
        <label class="consent">
          <input
            type="checkbox"
            name="marketing"
            .checked=${this._marketing}
            @change=${(event: Event) => (this._marketing = (event.target as HTMLInputElement).checked)}
          />
          <span>${t('join.marketing')}</span>
        </label>
        <hg-error .error=${this._error} .messageKey=${this._errorKey()}></hg-error>
        <button type="submit" class="primary" ?disabled=${this._busy || !this._ready()}>${t('join.submit')}</button>
      </form>
    </section>
    ${this._busy ? html`<p class="hint" role="status">${t('phoneJoin.sending')}</p>` : nothing}`;
  }

  /** Digits only, at most `max` of them, written back into the field as typed. */
  private _digits(event: Event, max: number): string {
    const input = event.target as HTMLInputElement;
    const digits = input.value.replace(/\D/g, '').slice(0, max);
    if (input.value !== digits) input.value = digits;
    return digits;
  }

  private _ticketRefused(): boolean {
    return this._error instanceof RequestError && this._error.field('ticket') !== undefined;
  }

  private _fieldProblem(field: string): boolean {
    return this._error instanceof RequestError && this._error.field(field) !== undefined;
  }

  private _errorKey(): MessageKey | null {
    const error = this._error;
    if (!(error instanceof RequestError)) return null;
    if (error.code === 'conflict') return 'phoneJoin.phoneInUse';
    if (error.field('phone')) return 'join.badPhone';
    if (error.code === 'too_many_requests') return 'phoneJoin.tooMany';
    return null;
  }

  private _ready(): boolean {
    return (
      /^\d{11}$/.test(this._phone) &&
      this._name.trim().length > 0 &&
      (this._pin === '' || /^\d{4,6}$/.test(this._pin)) &&
      this._terms
    );
  }

  private async _submit(event: Event): Promise<void> {
    event.preventDefault();
    if (!this._ready() || this._busy) return;
    this._busy = true;
    this._error = null;
    try {
      const answer = await joinFromPhone(this._ticket, {
        phone: this._phone,
        name: this._name.trim(),
        ...(this._pin ? { pin: this._pin } : {}),
        consentMarketing: this._marketing,
      });
      this._joined = {
        memberCode: answer.memberCode,
        name: answer.member.name,
        tier: answer.member.tier.name,
      };
      this._phone = '';
      this._pin = '';
      this._name = '';
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
