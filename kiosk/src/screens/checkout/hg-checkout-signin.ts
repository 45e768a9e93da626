import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import '../../components/hg-keypad.js';
import { applyKey, type KeypadEvent } from '../../components/hg-keypad.js';
import { controls } from '../../components/styles.js';
import { RequestError } from '../../connection/errors.js';
import { me, pinLogin, type SignIn } from '../../data/auth.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { recentUsernames, rememberUsername } from './session.js';

/**
 * PIN sign-in on the paired terminal: tap a recent cashier (or type the username), then the
 * PIN on the keypad or the keyboard, Enter.
 *
 * @fires hg-signed-in - the sign-in `{token, expiresAt, staff}`.
 * @fires hg-unpaired - the terminal's own token was refused: pair again.
 */
@customElement('hg-checkout-signin')
export class HgCheckoutSignin extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        width: min(720px, 100%);
      }
      form {
        display: grid;
        grid-template-columns: minmax(0, 1fr) 14em;
        gap: 1.25em 1.5em;
      }
      h2 {
        margin: 0 0 0.75em;
        font-size: 1.6em;
      }
      .fields {
        display: flex;
        flex-direction: column;
        gap: 1em;
      }
      .recent {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
      }
      .recent button[aria-pressed='true'] {
        border-color: var(--hg-accent);
        border-width: 2px;
        font-weight: 700;
      }
      input {
        width: 100%;
      }
      input[name='pin'] {
        letter-spacing: 0.4em;
        font-size: 1.4em;
      }
      .submit {
        grid-column: 1 / -1;
      }
      .submit button {
        width: 100%;
        font-size: 1.2em;
      }
    `,
  ];

  /** The terminal's device token: the PIN sign-in goes with it. */
  @property({ attribute: false }) deviceToken = '';

  @state() private _username = recentUsernames()[0] ?? '';
  @state() private _pin = '';
  @state() private _busy = false;
  @state() private _error: unknown = null;
  @state() private _wrong = false;

  private readonly _i18n = new LocalizeController(this);
  private readonly _recent = recentUsernames();

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h2>${t('checkout.signIn')}</h2>
      <form @submit=${this._submit}>
        <div class="fields">
          ${
            this._recent.length
              ? html`<div class="recent" role="group" aria-label=${t('checkout.recentStaff')}>
                ${this._recent.map(
                  (name) =>
                    html`<button type="button" aria-pressed=${String(name === this._username)} @click=${() => this._choose(name)}>${name}</button>`,
                )}
              </div>`
              : nothing
          }
          <label>
            ${t('checkout.username')}
            <input
              name="username"
              autocomplete="username"
              autocapitalize="off"
              .value=${this._username}
              @input=${(e: Event) => (this._username = (e.target as HTMLInputElement).value.trim())}
            />
          </label>
          <label>
            ${t('checkout.pin')}
            <input
              name="pin"
              type="password"
              inputmode="numeric"
              autocomplete="off"
              maxlength="6"
              aria-invalid=${this._wrong ? 'true' : 'false'}
              .value=${this._pin}
              @input=${(e: Event) => (this._pin = (e.target as HTMLInputElement).value.replace(/\D/g, '').slice(0, 6))}
            />
          </label>
          <hg-error .error=${this._error} .messageKey=${this._wrong ? 'checkout.wrongPin' : null}></hg-error>
        </div>
        <hg-keypad @hg-key=${this._key}></hg-keypad>
        <div class="submit">
          <button class="primary" type="submit" ?disabled=${this._busy || !this._username || this._pin.length < 4}>
            ${t('checkout.signInButton')} ⏎
          </button>
        </div>
      </form>
    </section>`;
  }

  protected override firstUpdated(): void {
    const field = this.renderRoot.querySelector<HTMLInputElement>(
      this._username ? 'input[name="pin"]' : 'input[name="username"]',
    );
    field?.focus();
  }

  private _choose(name: string): void {
    this._username = name;
    this._pin = '';
    this.renderRoot.querySelector<HTMLInputElement>('input[name="pin"]')?.focus();
  }

  private _key(event: KeypadEvent): void {
    this._pin = applyKey(this._pin, event.detail.key, 6);
    this._wrong = false;
  }

  private async _submit(event: Event): Promise<void> {
    event.preventDefault();
    if (this._busy || !this._username || this._pin.length < 4) return;
    this._busy = true;
    this._error = null;
    this._wrong = false;
    try {
      const signIn = await pinLogin({ token: this.deviceToken }, this._username, this._pin);
      rememberUsername(this._username);
      this.dispatchEvent(
        new CustomEvent<SignIn>('hg-signed-in', { detail: signIn, bubbles: true, composed: true }),
      );
    } catch (error) {
      this._pin = '';
      if (error instanceof RequestError && error.code === 'unauthorized') {
        // Either the PIN was wrong or the terminal itself is no longer paired.
        const paired = await me({ token: this.deviceToken }).then(
          () => true,
          (e: unknown) => !(e instanceof RequestError && e.code === 'unauthorized'),
        );
        if (!paired) {
          this.dispatchEvent(new CustomEvent('hg-unpaired', { bubbles: true, composed: true }));
          return;
        }
        this._wrong = true;
      }
      this._error = error;
    } finally {
      this._busy = false;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-signin': HgCheckoutSignin;
  }
}
