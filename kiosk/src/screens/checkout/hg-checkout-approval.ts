import { html, LitElement } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import '../../components/hg-keypad.js';
import { applyKey, type KeypadEvent } from '../../components/hg-keypad.js';
import { controls } from '../../components/styles.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { dialogStyles } from './styles.js';

/** A colleague's username and PIN approving what the signed-in cashier may not do alone. */
export interface Approval {
  username: string;
  pin: string;
}

/**
 * Manager approval in place: the server said forbidden, a manager types their username and
 * PIN here, and the same command goes again with `approval`. The screen behind stays as it was.
 *
 * @fires hg-approved - `{username, pin, done(error)}`; `done` says whether the retry worked.
 * @fires hg-close - cancelled.
 */
@customElement('hg-checkout-approval')
export class HgCheckoutApproval extends LitElement {
  static override styles = [controls, dialogStyles];

  @state() private _username = '';
  @state() private _pin = '';
  @state() private _error: unknown = null;
  @state() private _busy = false;

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<div class="scrim" @keydown=${this._keydown}>
      <form class="sheet" role="dialog" aria-modal="true" aria-label=${t('checkout.approvalTitle')} @submit=${this._submit}>
        <h2>${t('checkout.approvalTitle')}</h2>
        <p>${t('checkout.approvalWhy')}</p>
        <div class="two">
          <div class="stack">
            <label>
              ${t('checkout.managerUsername')}
              <input
                name="approver"
                autocomplete="off"
                autocapitalize="off"
                .value=${this._username}
                @input=${(e: Event) => (this._username = (e.target as HTMLInputElement).value.trim())}
              />
            </label>
            <label>
              ${t('checkout.managerPin')}
              <input
                name="approverPin"
                type="password"
                inputmode="numeric"
                maxlength="6"
                .value=${this._pin}
                @input=${(e: Event) => (this._pin = (e.target as HTMLInputElement).value.replace(/\D/g, ''))}
              />
            </label>
            <hg-error .error=${this._error}></hg-error>
          </div>
          <hg-keypad @hg-key=${(e: KeypadEvent) => (this._pin = applyKey(this._pin, e.detail.key, 6))}></hg-keypad>
        </div>
        <div class="actions">
          <button type="button" @click=${this._cancel}>${t('common.cancel')} <kbd>Esc</kbd></button>
          <button type="submit" class="primary" ?disabled=${this._busy || !this._username || this._pin.length < 4}>
            ${t('checkout.approve')} <kbd>⏎</kbd>
          </button>
        </div>
      </form>
    </div>`;
  }

  protected override firstUpdated(): void {
    this._focus('approver');
  }

  private _focus(name: 'approver' | 'approverPin'): void {
    this.renderRoot.querySelector<HTMLInputElement>(`input[name="${name}"]`)?.focus();
  }

  private _keydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    // Esc closes this dialog only, not the one it was opened over as well.
    event.stopPropagation();
    this._cancel();
  }

  private _cancel(): void {
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }

  private _submit(event: Event): void {
    event.preventDefault();
    if (this._busy || !this._username || this._pin.length < 4) return;
    this._busy = true;
    this._error = null;
    this.dispatchEvent(
      new CustomEvent('hg-approved', {
        detail: {
          username: this._username,
          pin: this._pin,
          done: (error: unknown) => {
            this._busy = false;
            this._pin = '';
            this._error = error;
            // The approve button was disabled while it ran and took the focus with it: give it to
            // the PIN again, for another try or for Esc.
            if (error) void this.updateComplete.then(() => this._focus('approverPin'));
          },
        },
        bubbles: true,
        composed: true,
      }),
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-approval': HgCheckoutApproval;
  }
}
