import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import { money } from '../../data/format.js';
import { type ApiAuth, newRequestId } from '../../data/http.js';
import {
  cancelPayment,
  getPayment,
  type MobilePaymentView,
  type PaymentProvider,
  takePayment,
} from '../../data/payments.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { dialogStyles } from './styles.js';

/** How often the till asks after a payment the customer is still confirming. */
const POLL_MS = 1000;

/** What the pay dialog gets back: the tender this payment is. */
export interface MobilePaid {
  paymentId: string;
  method: 'wechat' | 'alipay';
  amount: number;
  transactionId: string;
}

/**
 * Takes one mobile payment: the cashier scans the customer's 付款码 (the scanner types it and
 * Enter), the server asks WeChat Pay or Alipay; while the customer confirms it shows 等待顾客输入密码
 * with 取消 (a reverse with the provider). The payment id is made before the first attempt: a
 * retry after a lost answer is the same payment, never a second charge. The other way round,
 * 顾客扫码 puts the shop's QR code for the amount on the customer display (WeChat Native /
 * Alipay precreate) and the dialog waits (等待顾客扫码支付) for the customer to scan and pay.
 *
 * @fires hg-mobile-paid - `MobilePaid`: the payment succeeded.
 * @fires hg-close - cancelled, or given up.
 */
@customElement('hg-checkout-mobile-pay')
export class HgCheckoutMobilePay extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    css`
      .due {
        font-size: 1.6em;
        font-variant-numeric: tabular-nums;
      }
      input[name='authCode'] {
        font-size: 1.3em;
        letter-spacing: 0.05em;
        font-variant-numeric: tabular-nums;
      }
      .waiting {
        font-size: 1.3em;
      }
      .failed {
        color: #8a1c1c;
      }
      .hint {
        color: var(--hg-muted);
      }
    `,
  ];

  /** The staff member's API access. */
  @property({ attribute: false }) auth!: ApiAuth;
  /** The amount to take, in fen. */
  @property({ type: Number }) amount = 0;
  /** The method the cashier chose: whose QR code 顾客扫码 shows. */
  @property() provider: PaymentProvider = 'wechat';

  @state() private _code = '';
  @state() private _payment: MobilePaymentView | null = null;
  @state() private _error: unknown = null;
  @state() private _busy = false;

  private readonly _i18n = new LocalizeController(this);
  /** The id of the payment being taken: new for each code scanned, the same for every retry of it. */
  private _paymentId = newRequestId();
  private _timer: ReturnType<typeof setTimeout> | null = null;
  /** What the last request was: a resend of the same kind keeps its id. */
  private _lastKind: 'code' | 'qr' | null = null;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this._timer) clearTimeout(this._timer);
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name="authCode"]')?.focus();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const payment = this._payment;
    const waiting = payment?.status === 'pending';
    const failed = payment && (payment.status === 'failed' || payment.status === 'cancelled');
    return html`<div class="scrim" @keydown=${this._keydown}>
      <section class="sheet" role="dialog" aria-modal="true" aria-label=${t('mobilePay.title')}>
        <h2>${t('mobilePay.title')}</h2>
        <p class="due" data-amount=${this.amount}>${money(this.amount)}</p>
        ${
          waiting
            ? this._waiting(payment)
            : html`<form class="stack" @submit=${this._submit}>
              <label>
                ${t('mobilePay.scan')}
                <input
                  name="authCode"
                  inputmode="numeric"
                  autocomplete="off"
                  .value=${this._code}
                  ?disabled=${this._busy}
                  @input=${(e: Event) => (this._code = (e.target as HTMLInputElement).value.replace(/\D/g, ''))}
                />
              </label>
              <button type="submit" class="primary" ?disabled=${this._busy || this._code.length < 16}>
                ${t('mobilePay.take')} <kbd>⏎</kbd>
              </button>
              <button type="button" data-qr-pay ?disabled=${this._busy} @click=${this._offerQr}>
                ${t('qrPay.open')} · ${t(`qrPay.provider.${this.provider}`)}
              </button>
            </form>`
        }
        ${failed ? html`<p class="failed" role="alert" data-failure=${payment.failure ?? ''}>${t(`mobilePay.failure.${payment.failure ?? 'refused'}`)}</p>` : nothing}
        <hg-error .error=${this._error}></hg-error>
        <div class="actions">
          <button type="button" data-cancel @click=${this._cancel}>${t('common.cancel')} <kbd>Esc</kbd></button>
        </div>
      </section>
    </div>`;
  }

  private _waiting(payment: MobilePaymentView) {
    const t = this._i18n.t.bind(this._i18n);
    if (payment.mode !== 'qr') {
      return html`<p class="waiting" role="status" data-waiting>${t('mobilePay.waiting')}</p>`;
    }
    return html`<p class="waiting" role="status" data-waiting="qr">${t('qrPay.waiting')}</p>
      <p class="hint">${t('qrPay.shownOnDisplay')}</p>`;
  }

  private _keydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.stopPropagation();
      void this._cancel();
    }
  }

  private _submit(event: Event): void {
    event.preventDefault();
    if (this._code.length < 16) return;
    void this._take({ id: this._paymentId, amount: this.amount, authCode: this._code });
  }

  /** 顾客扫码: a QR payment of the amount; the customer display shows its code until it settles. */
  private _offerQr(): void {
    void this._take({ id: this._paymentId, amount: this.amount, mode: 'qr', provider: this.provider });
  }

  /**
   * Asks the server for the payment. A payment that failed is over, and a code scanned after
   * a QR tried (or the other way round) is another request: either takes a new id.
   */
  private async _take(body: Parameters<typeof takePayment>[1]): Promise<void> {
    if (this._busy) return;
    const kind = 'mode' in body ? 'qr' : 'code';
    if (this._payment || (this._lastKind && this._lastKind !== kind)) {
      this._paymentId = newRequestId();
      body.id = this._paymentId;
    }
    this._lastKind = kind;
    this._busy = true;
    this._error = null;
    try {
      this._settled(await takePayment(this.auth, body));
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  private _settled(payment: MobilePaymentView): void {
    this._payment = payment;
    if (payment.status === 'succeeded') {
      const paid: MobilePaid = {
        paymentId: payment.id,
        method: payment.provider,
        amount: payment.amount,
        transactionId: payment.transactionId ?? '',
      };
      this.dispatchEvent(new CustomEvent('hg-mobile-paid', { detail: paid, bubbles: true, composed: true }));
    } else if (payment.status === 'pending') {
      this._timer = setTimeout(() => void this._poll(), POLL_MS);
    } else {
      this._code = '';
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLInputElement>('input[name="authCode"]')?.focus(),
      );
    }
  }

  private async _poll(): Promise<void> {
    if (!this._payment || !this.isConnected) return;
    try {
      this._settled(await getPayment(this.auth, this._payment.id));
    } catch {
      // The network dropped a moment: the server keeps asking the provider; ask again later.
      this._timer = setTimeout(() => void this._poll(), POLL_MS);
    }
  }

  /** 取消: a pending payment is reversed with the provider before the dialog closes. */
  private async _cancel(): Promise<void> {
    if (this._timer) clearTimeout(this._timer);
    if (this._payment?.status === 'pending') {
      try {
        // Gone through meanwhile, the server refunds it: either way no money stays taken.
        await cancelPayment(this.auth, this._payment.id);
      } catch (error) {
        this._error = error;
        return;
      }
    }
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-mobile-pay': HgCheckoutMobilePay;
  }
}
