import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import {
  type ExchangeResult,
  exchangeSale,
  type PaymentMethod,
  previewReturn,
  type ReturnPreview,
  type ReturnRequest,
  type ReturnResult,
  returnSale,
  type SaleDetail,
  saleByNumber,
} from '../../data/cart.js';
import { dateTime, money } from '../../data/format.js';
import { type ApiAuth, newRequestId } from '../../data/http.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { askApprovalOr } from './approval-retry.js';
import { ExchangeGoods, exchangedText, exchangeGoodsStyles } from './exchange-goods.js';
import type { Approval } from './hg-checkout-approval.js';
import { returnPreviewView, tenderName } from './return-preview-view.js';
import { dialogStyles } from './styles.js';

/**
 * 退货 and 换货 by receipt number (typed, or the receipt's barcode scanned): find the sale,
 * choose lines and quantities, and the server's preview says what comes back — goods, points,
 * coupons and the refund per tender — before anything is done. The refund goes back where the
 * money came from unless the cashier picks one tender; money beyond what a tender paid, or a
 * return after the shop's return period, asks a manager in place (and the former a reason).
 * In 换货 the new goods are scanned too, the difference shown, and one exchange command
 * returns and sells together: the customer pays the difference or gets it back.
 *
 * @fires hg-approval-needed - `{run(approval), finishes}` when the server answers forbidden.
 * @fires hg-receiptless - the customer has no receipt.
 * @fires hg-close - done or cancelled.
 */
@customElement('hg-checkout-return')
export class HgCheckoutReturn extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    exchangeGoodsStyles,
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
      .preview {
        display: flex;
        flex-wrap: wrap;
        gap: 0.35em 1em;
        align-items: baseline;
        padding: 0.6em 0.8em;
        border-radius: var(--hg-radius);
        background: var(--hg-bg, #f6f3ee);
      }
      .refunds {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5em;
        align-items: baseline;
      }
      .warn {
        color: var(--hg-danger, #b3261e);
        font-weight: 600;
      }
      .sheet[data-mode='exchange'] {
        width: min(1240px, calc(100vw - 2em));
      }
      .columns {
        display: grid;
        grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
        gap: 1.5em;
        align-items: start;
      }
      .column {
        display: flex;
        flex-direction: column;
        gap: 0.75em;
      }
    `,
  ];

  /** The staff session. */
  @property({ attribute: false }) auth!: ApiAuth;
  /** `return`: goods back for money; `exchange`: goods back for other goods (换货). */
  @property() mode: 'return' | 'exchange' = 'return';
  /** Told once the return or exchange is kept (also when a manager's approval finished it). */
  @property({ attribute: false }) finished: (notice: string) => void = () => {};

  @state() private _number = '';
  @state() private _sale: SaleDetail | null = null;
  @state() private _qty: Record<string, number> = {};
  @state() private _result: ReturnResult | null = null;
  @state() private _exchanged: ExchangeResult | null = null;
  @state() private _error: unknown = null;
  @state() private _notFound = false;
  @state() private _busy = false;
  @state() private _reason = '';
  /** Where the refund goes: the sale's own tenders, or all of it to one. */
  @state() private _tender: 'default' | PaymentMethod = 'default';
  @state() private _preview: ReturnPreview | null = null;

  private readonly _i18n = new LocalizeController(this);
  private readonly _goods = new ExchangeGoods(this);
  /** One id per return (and per exchange's new sale), made before the first attempt. */
  private _returnId = newRequestId();
  private _newSaleId = newRequestId();
  /** The preview asked last: an older answer arriving later is dropped. */
  private _asked = 0;

  /** A code scanned while the dialog is open: the receipt, or in 换货 once it is found, a new item. */
  async scan(code: string): Promise<void> {
    if (this.mode === 'exchange' && this._sale && !this._exchanged) await this._addNew(code);
    else await this.find(code);
  }

  /** Finds the sale of a receipt number (also what the receipt's barcode scans as). */
  async find(number: string): Promise<void> {
    this._number = number.trim();
    if (!this._number) return;
    this._busy = true;
    this._error = null;
    this._notFound = false;
    this._result = null;
    this._exchanged = null;
    try {
      this._sale = await saleByNumber(this.auth, this._number);
      this._notFound = this._sale === null;
      this._qty = {};
      this._reason = '';
      this._tender = 'default';
      this._preview = null;
      this._goods.reset();
      this._returnId = newRequestId();
      this._newSaleId = newRequestId();
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const exchange = this.mode === 'exchange';
    const title = exchange ? t('tillReturn.exchangeTitle') : t('checkout.returnTitle');
    const done = this._result !== null || this._exchanged !== null;
    return html`<div class="scrim" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._close()}>
      <section class="sheet" role="dialog" aria-modal="true" aria-label=${title} data-mode=${this.mode}>
        <h2>${title}</h2>
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
        ${this._sale ? (done ? this._lines(this._sale) : this._choices(this._sale)) : nothing}
        ${this._outcome()}
        <hg-error .error=${this._error}></hg-error>
        <div class="actions">
          <button type="button" @click=${this._close}>${done ? t('checkout.done') : t('common.cancel')} <kbd>Esc</kbd></button>
          ${
            this._sale
              ? nothing
              : html`<button type="button" data-do="receiptless" @click=${this._receiptless}>
                ${exchange ? t('receiptlessExchange.noReceipt') : t('counter.receiptlessTitle')}
              </button>`
          }
          ${
            this._sale && !done
              ? html`<button type="button" class="primary" data-do="confirm" ?disabled=${!this._ready()} @click=${() => this._submit()}>
                ${exchange ? t('tillReturn.exchangeConfirm') : t('checkout.returnConfirm')}
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
            return html`<tr data-line=${line.barcode}>
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
                  ?disabled=${left === 0 || this._result !== null || this._exchanged !== null}
                  @input=${(e: Event) => {
                    const qty = Math.max(
                      0,
                      Math.min(left, Number((e.target as HTMLInputElement).value) || 0),
                    );
                    this._qty = { ...this._qty, [line.lineId]: qty };
                    void this._refresh();
                  }}
                />
              </td>
            </tr>`;
          })}
        </tbody>
      </table>`;
  }

  /**
   * The sale's lines, the preview, the refund tender and the reason; in 换货 what comes back and
   * what goes out side by side, so that the sheet fits a till's screen once the refund tender shows.
   */
  private _choices(sale: SaleDetail) {
    const preview = this._preview
      ? returnPreviewView(this._i18n, this._preview, this.mode === 'return')
      : nothing;
    if (this.mode === 'return')
      return html`${this._lines(sale)}${preview}${this._refundTo(sale)}${this._reasonInput()}`;
    return html`<div class="columns">
        <div class="column">${this._lines(sale)}${preview}</div>
        <div class="column" data-column="new">
          ${this._goods.view(this._i18n, { onCode: (code) => void this._addNew(code) })}
          ${this._goods.settlement(this._i18n, this._preview?.refundTotal ?? null, this._payChoices())}
          ${this._refundTo(sale)}
        </div>
      </div>
      ${this._reasonInput()}`;
  }

  /** Where the refund goes; in 换货 only when money goes back to the customer. */
  private _refundTo(sale: SaleDetail) {
    const t = this._i18n.t.bind(this._i18n);
    const difference = this._difference();
    const shown = this.mode === 'exchange' ? difference !== null && difference < 0 : this._preview !== null;
    if (!shown) return nothing;
    return html`<label class="row"
      >${t('tillReturn.refundTo')}
      <select
        name="refundTo"
        .value=${this._tender}
        @change=${(e: Event) => {
          this._tender = (e.target as HTMLSelectElement).value as 'default' | PaymentMethod;
          void this._refresh();
        }}
      >
        <option value="default" ?selected=${this._tender === 'default'}>${t('tillReturn.byTenders')}</option>
        ${this._tenderChoices(sale).map(
          (m) =>
            html`<option value=${m} ?selected=${this._tender === m}>${tenderName(this._i18n, m)}</option>`,
        )}
      </select></label
    >`;
  }

  private _reasonInput() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<input
      name="reason"
      maxlength="200"
      autocomplete="off"
      aria-label=${t('checkout.returnReason')}
      placeholder=${this._needsReason() ? t('tillReturn.reasonNeeded') : t('checkout.returnReason')}
      .value=${this._reason}
      @input=${(e: Event) => (this._reason = (e.target as HTMLInputElement).value)}
    />`;
  }

  private _outcome() {
    const t = this._i18n.t.bind(this._i18n);
    if (this._result) {
      return html`<p role="status" data-refund=${this._result.refundTotal}>
        ${t('checkout.refunded', { number: this._result.number, amount: money(this._result.refundTotal) })}
        ${this._result.refund.map((r) => html`<span class="badge">${tenderName(this._i18n, r.method)} ${money(r.amount)}</span>`)}
      </p>`;
    }
    if (this._exchanged) {
      return html`<p role="status" data-exchanged=${this._exchanged.difference}>${exchangedText(this._i18n, this._exchanged)}</p>`;
    }
    return nothing;
  }

  /** Cash always; the tenders the sale was paid by; stored value when the sale had a member. */
  private _tenderChoices(sale: SaleDetail): PaymentMethod[] {
    const paid = new Set(this._preview?.tenders.map((tender) => tender.method) ?? []);
    const methods: PaymentMethod[] = ['cash', 'card', 'wechat', 'alipay', 'stored_value'];
    return methods.filter(
      (m) => m === 'cash' || paid.has(m) || (m === 'stored_value' && sale.member !== null),
    );
  }

  private _payChoices(): PaymentMethod[] {
    const methods: PaymentMethod[] = ['cash', 'card', 'wechat', 'alipay'];
    return this._sale?.member ? [...methods, 'stored_value'] : methods;
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

  /** New goods − what the goods back are worth (the server's own sum); null until both are known. */
  private _difference(): number | null {
    return this._goods.difference(this._preview?.refundTotal ?? null);
  }

  /** The return's body as previewed and then sent: the refund's tender when one was picked. */
  private _returnBody(refundTotal: number | null): ReturnRequest {
    const reason = this._reason.trim();
    return {
      id: this._returnId,
      lines: this._chosen(),
      ...(this._tender !== 'default' &&
        refundTotal !== null &&
        refundTotal > 0 && { refund: [{ method: this._tender, amount: refundTotal }] }),
      ...(reason && { reason }),
    };
  }

  private _needsReason(): boolean {
    return (this._preview?.beyondTenders.length ?? 0) > 0;
  }

  private _ready(): boolean {
    if (this._busy || !this._preview || this._chosen().length === 0) return false;
    if (this._needsReason() && !this._reason.trim()) return false;
    return this.mode === 'return' || this._goods.quote !== null;
  }

  /**
   * Asks the server what the return would give back: by the sale's own tenders first, then, when
   * the cashier picked one tender, with all of it there (the default's total is what is owed).
   */
  private async _refresh(): Promise<void> {
    const sale = this._sale;
    const asked = ++this._asked;
    if (!sale || this._chosen().length === 0) {
      this._preview = null;
      return;
    }
    this._error = null;
    try {
      let preview = await previewReturn(this.auth, sale.id, this._returnBody(null));
      if (this.mode === 'return' && this._tender !== 'default' && preview.refundTotal > 0) {
        preview = await previewReturn(this.auth, sale.id, this._returnBody(preview.refundTotal));
      }
      if (asked === this._asked) this._preview = preview;
    } catch (error) {
      if (asked === this._asked) {
        this._preview = null;
        this._error = error;
      }
    }
  }

  /** A new item of the exchange scanned or typed: one more of it, priced for the sale's member. */
  private async _addNew(code: string): Promise<void> {
    if (!this._sale) return;
    this._error = null;
    try {
      await this._goods.add(this.auth, code, this._sale.member?.id ?? null);
    } catch (error) {
      this._error = error;
    }
  }

  private _submitFind(event: Event): void {
    event.preventDefault();
    void this.find(this._number);
  }

  private async _submit(approval?: Approval): Promise<void> {
    const sale = this._sale;
    const preview = this._preview;
    if (!sale || !preview) return;
    this._busy = true;
    this._error = null;
    try {
      if (this.mode === 'exchange') await this._exchange(sale, approval);
      else {
        const result = await returnSale(this.auth, sale.id, this._returnBody(preview.refundTotal), approval);
        this._result = result;
        this.finished(
          this._i18n.t('checkout.refunded', { number: result.number, amount: money(result.refundTotal) }),
        );
      }
    } catch (error) {
      askApprovalOr(
        this,
        error,
        approval,
        (a) => this._submitOrThrow(a),
        (e) => (this._error = e),
        true,
      );
    } finally {
      this._busy = false;
    }
  }

  private async _exchange(sale: SaleDetail, approval?: Approval): Promise<void> {
    const { quote } = this._goods;
    const difference = this._difference();
    if (!quote || difference === null) return;
    const reason = this._reason.trim();
    const done = await exchangeSale(
      this.auth,
      sale.id,
      {
        id: this._returnId,
        saleId: this._newSaleId,
        returnLines: this._chosen(),
        lines: this._goods.items,
        payments: difference > 0 ? [{ method: this._goods.payBy, amount: difference }] : [],
        ...(difference < 0 &&
          this._tender !== 'default' && { refund: [{ method: this._tender, amount: -difference }] }),
        expectedTotal: quote.total,
        ...(reason && { reason }),
      },
      approval,
    );
    this._exchanged = done;
    this.finished(exchangedText(this._i18n, done));
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
