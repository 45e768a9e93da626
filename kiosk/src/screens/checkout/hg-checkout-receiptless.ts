import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import type { ReturnResult } from '../../data/cart.js';
import { lookupBarcode } from '../../data/catalog.js';
import { money } from '../../data/format.js';
import { type ApiAuth, call, newRequestId } from '../../data/http.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { askApprovalOr } from './approval-retry.js';
import type { Approval } from './hg-checkout-approval.js';
import { dialogStyles } from './styles.js';

type Item = { skuId: string; barcode: string; label: string; price: number; qty: number };

/**
 * 无小票退货: goods back without a receipt. The tags are scanned, a reason given, and the price
 * in force goes back in cash; a cashier always needs a manager for it, asked in place.
 *
 * @fires hg-approval-needed - `{run(approval), finishes}` when the return is refused for want of approval.
 * @fires hg-close - done or cancelled.
 */
@customElement('hg-checkout-receiptless')
export class HgCheckoutReceiptless extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    css`
      form.find {
        display: flex;
        gap: 0.5em;
      }
      form.find input {
        flex: 1;
      }
    `,
  ];

  @property({ attribute: false }) auth!: ApiAuth;
  /** Told of the return once it is kept, also when a manager's approval finished it. */
  @property({ attribute: false }) returned: (result: ReturnResult) => void = () => {};

  @state() private _code = '';
  @state() private _items: Item[] = [];
  @state() private _reason = '';
  @state() private _result: ReturnResult | null = null;
  @state() private _error: unknown = null;
  @state() private _busy = false;

  private readonly _i18n = new LocalizeController(this);
  /** One id per return, made before the first attempt. */
  private readonly _returnId = newRequestId();

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name="returnTag"]')?.focus();
  }

  /** A tag scanned while the dialog is open: one more of it comes back. */
  async find(code: string): Promise<void> {
    const barcode = code.trim();
    if (!barcode || this._result) return;
    this._error = null;
    try {
      const sku = await lookupBarcode(this.auth, barcode);
      const had = this._items.find((item) => item.skuId === sku.id);
      this._items = had
        ? this._items.map((item) => (item === had ? { ...item, qty: item.qty + 1 } : item))
        : [
            ...this._items,
            {
              skuId: sku.id,
              barcode,
              label: `${sku.name} · ${sku.color} / ${sku.size}`,
              price: sku.price,
              qty: 1,
            },
          ];
    } catch (error) {
      this._error = error;
    }
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const total = this._items.reduce((sum, item) => sum + item.price * item.qty, 0);
    return html`<div class="scrim" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._close()}>
      <section class="sheet" role="dialog" aria-modal="true" aria-label=${t('counter.receiptlessTitle')}>
        <h2>${t('counter.receiptlessTitle')}</h2>
        <p class="muted">${t('counter.receiptlessWhy')}</p>
        ${
          this._result
            ? nothing
            : html`<form class="find" @submit=${this._submitCode}>
              <input
                name="returnTag"
                autocomplete="off"
                aria-label=${t('checkout.manualBarcode')}
                placeholder=${t('checkout.manualBarcode')}
                .value=${this._code}
                @input=${(e: Event) => (this._code = (e.target as HTMLInputElement).value)}
              />
              <button type="submit">${t('checkout.add')}</button>
            </form>`
        }
        ${
          this._items.length
            ? html`<table>
              <tbody>
                ${this._items.map(
                  (item) => html`<tr data-return-sku=${item.barcode}>
                    <td>${item.label}</td>
                    <td class="num">×${item.qty}</td>
                    <td class="num">${money(item.price * item.qty)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>
            <p><strong>${t('counter.receiptlessRefund', { amount: money(total) })}</strong></p>`
            : nothing
        }
        ${
          this._items.length && !this._result
            ? html`<input
                name="receiptlessReason"
                maxlength="200"
                autocomplete="off"
                aria-label=${t('checkout.returnReason')}
                placeholder=${t('checkout.returnReason')}
                .value=${this._reason}
                @input=${(e: Event) => (this._reason = (e.target as HTMLInputElement).value)}
              />`
            : nothing
        }
        ${
          this._result
            ? html`<p role="status" data-refund=${this._result.refundTotal}>
              ${t('checkout.refunded', { number: this._result.number, amount: money(this._result.refundTotal) })}
            </p>`
            : nothing
        }
        <hg-error .error=${this._error}></hg-error>
        <div class="actions">
          <button type="button" @click=${this._close}>${this._result ? t('checkout.done') : t('common.cancel')} <kbd>Esc</kbd></button>
          ${
            this._result
              ? nothing
              : html`<button
                  type="button"
                  class="primary"
                  data-do="receiptless"
                  ?disabled=${this._busy || this._items.length === 0 || !this._reason.trim()}
                  @click=${() => this._submit()}
                >
                  ${t('checkout.returnConfirm')}
                </button>`
          }
        </div>
      </section>
    </div>`;
  }

  private _submitCode(event: Event): void {
    event.preventDefault();
    const code = this._code;
    this._code = '';
    void this.find(code);
  }

  private async _submit(approval?: Approval): Promise<void> {
    if (this._items.length === 0 || !this._reason.trim()) return;
    this._busy = true;
    this._error = null;
    try {
      this._result = await call<ReturnResult>(this.auth, 'POST', '/api/returns', {
        body: {
          id: this._returnId,
          lines: this._items.map((item) => ({ skuId: item.skuId, qty: item.qty })),
          reason: this._reason.trim(),
        },
        ...(approval && { approval }),
      });
      this.returned(this._result);
    } catch (error) {
      // Approved, the goods are back and the cash goes out: the sale screen comes back.
      askApprovalOr(
        this,
        error,
        approval,
        (a) => this._submit(a),
        (e) => (this._error = e),
        true,
      );
    } finally {
      this._busy = false;
    }
  }

  private _close(): void {
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-receiptless': HgCheckoutReceiptless;
  }
}
