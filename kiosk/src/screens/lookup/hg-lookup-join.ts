import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import '../../components/hg-keypad.js';
import { applyKey, type KeypadEvent } from '../../components/hg-keypad.js';
import { controls } from '../../components/styles.js';
import { RequestError } from '../../connection/errors.js';
import type { ApiAuth } from '../../data/http.js';
import { selfSignUp } from '../../data/members.js';
import type { MessageKey } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

type Field = 'phone' | 'name' | 'pin';

/**
 * Join as a member at the kiosk: phone, name and an optional PIN, the membership terms
 * accepted and marketing consent asked for separately (never pre-ticked).
 */
@customElement('hg-lookup-join')
export class HgLookupJoin extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: flex;
        flex-direction: column;
        gap: 1em;
      }
      h2 {
        margin: 0;
        font-size: 1.6em;
      }
      form {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 1.25em;
        align-items: start;
      }
      .fields {
        display: flex;
        flex-direction: column;
        gap: 0.8em;
      }
      input:not([type='checkbox']) {
        font-size: 1.2em;
        width: 100%;
      }
      input.target {
        border: 3px solid var(--hg-accent);
      }
      label.consent {
        flex-direction: row;
        align-items: flex-start;
        gap: 0.6em;
        font-weight: 400;
        font-size: 0.9em;
        min-height: var(--hg-touch);
      }
      label.consent input {
        margin-top: 0.2em;
        width: 1.4em;
        height: 1.4em;
        flex: none;
      }
      .welcome {
        text-align: center;
        display: flex;
        flex-direction: column;
        gap: 0.6em;
        align-items: center;
      }
      .member-code {
        font-size: 1.8em;
        font-weight: 700;
        letter-spacing: 0.06em;
        font-variant-numeric: tabular-nums;
      }
      .hint {
        color: var(--hg-muted);
        font-size: 0.85em;
        margin: 0;
      }
    `,
  ];

  /** The kiosk's device token. */
  @property({ attribute: false }) auth: ApiAuth = { token: null };

  @state() private _target: Field = 'phone';
  @state() private _phone = '';
  @state() private _name = '';
  @state() private _pin = '';
  @state() private _terms = false;
  @state() private _marketing = false;
  @state() private _busy = false;
  @state() private _error: unknown = null;
  @state() private _joined: { memberCode: string; name: string; tier: string } | null = null;

  private readonly _i18n = new LocalizeController(this);

  /** Forgets everything typed. */
  reset(): void {
    this._phone = '';
    this._name = '';
    this._pin = '';
    this._terms = false;
    this._marketing = false;
    this._error = null;
    this._joined = null;
    this._target = 'phone';
  }

  protected override render() {
    if (this._joined) {
      return html`<section class="welcome card" role="status">
        <h2>${this._i18n.t('join.welcome', { name: this._joined.name })}</h2>
        <p>${this._i18n.t('join.tier', { tier: this._joined.tier })}</p>
        <p>${this._i18n.t('join.yourCode')}</p>
        <div class="member-code" data-member-code=${this._joined.memberCode}>
          ${this._joined.memberCode.replace(/(\d{4})(?=\d)/g, '$1 ')}
        </div>
        <p class="hint">${this._i18n.t('join.codeHint')}</p>
        <button type="button" class="primary" @click=${this._done}>${this._i18n.t('member.done')}</button>
      </section>`;
    }
    return html`
      <h2>${this._i18n.t('join.title')}</h2>
      <p class="hint">${this._i18n.t('join.intro')}</p>
      <form @submit=${this._submit}>
        <div class="fields">
          ${this._digits('phone', this._i18n.t('member.phone'), 11, 'tel')}
          <label>
            ${this._i18n.t('join.name')}
            <input
              name="name"
              autocomplete="off"
              maxlength="40"
              class=${this._target === 'name' ? 'target' : ''}
              .value=${this._name}
              aria-invalid=${this._fieldProblem('name') ? 'true' : 'false'}
              @focus=${() => (this._target = 'name')}
              @input=${(event: Event) => (this._name = (event.target as HTMLInputElement).value)}
            />
          </label>
          ${this._digits('pin', this._i18n.t('join.pin'), 6, 'password')}
          <p class="hint">${this._i18n.t('join.pinHint')}</p>
          <label class="consent">
            <input
              type="checkbox"
              name="terms"
              .checked=${this._terms}
              @change=${(event: Event) => (this._terms = (event.target as HTMLInputElement).checked)}
            />
            <span>${this._i18n.t('join.terms')}</span>
          </label>
          <label class="consent">
            <input
              type="checkbox"
              name="marketing"
              .checked=${this._marketing}
              @change=${(event: Event) => (this._marketing = (event.target as HTMLInputElement).checked)}
            />
            <span>${this._i18n.t('join.marketing')}</span>
          </label>
          <hg-error .error=${this._error} .messageKey=${this._errorKey()}></hg-error>
          <button type="submit" class="primary" ?disabled=${this._busy || !this._ready()}>
            ${this._i18n.t('join.submit')}
          </button>
        </div>
        ${this._target === 'name' ? html`<p class="hint">${this._i18n.t('join.nameHint')}</p>` : html`<hg-keypad @hg-key=${this._key}></hg-keypad>`}
      </form>
    `;
  }

  private _digits(field: 'phone' | 'pin', label: string, max: number, type: string) {
    const value = field === 'phone' ? this._phone : this._pin;
    return html`<label>
      ${label}
      <input
        name=${field}
        type=${type}
        inputmode="none"
        autocomplete="off"
        maxlength=${max}
        class=${this._target === field ? 'target' : ''}
        .value=${value}
        aria-invalid=${this._fieldProblem(field) ? 'true' : 'false'}
        @focus=${() => (this._target = field)}
        @input=${(event: Event) => this._typed(field, (event.target as HTMLInputElement).value)}
      />
    </label>`;
  }

  private _fieldProblem(field: string): boolean {
    return this._error instanceof RequestError && this._error.field(field) !== undefined;
  }

  private _errorKey(): MessageKey | null {
    const error = this._error;
    if (!(error instanceof RequestError)) return null;
    if (error.code === 'conflict') return 'join.phoneInUse';
    if (error.field('phone')) return 'join.badPhone';
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

  private _typed(field: 'phone' | 'pin', text: string): void {
    const digits = text.replace(/\D/g, '').slice(0, field === 'phone' ? 11 : 6);
    if (field === 'phone') this._phone = digits;
    else this._pin = digits;
    this.requestUpdate();
  }

  private _key(event: KeypadEvent): void {
    if (this._target === 'name') return;
    const field = this._target;
    const value = field === 'phone' ? this._phone : this._pin;
    this._typed(field, applyKey(value, event.detail.key, field === 'phone' ? 11 : 6));
  }

  private async _submit(event: Event): Promise<void> {
    event.preventDefault();
    if (!this._ready()) return;
    this._busy = true;
    this._error = null;
    try {
      const answer = await selfSignUp(this.auth, {
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

  private _done(): void {
    this.reset();
    this.dispatchEvent(new CustomEvent('hg-done', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-lookup-join': HgLookupJoin;
  }
}
