import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import '../../components/hg-keypad.js';
import { applyKey, type KeypadEvent } from '../../components/hg-keypad.js';
import { controls } from '../../components/styles.js';
import type { HangerConnection } from '../../connection/connection.js';
import { InputError, RequestError } from '../../connection/errors.js';
import {
  type CartView,
  type CheckoutResult,
  cart,
  type Payment,
  type PaymentMethod,
} from '../../data/cart.js';
import { money, parseYuan, yuanText } from '../../data/format.js';
import { type ApiAuth, newRequestId } from '../../data/http.js';
import { cancelPayment } from '../../data/payments.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import './hg-checkout-mobile-pay.js';
import type { MobilePaid } from './hg-checkout-mobile-pay.js';
import { dialogStyles } from './styles.js';

const METHODS: { method: PaymentMethod; key: string }[] = [
  { method: 'cash', key: '1' },
  { method: 'card', key: '2' },
  { method: 'wechat', key: '3' },
  { method: 'alipay', key: '4' },
  { method: 'stored_value', key: '5' },
];

/**
 * Payment with split tenders: each tender is added in turn (cash with the change it gives,
 * card/WeChat/Alipay with a reference, stored value with the member PIN when asked), then
 * `cart/checkout` with a sale id made before the first attempt — a retry after a lost answer
 * sends the same id and gets the same sale.
 *
 * @fires hg-paid - the checkout's answer.
 * @fires hg-repriced - the cart priced again after a price changed mid-payment (the new total is due).
 * @fires hg-close - cancelled.
 */
@customElement('hg-checkout-pay')
export class HgCheckoutPay extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    css`
      .methods {
        display: grid;
        grid-template-columns: repeat(5, 1fr);
        gap: 0.4em;
      }
      .methods button[aria-pressed='true'] {
        background: var(--hg-accent);
        color: var(--hg-accent-ink);
        border-color: var(--hg-accent);
      }
      .sums {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.2em 1em;
        font-variant-numeric: tabular-nums;
      }
      .sums .num {
        text-align: end;
      }
      .change {
        color: #0f5323;
      }
      .quick {
        display: flex;
        gap: 0.4em;
        flex-wrap: wrap;
      }
      input[name='amount'] {
        font-size: 1.5em;
        font-variant-numeric: tabular-nums;
      }
      .tenders td button {
        min-height: 2em;
      }
    `,
  ];

  /** The cart being paid. */
  @property({ attribute: false }) cart: CartView | null = null;
  /** The staff member's connection. */
  @property({ attribute: false }) connection!: HangerConnection;
  /** The staff member's API access: mobile payments go over HTTP. */
  @property({ attribute: false }) auth: ApiAuth | null = null;

  @state() private _tenders: Payment[] = [];
  @state() private _method: PaymentMethod = 'cash';
  @state() private _amount = '';
  @state() private _reference = '';
  @state() private _pinNeeded = false;
  @state() private _pin = '';
  @state() private _error: unknown = null;
  @state() private _notice: string | null = null;
  @state() private _busy = false;
  /** The amount the mobile-payment dialog is taking, while it is open. */
  @state() private _mobileAmount: number | null = null;

  private readonly _i18n = new LocalizeController(this);
  /** Made once, before the first attempt: every retry of this payment sends the same id. */
  private readonly _saleId = newRequestId();

  private get _due(): number {
    return this.cart?.quote?.total ?? 0;
  }

  private get _paid(): number {
    return this._tenders.reduce((sum, tender) => sum + tender.amount, 0);
  }

  private get _remaining(): number {
    return Math.max(0, this._due - this._paid);
  }

  private get _change(): number {
    return Math.max(0, this._paid - this._due);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this._amount = yuanText(this._remaining);
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const member = this.cart?.quote?.member;
    const typed = parseYuan(this._amount) ?? 0;
    const covered = this._paid >= this._due;
    const wouldChange = this._method === 'cash' && typed > this._remaining ? typed - this._remaining : 0;
    return html`<div class="scrim" @keydown=${this._keydown}>
      <section class="sheet" role="dialog" aria-modal="true" aria-label=${t('checkout.payTitle')}>
        <h2>${t('checkout.payTitle')}</h2>
        <div class="methods" role="group" aria-label=${t('checkout.method')}>
          ${METHODS.map(
            ({ method, key }) => html`<button
              type="button"
              data-method=${method}
              aria-pressed=${String(this._method === method)}
              aria-keyshortcuts=${`Alt+${key}`}
              ?disabled=${method === 'stored_value' && !member}
              @click=${() => this._choose(method)}
            >
              ${t(`checkout.tender.${method}`)} <kbd>Alt+${key}</kbd>
            </button>`,
          )}
        </div>
        <div class="two">
          <form @submit=${this._addTender} class="stack">
            <label>
              ${t('checkout.amount')}
              <input
                name="amount"
                inputmode="decimal"
                autocomplete="off"
                .value=${this._amount}
                @input=${(e: Event) => (this._amount = (e.target as HTMLInputElement).value)}
              />
            </label>
            ${
              this._method === 'cash'
                ? html`<div class="quick">
                  ${this._quickCash().map(
                    (fen) =>
                      html`<button type="button" @click=${() => (this._amount = yuanText(fen))}>${money(fen)}</button>`,
                  )}
                </div>`
                : nothing
            }
            ${
              ['card', 'wechat', 'alipay'].includes(this._method)
                ? html`<label>
                  ${t('checkout.reference')}
                  <input name="reference" autocomplete="off" .value=${this._reference} @input=${(e: Event) => (this._reference = (e.target as HTMLInputElement).value)} />
                </label>`
                : nothing
            }
            ${
              (this._method === 'wechat' || this._method === 'alipay') && this.auth
                ? html`<button type="button" data-mobile-pay ?disabled=${covered || typed <= 0} @click=${this._openMobile}>
                  ${t('mobilePay.open')}
                </button>`
                : nothing
            }
            ${
              this._method === 'stored_value' && member
                ? html`<p class="muted">${t('checkout.balance')}: ${money(member.storedValue)}</p>`
                : nothing
            }
            ${wouldChange > 0 ? html`<p class="change big" data-would-change=${wouldChange}>${t('checkout.change')} ${money(wouldChange)}</p>` : nothing}
            ${
              this._pinNeeded
                ? html`<label>
                  ${t('checkout.memberPin')}
                  <input name="memberPin" type="password" inputmode="numeric" maxlength="6" .value=${this._pin} @input=${(e: Event) => (this._pin = (e.target as HTMLInputElement).value.replace(/\D/g, ''))} />
                </label>`
                : nothing
            }
            <button type="submit" ?disabled=${covered || typed <= 0}>${t('checkout.addTender')} <kbd>⏎</kbd></button>
          </form>
          <hg-keypad @hg-key=${this._key}></hg-keypad>
        </div>
        ${
          this._tenders.length
            ? html`<table class="tenders">
              <tbody>
                ${this._tenders.map(
                  (tender, i) => html`<tr data-tender=${tender.method}>
                    <td>${t(`checkout.tender.${tender.method}`)} ${tender.reference ?? ''}</td>
                    <td class="num">${money(tender.amount)}</td>
                    <td><button type="button" class="link" @click=${() => this._removeTender(i)}>✕</button></td>
                  </tr>`,
                )}
              </tbody>
            </table>`
            : nothing
        }
        <div class="sums">
          <span>${t('checkout.total')}</span><span class="num big" data-due=${this._due}>${money(this._due)}</span>
          <span>${t('checkout.paidSoFar')}</span><span class="num">${money(this._paid)}</span>
          <span>${t('checkout.remaining')}</span><span class="num" data-remaining=${this._remaining}>${money(this._remaining)}</span>
          ${this._change > 0 ? html`<span class="change">${t('checkout.change')}</span><span class="num change big" data-change=${this._change}>${money(this._change)}</span>` : nothing}
        </div>
        ${this._notice ? html`<p role="status">${this._notice}</p>` : nothing}
        <hg-error .error=${this._error}></hg-error>
        ${
          this._mobileAmount !== null && this.auth
            ? html`<hg-checkout-mobile-pay
              .auth=${this.auth}
              .amount=${this._mobileAmount}
              .provider=${this._method === 'alipay' ? 'alipay' : 'wechat'}
              @hg-mobile-paid=${this._mobilePaid}
              @hg-close=${this._closeMobile}
            ></hg-checkout-mobile-pay>`
            : nothing
        }
        <div class="actions">
          <button type="button" @click=${this._cancel}>${t('common.cancel')} <kbd>Esc</kbd></button>
          <button type="button" class="primary" data-complete ?disabled=${!covered || this._busy} @click=${this._complete}>
            ${this._retrying ? t('checkout.retryPay') : t('checkout.completePay')} <kbd>F10</kbd>
          </button>
        </div>
      </section>
    </div>`;
  }

  protected override firstUpdated(): void {
    this._focusAmount();
  }

  @state() private _retrying = false;

  private _focusAmount(): void {
    void this.updateComplete.then(() => {
      const field = this.renderRoot.querySelector<HTMLInputElement>('input[name="amount"]');
      field?.focus();
      field?.select();
    });
  }

  private _quickCash(): number[] {
    const due = this._remaining;
    if (due <= 0) return [];
    const options = new Set<number>([due]);
    for (const step of [1_000, 5_000, 10_000]) options.add(Math.ceil(due / step) * step);
    return [...options].sort((a, b) => a - b).slice(0, 4);
  }

  private _choose(method: PaymentMethod): void {
    this._method = method;
    const member = this.cart?.quote?.member;
    const amount =
      method === 'stored_value' && member ? Math.min(this._remaining, member.storedValue) : this._remaining;
    this._amount = yuanText(amount);
    this._reference = '';
    this._focusAmount();
  }

  private _key(event: KeypadEvent): void {
    // The keypad types whole yuan; a field that still shows the suggestion starts afresh.
    const current = /\./.test(this._amount) ? '' : this._amount;
    this._amount = applyKey(current, event.detail.key, 7);
  }

  private _keydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      this._cancel();
    } else if (event.key === 'F10') {
      event.preventDefault();
      event.stopPropagation();
      void this._complete();
    } else if (event.altKey && /^[1-5]$/.test(event.key)) {
      event.preventDefault();
      const method = METHODS[Number(event.key) - 1]?.method;
      if (method && (method !== 'stored_value' || this.cart?.quote?.member)) this._choose(method);
    }
  }

  private _addTender(event: Event): void {
    event.preventDefault();
    if (this._paid >= this._due) {
      void this._complete();
      return;
    }
    const amount = parseYuan(this._amount);
    if (amount === null || amount <= 0) {
      this._error = new InputError('words.badPrice');
      return;
    }
    // Only cash may be more than what is left: the rest is change.
    const take = this._method === 'cash' ? amount : Math.min(amount, this._remaining);
    // Enter alone, on the amount the dialog suggested, is "exact cash": paid, nothing more to
    // press. An amount the cashier typed is counted in first, as before.
    const exactCash =
      this._tenders.length === 0 && this._method === 'cash' && this._amount === yuanText(this._due);
    const tender: Payment = { method: this._method, amount: take };
    if (this._reference.trim()) tender.reference = this._reference.trim();
    this._tenders = [...this._tenders, tender];
    this._error = null;
    this._reference = '';
    if (this._paid < this._due) this._choose('cash');
    else this._amount = '';
    if (exactCash) void this._complete();
  }

  /** WeChat/Alipay for real: the customer's code is scanned for the amount typed (at most what is left). */
  private _openMobile(): void {
    const amount = parseYuan(this._amount);
    if (amount === null || amount <= 0) return;
    this._mobileAmount = Math.min(amount, this._remaining);
  }

  /** The payment went through: it is a tender of this sale, its transaction number the reference. */
  private _mobilePaid(event: CustomEvent<MobilePaid>): void {
    event.stopPropagation();
    const paid = event.detail;
    this._tenders = [
      ...this._tenders,
      { method: paid.method, amount: paid.amount, paymentId: paid.paymentId, reference: paid.transactionId },
    ];
    this._mobileAmount = null;
    if (this._paid < this._due) this._choose('cash');
    else this._amount = '';
    // The mobile dialog had the focus: it comes back here, so Enter and F10 reach this dialog.
    this._focusAmount();
  }

  private _closeMobile(event: Event): void {
    event.stopPropagation();
    this._mobileAmount = null;
    this._focusAmount();
  }

  /**
   * Mobile tenders that will not pay this sale are given back (reversed or refunded by their
   * provider); one that cannot be now stays on the till's list of unfinished payments.
   */
  private _giveBack(tenders: readonly Payment[]): void {
    for (const tender of tenders) {
      if (tender.paymentId && this.auth)
        void cancelPayment(this.auth, tender.paymentId).catch(() => undefined);
    }
  }

  private _removeTender(index: number): void {
    this._giveBack(this._tenders.filter((_, i) => i === index));
    this._tenders = this._tenders.filter((_, i) => i !== index);
    this._amount = yuanText(this._remaining);
  }

  private async _complete(): Promise<void> {
    if (this._busy || this._paid < this._due || !this.cart) return;
    this._busy = true;
    this._error = null;
    this._notice = null;
    try {
      const result: CheckoutResult = await cart.checkout(this.connection, {
        saleId: this._saleId,
        payments: this._payments(),
        expectedTotal: this._due,
        ...(this._pinNeeded && this._pin ? { memberPin: this._pin } : {}),
      });
      this.dispatchEvent(new CustomEvent('hg-paid', { detail: result, bubbles: true, composed: true }));
    } catch (error) {
      this._retrying =
        error instanceof RequestError &&
        ['timeout', 'disconnected', 'network', 'storage_unavailable'].includes(error.code);
      if (error instanceof RequestError && error.field('memberPin') !== undefined) {
        this._pinNeeded = true;
        this._notice = this._i18n.t('checkout.memberPinNeeded');
        void this.updateComplete.then(() =>
          this.renderRoot.querySelector<HTMLInputElement>('input[name="memberPin"]')?.focus(),
        );
      } else if (error instanceof RequestError && error.details.quote && this.cart) {
        this._repriced({ ...this.cart, quote: error.details.quote });
      } else {
        this._error = error;
      }
    } finally {
      this._busy = false;
    }
  }

  /**
   * A price changed since the cart was shown (the server refused the stale total and priced the
   * cart again): the tenders counted for the old total go, the new total is due, and the sale
   * screen is told so that it shows the same cart. The same sale id goes again.
   */
  private _repriced(view: CartView): void {
    this.cart = view;
    this._notice = this._i18n.t('checkout.priceChanged', { total: money(view.quote?.total ?? 0) });
    this._giveBack(this._tenders);
    this._tenders = [];
    this._amount = yuanText(this._remaining);
    this.dispatchEvent(new CustomEvent('hg-repriced', { detail: view, bubbles: true, composed: true }));
  }

  /** Cash last: the server gives change only from cash. */
  private _payments(): Payment[] {
    const cash = this._tenders.filter((tender) => tender.method === 'cash');
    const other = this._tenders.filter((tender) => tender.method !== 'cash');
    const cashTotal = cash.reduce((sum, tender) => sum + tender.amount, 0);
    return cashTotal > 0 ? [...other, { method: 'cash', amount: cashTotal }] : other;
  }

  private _cancel(): void {
    this._giveBack(this._tenders);
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-pay': HgCheckoutPay;
  }
}
