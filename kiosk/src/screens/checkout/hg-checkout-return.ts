import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import { type ReturnResult, returnSale, type SaleDetail, saleByNumber } from '../../data/cart.js';
import { dateTime, money } from '../../data/format.js';
import { type ApiAuth, newRequestId } from '../../data/http.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { askApprovalOr } from './approval-retry.js';
import type { Approval } from './hg-checkout-approval.js';
import { dialogStyles } from './styles.js';

/**
 * A return by receipt number (typed, or the receipt's barcode scanned): find the sale, choose
 * lines and quantities, and the money goes back to the sale's own tenders, each its share. A
 * return after the shop's return period, or one whose money would go back in cash rather than
 * how it was paid (goods an exchange credit paid for), asks a manager in place; the latter also
 * needs the reason typed here.
 *
 * @fires hg-approval-needed - `{run(approval)}` when the server answers forbidden.
 * @fires hg-receiptless - the customer has no receipt.
 * @fires hg-close - done or cancelled.
 */
@customElement('hg-checkout-return')
export class HgCheckoutReturn extends LitElement {
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
      td input {
        width: 5em;
      }
    `,
  ];

  /** The staff session. */
  @property({ attribute: false }) auth!: ApiAuth;

  @state() private _number = '';
  @state() private _sale: SaleDetail | null = null;
  @state() private _qty: Record<string, number> = {};
  @state() private _result: ReturnResult | null = null;
  @state() private _error: unknown = null;
  @state() private _notFound = false;
  @state() private _busy = false;
  @state() private _reason = '';

  private readonly _i18n = new LocalizeController(this);
  /** One id per return, made before the first attempt. */
  private _returnId = newRequestId();

  /** Finds the sale of a receipt number (also what the receipt's barcode scans as). */
  async find(number: string): Promise<void> {
    this._number = number.trim();
    if (!this._number) return;
    this._busy = true;
    this._error = null;
    this._notFound = false;
    this._result = null;
    try {
      this._sale = await saleByNumber(this.auth, this._number);
      this._notFound = this._sale === null;
      this._qty = {};
      this._reason = '';
      this._returnId = newRequestId();
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<div class="scrim" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._close()}>
      <section class="sheet" role="dialog" aria-modal="true" aria-label=${t('checkout.returnTitle')}>
        <h2>${t('checkout.returnTitle')}</h2>
        <form class="find" @submit=${this._submitFind}>
          <input
            name="receipt"
            autocomplete="off"
            aria-label=${t('checkout.receiptNumber')}
            placeholder=${t('checkout.receiptNumber')}
            .value=${this._number}
            @input=${(e: Event) => (this._number = (e.target as HTMLInputElement).value)}
          />
          <button type="submit" ?disabled=${this._busy}>${t('common.search')}</button>
        </form>
        ${this._notFound ? html`<p role="status">${t('checkout.saleNotFound')}</p>` : nothing}
        ${this._sale ? this._lines(this._sale) : nothing}
        ${
          this._sale && !this._result
            ? html`<input
                name="reason"
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
              ${this._result.refund.map((r) => html`<span class="badge">${t(`checkout.tender.${r.method as 'cash'}`)} ${money(r.amount)}</span>`)}
            </p>`
            : nothing
        }
        <hg-error .error=${this._error}></hg-error>
        <div class="actions">
          <button type="button" @click=${this._close}>${this._result ? t('checkout.done') : t('common.cancel')} <kbd>Esc</kbd></button>
          ${
            this._sale
              ? nothing
              : html`<button type="button" data-do="receiptless" @click=${this._receiptless}>${t('counter.receiptlessTitle')}</button>`
          }
          ${
            this._sale && !this._result
              ? html`<button type="button" class="primary" ?disabled=${this._busy || this._chosen().length === 0} @click=${() => this._submit()}>
                ${t('checkout.returnConfirm')}
              </button>`
              : nothing
          }
        </div>
      </section>
    </div>`;
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name="receipt"]')?.focus();
  }

  private _lines(sale: SaleDetail) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<p class="muted">${sale.number} · ${dateTime(sale.at)} · ${money(sale.total)}</p>
      <table>
        <thead>
          <tr>
            <th>${t('checkout.item')}</th>
            <th class="num">${t('checkout.lineTotal')}</th>
            <th class="num">${t('checkout.returnable')}</th>
            <th>${t('checkout.returnQty')}</th>
          </tr>
        </thead>
        <tbody>
          ${sale.lines.map((line) => {
            const returned = sale.returned.find((r) => r.lineId === line.lineId)?.returnedQty ?? 0;
            const left = line.qty - returned;
            return html`<tr>
              <td>${line.name} · ${line.color} / ${line.size}</td>
              <td class="num">${money(line.total)}</td>
              <td class="num">${left}</td>
              <td>
                <input
                  type="number"
                  min="0"
                  max=${left}
                  aria-label=${`${line.name} ${line.color} ${line.size} ${t('checkout.returnQty')}`}
                  .value=${String(this._qty[line.lineId] ?? 0)}
                  ?disabled=${left === 0}
                  @input=${(e: Event) => {
                    const qty = Math.max(
                      0,
                      Math.min(left, Number((e.target as HTMLInputElement).value) || 0),
                    );
                    this._qty = { ...this._qty, [line.lineId]: qty };
                  }}
                />
              </td>
            </tr>`;
          })}
        </tbody>
      </table>`;
  }

  private _chosen(): { skuId: string; qty: number }[] {
    const sale = this._sale;
    if (!sale) return [];
    const bySku = new Map<string, number>();
    for (const line of sale.lines) {
      const qty = this._qty[line.lineId] ?? 0;
      if (qty > 0) bySku.set(line.skuId, (bySku.get(line.skuId) ?? 0) + qty);
    }
    return [...bySku].map(([skuId, qty]) => ({ skuId, qty }));
  }

  private _submitFind(event: Event): void {
    event.preventDefault();
    void this.find(this._number);
  }

  private async _submit(approval?: Approval): Promise<void> {
    const sale = this._sale;
    if (!sale) return;
    this._busy = true;
    this._error = null;
    try {
      this._result = await returnSale(
        this.auth,
        sale.id,
        this._chosen(),
        this._returnId,
        approval,
        this._reason.trim() || undefined,
      );
    } catch (error) {
      askApprovalOr(
        this,
        error,
        approval,
        (a) => this._submitOrThrow(a),
        (e) => (this._error = e),
      );
    } finally {
      this._busy = false;
    }
  }

  private async _submitOrThrow(approval: Approval): Promise<void> {
    await this._submit(approval);
  }

  /** The customer has no receipt: goods back by their tags, with a manager's approval. */
  private _receiptless(): void {
    this.dispatchEvent(new CustomEvent('hg-receiptless', { bubbles: true, composed: true }));
  }

  private _close(): void {
    this.dispatchEvent(new CustomEvent('hg-close', { bubbles: true, composed: true }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-checkout-return': HgCheckoutReturn;
  }
}
