import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-invite-card.js';
import '../../components/hg-error.js';
import '../../components/hg-keypad.js';
import { applyKey, type KeypadEvent } from '../../components/hg-keypad.js';
import { controls } from '../../components/styles.js';
import { RequestError } from '../../connection/errors.js';
import { count, date, money } from '../../data/format.js';
import type { ApiAuth } from '../../data/http.js';
import { type SelfView, selfLookup } from '../../data/members.js';
import { zheText } from '../../data/zhe.js';
import type { MessageKey } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

type Field = 'phone' | 'pin' | 'code';

/**
 * The member corner: a member finds themselves by phone and PIN, or by their member code
 * (typed, or scanned from the card or the app), and sees tier and progress, points and what
 * expires soon, balance and coupons. Nothing is kept once the screen goes back to the start.
 */
@customElement('hg-lookup-member')
export class HgLookupMember extends LitElement {
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
      .modes {
        display: flex;
        gap: 0.5em;
      }
      .modes button[aria-pressed='true'] {
        background: var(--hg-ink);
        border-color: var(--hg-ink);
        color: var(--hg-surface);
      }
      .form {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 1.25em;
        align-items: start;
      }
      .fields {
        display: flex;
        flex-direction: column;
        gap: 0.9em;
      }
      input {
        font-size: 1.3em;
        letter-spacing: 0.08em;
        width: 100%;
      }
      input.target {
        border: 3px solid var(--hg-accent);
      }
      .actions {
        display: flex;
        gap: 0.6em;
      }
      .actions button {
        flex: 1;
      }
      .hint {
        color: var(--hg-muted);
        font-size: 0.85em;
        margin: 0;
      }
      .hello {
        display: flex;
        align-items: baseline;
        gap: 0.6em;
        flex-wrap: wrap;
      }
      .tier {
        font-size: 1em;
        padding: 0.2em 0.8em;
        background: var(--hg-accent);
        color: var(--hg-accent-ink);
        border-radius: 999px;
      }
      .figures {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 0.75em;
      }
      .figure {
        text-align: center;
      }
      .figure .value {
        display: block;
        font-size: 1.6em;
        font-weight: 700;
        font-variant-numeric: tabular-nums;
      }
      .figure .label {
        color: var(--hg-muted);
        font-size: 0.85em;
      }
      ul {
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        padding: 0.35em 0;
        border-bottom: 1px solid var(--hg-line);
        display: flex;
        justify-content: space-between;
        gap: 1em;
      }
      h3 {
        margin: 0 0 0.3em;
        font-size: 1.05em;
      }
      progress {
        appearance: none;
        width: 100%;
        height: 0.6em;
        margin-top: 0.4em;
        border: none;
        border-radius: 999px;
        background: var(--hg-line);
        overflow: hidden;
      }
      progress::-webkit-progress-bar {
        background: var(--hg-line);
      }
      progress::-webkit-progress-value {
        background: var(--hg-accent);
      }
    `,
  ];

  /** The kiosk's device token. */
  @property({ attribute: false }) auth: ApiAuth = { token: null };

  @state() private _mode: 'phone' | 'code' = 'phone';
  @state() private _target: Field = 'phone';
  @state() private _phone = '';
  @state() private _pin = '';
  @state() private _code = '';
  @state() private _busy = false;
  @state() private _error: unknown = null;
  @state() private _view: SelfView | null = null;

  private readonly _i18n = new LocalizeController(this);

  /** Shows the member for a scanned member code (the kiosk's scanner caught a card). */
  async findByCode(code: string): Promise<void> {
    this._mode = 'code';
    this._code = code;
    await this._lookup();
  }

  /** Forgets everything typed and found. */
  reset(): void {
    this._phone = '';
    this._pin = '';
    this._code = '';
    this._view = null;
    this._error = null;
    this._mode = 'phone';
    this._target = 'phone';
  }

  protected override render() {
    return this._view ? this._member(this._view) : this._form();
  }

  private _form() {
    const phoneMode = this._mode === 'phone';
    return html`
      <h2>${this._i18n.t('member.title')}</h2>
      <div class="modes" role="group" aria-label=${this._i18n.t('member.how')}>
        <button type="button" aria-pressed=${phoneMode} @click=${() => this._setMode('phone')}>
          ${this._i18n.t('member.byPhone')}
        </button>
        <button type="button" aria-pressed=${!phoneMode} @click=${() => this._setMode('code')}>
          ${this._i18n.t('member.byCode')}
        </button>
      </div>
      <form class="form" @submit=${this._submit}>
        <div class="fields">
          ${
            phoneMode
              ? html`${this._input('phone', this._i18n.t('member.phone'), 11, 'tel')}
                ${this._input('pin', this._i18n.t('member.pin'), 6, 'password')}`
              : html`${this._input('code', this._i18n.t('member.code'), 16, 'text')}
                  <p class="hint">${this._i18n.t('member.scanCard')}</p>`
          }
          <hg-error .error=${this._error} .messageKey=${this._errorKey()}></hg-error>
          ${
            // A wrong PIN and no PIN look the same from here (a member's phone is not told to
            // strangers), so the way to set one is said to everyone who was turned away.
            this._mode === 'phone' && this._errorKey() === 'member.notFound'
              ? html`<p class="hint" data-no-pin>${this._i18n.t('words.noPin')}</p>`
              : nothing
          }
          <div class="actions">
            <button type="submit" class="primary" ?disabled=${this._busy || !this._ready()}>
              ${this._i18n.t('member.find')}
            </button>
          </div>
          <p class="hint">${this._i18n.t('member.privacy')}</p>
        </div>
        <hg-keypad @hg-key=${this._key}></hg-keypad>
      </form>
    `;
  }

  private _input(field: Field, label: string, max: number, type: string) {
    const value = field === 'phone' ? this._phone : field === 'pin' ? this._pin : this._code;
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
        @focus=${() => (this._target = field)}
        @input=${(event: Event) => this._typed(field, (event.target as HTMLInputElement).value, max)}
      />
    </label>`;
  }

  private _member(view: SelfView) {
    const next = view.progress.next;
    const missingSpend = next?.missing.spend12m ?? null;
    const line = missingSpend !== null ? view.progress.spend12m + missingSpend : null;
    const share = line ? Math.min(100, Math.round((view.progress.spend12m / line) * 100)) : 100;
    return html`
      <div class="hello">
        <h2>${this._i18n.t('member.hello', { name: view.name })}</h2>
        <span class="tier" data-tier=${view.tier.code}>${view.tier.name}</span>
        <span class="muted">${view.phone ?? ''}</span>
      </div>
      <section class="card">
        ${
          next
            ? html`<div>
                ${
                  missingSpend !== null
                    ? this._i18n.t('member.toNextSpend', { amount: money(missingSpend), tier: next.name })
                    : this._i18n.t('member.toNext', { tier: next.name })
                }
              </div>
              <progress max="100" .value=${share} aria-label=${this._i18n.t('member.progress')}></progress>`
            : html`<div>${this._i18n.t('member.topTier')}</div>`
        }
      </section>
      <section class="figures">
        <div class="card figure">
          <span class="value" data-points=${view.points}>${count(view.points)}</span>
          <span class="label">${this._i18n.t('member.points')}</span>
        </div>
        <div class="card figure">
          <span class="value">${money(view.storedValue)}</span>
          <span class="label">${this._i18n.t('member.balance')}</span>
        </div>
        <div class="card figure">
          <span class="value">${view.coupons.length}</span>
          <span class="label">${this._i18n.t('member.coupons')}</span>
        </div>
      </section>
      <section class="card">
        <h3>${this._i18n.t('member.expiring')}</h3>
        ${
          view.expiringSoon.length === 0
            ? html`<p class="muted">${this._i18n.t('member.nothingExpiring')}</p>`
            : html`<ul>
                ${view.expiringSoon.map(
                  (lot) => html`<li>
                    <span>${this._i18n.t('member.pointsCount', { count: count(lot.points) })}</span>
                    <span>${date(lot.expiresAt)}</span>
                  </li>`,
                )}
              </ul>`
        }
      </section>
      ${
        view.coupons.length > 0
          ? html`<section class="card">
              <h3>${this._i18n.t('member.coupons')}</h3>
              <ul>
                ${view.coupons.map(
                  (coupon) => html`<li>
                    <span>
                      ${coupon.name} ·
                      ${coupon.kind === 'percent' ? zheText(coupon.value * 100) : money(coupon.value)}
                      ${coupon.minSpend > 0 ? html`<span class="muted">${this._i18n.t('member.minSpend', { amount: money(coupon.minSpend) })}</span>` : nothing}
                    </span>
                    <span class="muted">${this._i18n.t('member.validTo', { date: date(coupon.validTo) })}</span>
                  </li>`,
                )}
              </ul>
            </section>`
          : nothing
      }
      ${
        view.lastPurchases.length > 0
          ? html`<section class="card">
              <h3>${this._i18n.t('member.recent')}</h3>
              <ul>
                ${view.lastPurchases.map(
                  (purchase) =>
                    html`<li><span>${date(purchase.at)}</span><span>${money(purchase.amount)}</span></li>`,
                )}
              </ul>
            </section>`
          : nothing
      }
      <section class="card">
        <hg-invite-card .code=${view.inviteCode} .rewards=${view.referral}></hg-invite-card>
      </section>
      <div class="actions">
        <button type="button" class="primary" @click=${this._done}>${this._i18n.t('member.done')}</button>
      </div>
    `;
  }

  private _errorKey(): MessageKey | null {
    const error = this._error;
    if (!(error instanceof RequestError)) return null;
    if (error.code === 'account_locked') return 'member.locked';
    if (error.code === 'not_found' || error.field('pin') === 'wrong') return 'member.notFound';
    return null;
  }

  private _setMode(mode: 'phone' | 'code'): void {
    this._mode = mode;
    this._target = mode === 'phone' ? 'phone' : 'code';
    this._error = null;
  }

  private _ready(): boolean {
    if (this._mode === 'code') return /^\d{16}$/.test(this._code);
    return /^\d{11}$/.test(this._phone) && /^\d{4,6}$/.test(this._pin);
  }

  private _typed(field: Field, text: string, max: number): void {
    const digits = text.replace(/\D/g, '').slice(0, max);
    if (field === 'phone') this._phone = digits;
    else if (field === 'pin') this._pin = digits;
    else this._code = digits;
    this.requestUpdate();
  }

  private _key(event: KeypadEvent): void {
    const field = this._target;
    const max = field === 'phone' ? 11 : field === 'pin' ? 6 : 16;
    const value = field === 'phone' ? this._phone : field === 'pin' ? this._pin : this._code;
    const next = applyKey(value, event.detail.key, max);
    this._typed(field, next, max);
    // A full phone number moves on to the PIN by itself.
    if (field === 'phone' && next.length === 11) this._target = 'pin';
  }

  private async _submit(event: Event): Promise<void> {
    event.preventDefault();
    if (!this._ready()) return;
    await this._lookup();
  }

  private async _lookup(): Promise<void> {
    this._busy = true;
    this._error = null;
    try {
      this._view = await selfLookup(
        this.auth,
        this._mode === 'code' ? { memberCode: this._code } : { phone: this._phone, pin: this._pin },
      );
    } catch (error) {
      this._error = error;
      this._pin = '';
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
    'hg-lookup-member': HgLookupMember;
  }
}
