import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { MemberDocument } from '../../../server/protocol/members.js';
import './hg-error.js';
import './hg-member-document.js';
import './hg-keypad.js';
import { RequestError } from '../connection/errors.js';
import type { MessageKey } from '../i18n/index.js';
import { LocalizeController } from '../i18n/localize-controller.js';
import { applyKey, type KeypadEvent } from './hg-keypad.js';
import { controls } from './styles.js';

/** What the customer filled in, checked; the screen sends it with the terms accepted. */
export interface JoinDetails {
  phone: string;
  name: string;
  pin?: string;
  consentMarketing: boolean;
}
export type JoinEvent = CustomEvent<JoinDetails>;

/** Where the form is filled in: at the lookup kiosk, or on the customer's own phone. */
export type JoinDevice = 'kiosk' | 'phone';

type Field = 'phone' | 'name' | 'pin';
type DigitField = Exclude<Field, 'name'>;

const MAX_DIGITS: Record<DigitField, number> = { phone: 11, pin: 6 };

/**
 * Joining as a member: phone, name and an optional PIN, the membership terms accepted and
 * marketing consent asked for separately (never pre-ticked). At the kiosk the digits come from
 * the on-screen keypad beside the fields; a phone uses its own keyboard and autofill. The screen
 * sends the details and hands back `busy` and `error`.
 *
 * @fires hg-join - the details, once they are complete and the terms accepted.
 */
@customElement('hg-join-form')
export class HgJoinForm extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
      }
      .documents {
        display: flex;
        flex-wrap: wrap;
        gap: 1em;
        margin: 0;
      }
      .fields {
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
      /* The kiosk: bigger for fingers, with the keypad beside the fields. */
      :host([device='kiosk']) form {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 1.25em;
        align-items: start;
      }
      :host([device='kiosk']) .fields {
        gap: 0.8em;
      }
      :host([device='kiosk']) input:not([type='checkbox']) {
        font-size: 1.2em;
      }
      :host([device='kiosk']) input.target {
        border: 3px solid var(--hg-accent);
      }
      :host([device='kiosk']) label.consent {
        font-size: 0.9em;
        min-height: var(--hg-touch);
      }
      :host([device='kiosk']) label.consent input {
        margin-top: 0.2em;
        width: 1.4em;
        height: 1.4em;
      }
      :host([device='kiosk']) .hint {
        font-size: 0.85em;
      }
    `,
  ];

  /** Where the form is filled in. */
  @property({ reflect: true }) device: JoinDevice = 'phone';
  /** The details are on their way to the server. */
  @property({ type: Boolean }) busy = false;
  /** Why the server turned the last try down; the fields it names are marked. */
  @property({ attribute: false }) error: unknown = null;

  /** The field the keypad types into. */
  @state() private _target: Field = 'phone';
  @state() private _phone = '';
  @state() private _name = '';
  @state() private _pin = '';
  @state() private _terms = false;
  /** The terms or the privacy policy, open as a page over the form. */
  @state() private _document: MemberDocument['kind'] | null = null;
  @state() private _marketing = false;

  private readonly _i18n = new LocalizeController(this);

  /** Forgets everything typed. */
  reset(): void {
    this._phone = '';
    this._name = '';
    this._pin = '';
    this._terms = false;
    this._marketing = false;
    this._target = 'phone';
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const kiosk = this.device === 'kiosk';
    // The kiosk's keypad types the digits, so no keyboard of the browser's own opens there.
    const digitsMode = kiosk ? 'none' : 'numeric';
    // A shared kiosk remembers nothing for the next customer; a phone may fill in its owner.
    const autofill = (hint: string) => (kiosk ? 'off' : hint);
    return html`<form @submit=${this._submit}>
      <div class="fields">
        <label>
          ${t('member.phone')}
          <input
            name="phone"
            type="tel"
            inputmode=${digitsMode}
            autocomplete=${autofill('tel-national')}
            maxlength=${MAX_DIGITS.phone}
            ?required=${!kiosk}
            class=${this._targetClass('phone')}
            .value=${this._phone}
            aria-invalid=${this._fieldProblem('phone') ? 'true' : 'false'}
            @focus=${() => (this._target = 'phone')}
            @input=${(event: Event) => (this._phone = this._digits(event, 'phone'))}
          />
        </label>
        <label>
          ${t('join.name')}
          <input
            name="name"
            autocomplete=${autofill('name')}
            maxlength="40"
            ?required=${!kiosk}
            class=${this._targetClass('name')}
            .value=${this._name}
            aria-invalid=${this._fieldProblem('name') ? 'true' : 'false'}
            @focus=${() => (this._target = 'name')}
            @input=${(event: Event) => (this._name = (event.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          ${t('join.pin')}
          <input
            name="pin"
            type="password"
            inputmode=${digitsMode}
            autocomplete=${autofill('new-password')}
            maxlength=${MAX_DIGITS.pin}
            class=${this._targetClass('pin')}
            .value=${this._pin}
            aria-invalid=${this._fieldProblem('pin') ? 'true' : 'false'}
            @focus=${() => (this._target = 'pin')}
            @input=${(event: Event) => (this._pin = this._digits(event, 'pin'))}
          />
        </label>
        <p class="hint">${t(kiosk ? 'join.pinHint' : 'phoneJoin.pinHint')}</p>
        <label class="consent">
          <input
            type="checkbox"
            name="terms"
            .checked=${this._terms}
            @change=${(event: Event) => (this._terms = (event.target as HTMLInputElement).checked)}
          />
          <span>${t('join.terms')}</span>
        </label>
        <p class="documents">
          <button type="button" class="link" data-open-document="terms" @click=${() => (this._document = 'terms')}>
            ${t('referrals.termsLink')}
          </button>
          <button type="button" class="link" data-open-document="privacy" @click=${() => (this._document = 'privacy')}>
            ${t('referrals.privacyLink')}
          </button>
        </p>
        ${
          this._document
            ? html`<hg-member-document .kind=${this._document} @hg-close=${() => (this._document = null)}></hg-member-document>`
            : nothing
        }
        <label class="consent">
          <input
            type="checkbox"
            name="marketing"
            .checked=${this._marketing}
            @change=${(event: Event) => (this._marketing = (event.target as HTMLInputElement).checked)}
          />
          <span>${t('join.marketing')}</span>
        </label>
        <hg-error .error=${this.error} .messageKey=${this._errorKey()}></hg-error>
        <button type="submit" class="primary" aria-describedby="join-missing" ?disabled=${this.busy || !this._ready()}>${t('join.submit')}</button>
        ${this._missing() ? html`<p id="join-missing" class="hint" data-missing>${t(this._missing() as MessageKey)}</p>` : nothing}
      </div>
      ${kiosk ? this._keypad() : nothing}
    </form>`;
  }

  /** The keypad, or while the name is being typed, a word on where to type it. */
  private _keypad() {
    return this._target === 'name'
      ? html`<p class="hint">${this._i18n.t('join.nameHint')}</p>`
      : html`<hg-keypad @hg-key=${this._key}></hg-keypad>`;
  }

  private _targetClass(field: Field) {
    return this.device === 'kiosk' && this._target === field ? 'target' : nothing;
  }

  /** Digits only, at most the field's number of them, written back into the field as typed. */
  private _digits(event: Event, field: DigitField): string {
    const input = event.target as HTMLInputElement;
    const digits = input.value.replace(/\D/g, '').slice(0, MAX_DIGITS[field]);
    if (input.value !== digits) input.value = digits;
    return digits;
  }

  private _key(event: KeypadEvent): void {
    if (this._target === 'phone') this._phone = applyKey(this._phone, event.detail.key, MAX_DIGITS.phone);
    if (this._target === 'pin') this._pin = applyKey(this._pin, event.detail.key, MAX_DIGITS.pin);
  }

  private _fieldProblem(field: Field): boolean {
    return this.error instanceof RequestError && this.error.field(field) !== undefined;
  }

  private _errorKey(): MessageKey | null {
    const error = this.error;
    if (!(error instanceof RequestError)) return null;
    if (error.code === 'conflict')
      return this.device === 'kiosk' ? 'join.phoneInUse' : 'phoneJoin.phoneInUse';
    if (error.field('phone')) return 'join.badPhone';
    if (error.code === 'too_many_requests') return 'phoneJoin.tooMany';
    return null;
  }

  /** Why 加入会员 is still off: the first thing left to do, or null when it is on. */
  private _missing(): MessageKey | null {
    if (!/^\d{11}$/.test(this._phone)) return 'words.join.phone';
    if (this._name.trim().length === 0) return 'words.join.name';
    if (this._pin !== '' && !/^\d{4,6}$/.test(this._pin)) return 'words.join.pin';
    if (!this._terms) return 'words.join.terms';
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

  private _submit(event: Event): void {
    event.preventDefault();
    if (!this._ready() || this.busy) return;
    const details: JoinDetails = {
      phone: this._phone,
      name: this._name.trim(),
      ...(this._pin ? { pin: this._pin } : {}),
      consentMarketing: this._marketing,
    };
    this.dispatchEvent(new CustomEvent('hg-join', { detail: details, bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-join-form': HgJoinForm;
  }
  interface HTMLElementEventMap {
    'hg-join': JoinEvent;
  }
}
