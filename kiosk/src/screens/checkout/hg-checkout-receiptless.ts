import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import { type PaymentMethod, type ReturnResult, receiptlessExchange } from '../../data/cart.js';
import { lookupBarcode } from '../../data/catalog.js';
import { money } from '../../data/format.js';
import { type ApiAuth, call, newRequestId } from '../../data/http.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { askApprovalOr } from './approval-retry.js';
import { ExchangeGoods, exchangedText, exchangeGoodsStyles } from './exchange-goods.js';
import type { Approval } from './hg-checkout-approval.js';
import { dialogStyles } from './styles.js';

type Item = { skuId: string; barcode: string; label: string; price: number; qty: number };

/** The tenders a customer pays an exchange's difference with: no member, so no stored value. */
const PAY_CHOICES: readonly PaymentMethod[] = ['cash', 'card', 'wechat', 'alipay'];

/**
 * Goods back without a receipt: the tags are scanned, a reason given, and a cashier always
 * needs a manager for it, asked in place. 无小票退货 (`return`) gives the price in force back in
 * cash; 无小票换货 (`exchange`) sets it against new goods scanned after them, and one exchange
 * command takes the goods back and sells the new ones: the customer pays the difference or
 * gets it back in cash. Enter on an empty field moves on: tags → new goods → reason → confirm.
 *
 * @fires hg-approval-needed - `{run(approval), finishes}` when refused for want of approval.
 * @fires hg-close - done or cancelled.
 */
@customElement('hg-checkout-receiptless')
export class HgCheckoutReceiptless extends LitElement {
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
      /* 换货: what comes back beside what goes out, so the dialog fits a 768-pixel-high till. */
      .sides {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(18em, 1fr));
        gap: 1.5em;
        align-items: start;
      }
      .side {
        display: flex;
        flex-direction: column;
        gap: 0.6em;
      }
      .side p {
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) auth!: ApiAuth;
  /** `return`: the goods back for cash; `exchange`: the goods back for other goods (换货). */
  @property() mode: 'return' | 'exchange' = 'return';
  /** The till is in training: a return or an exchange is practice, kept flagged, nothing moves. */
  @property({ type: Boolean }) training = false;
  /** Told once the return or exchange is kept (also when a manager's approval finished it). */
  @property({ attribute: false }) finished: (notice: string) => void = () => {};

  @state() private _code = '';
  @state() private _items: Item[] = [];
  @state() private _reason = '';
  @state() private _done: { notice: string; refund?: number; difference?: number } | null = null;
  @state() private _error: unknown = null;
  @state() private _busy = false;
  /** Where a scan goes in 换货: the goods coming back, or (once the cashier moved on) the new goods. */
  private _step: 'back' | 'new' = 'back';

  private readonly _i18n = new LocalizeController(this);
  private readonly _goods = new ExchangeGoods(this);
  /** One id per return (and per exchange's new sale), made before the first attempt. */
  private readonly _returnId = newRequestId();
  private readonly _saleId = newRequestId();

  protected override firstUpdated(): void {
    this._focus('input[name="returnTag"]');
  }

  /** A code scanned while the dialog is open: one more of it comes back, or is taken instead. */
  async scan(code: string): Promise<void> {
    if (this._done) return;
    if (this.mode === 'exchange' && this._step === 'new') await this._addNew(code);
    else await this._addBack(code);
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const exchange = this.mode === 'exchange';
    const title = exchange ? t('receiptlessExchange.title') : t('counter.receiptlessTitle');
    const back = this._backValue();
    return html`<div class="scrim" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._close()}>
      <section
        class="sheet"
        role="dialog"
        aria-modal="true"
        aria-label=${title}
        data-mode=${this.mode}
        @focusin=${this._focused}
      >
        <h2>${title}</h2>
        <p class="muted">${exchange ? t('receiptlessExchange.why') : t('counter.receiptlessWhy')}</p>
        ${
          exchange && !this._done
            ? html`<div class="sides">
                <div class="side">${this._backSide(back)}</div>
                <div class="side">
                  ${this._goods.view(this._i18n, {
                    onCode: (code) => void this._addNew(code),
                    onDone: () => this._focus('input[name="receiptlessReason"]'),
                  })}
                </div>
              </div>
              ${this._goods.settlement(this._i18n, this._items.length ? back : null, PAY_CHOICES)}`
            : exchange
              ? nothing
              : this._backSide(back)
        }
        ${
          this._items.length && !this._done
            ? html`<input
                name="receiptlessReason"
                maxlength="200"
                autocomplete="off"
                aria-label=${t('receiptlessExchange.reason')}
                placeholder=${t('receiptlessExchange.reason')}
                .value=${this._reason}
                @input=${(e: Event) => (this._reason = (e.target as HTMLInputElement).value)}
                @keydown=${this._reasonKey}
              />`
            : nothing
        }
        ${
          this._done
            ? html`<p
              role="status"
              data-refund=${this._done.refund ?? nothing}
              data-exchanged=${this._done.difference ?? nothing}
            >${this._done.notice}</p>`
            : nothing
        }
        <hg-error .error=${this._error}></hg-error>
        <div class="actions">
          <button type="button" @click=${this._close}>${this._done ? t('checkout.done') : t('common.cancel')} <kbd>Esc</kbd></button>
          ${this._done ? nothing : this._confirm()}
        </div>
      </section>
    </div>`;
  }

  /** The goods coming back: their scan field (until done), the tags scanned and what they are worth. */
  private _backSide(back: number) {
    const t = this._i18n.t.bind(this._i18n);
    const exchange = this.mode === 'exchange';
    return html`${exchange ? html`<strong>${t('receiptlessExchange.goodsBack')}</strong>` : nothing}
      ${
        this._done
          ? nothing
          : html`<form class="find" @submit=${this._submitCode}>
            <input
              name="returnTag"
              autocomplete="off"
              aria-label=${exchange ? t('receiptlessExchange.scanBack') : t('checkout.manualBarcode')}
              placeholder=${exchange ? t('receiptlessExchange.scanBack') : t('checkout.manualBarcode')}
              .value=${this._code}
              @input=${(e: Event) => (this._code = (e.target as HTMLInputElement).value)}
            />
            <button type="submit">${t('checkout.add')}</button>
          </form>`
      }
      ${
        this._items.length
          ? this._backItems(back)
          : exchange
            ? html`<p class="muted">${t('receiptlessExchange.noGoodsBack')}</p>`
            : nothing
      }`;
  }

  private _backItems(back: number) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<table>
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
      <p>
        <strong>${
          this.mode === 'exchange'
            ? t('receiptlessExchange.backValue', { amount: money(back) })
            : t('counter.receiptlessRefund', { amount: money(back) })
        }</strong>
      </p>`;
  }

  private _confirm() {
    const t = this._i18n.t.bind(this._i18n);
    const ready = !this._busy && this._items.length > 0 && this._reason.trim() !== '';
    return this.mode === 'exchange'
      ? html`<button
          type="button"
          class="primary"
          data-do="confirm"
          ?disabled=${!ready || this._goods.quote === null}
          @click=${() => this._submit()}
        >
          ${t('tillReturn.exchangeConfirm')}
        </button>`
      : html`<button
          type="button"
          class="primary"
          data-do="receiptless"
          ?disabled=${!ready}
          @click=${() => this._submit()}
        >
          ${t('checkout.returnConfirm')}
        </button>`;
  }

  /** What the goods back are worth at the price in force (the server values them the same way). */
  private _backValue(): number {
    return this._items.reduce((sum, item) => sum + item.price * item.qty, 0);
  }

  private async _addBack(code: string): Promise<void> {
    const barcode = code.trim();
    if (!barcode) return;
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

  private async _addNew(code: string): Promise<void> {
    this._error = null;
    try {
      await this._goods.add(this.auth, code, null);
    } catch (error) {
      this._error = error;
    }
  }

  /** A tag entered; Enter on the empty field means every tag is in: on to the new goods (换货) or the reason. */
  private _submitCode(event: Event): void {
    event.preventDefault();
    const code = this._code;
    this._code = '';
    if (code.trim()) void this._addBack(code);
    else if (this.mode === 'exchange') this._focus('input[name="newBarcode"]');
    else this._focus('input[name="receiptlessReason"]');
  }

  /** Enter on the reason: on to the confirm key. */
  private readonly _reasonKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    this._focus(this.mode === 'exchange' ? 'button[data-do="confirm"]' : 'button[data-do="receiptless"]');
  };

  private _focus(selector: string): void {
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** The scan field the cashier is in says where the next scan goes. */
  private readonly _focused = (event: FocusEvent): void => {
    const name = (event.target as Element).getAttribute('name');
    if (name === 'returnTag') this._step = 'back';
    else if (name === 'newBarcode') this._step = 'new';
  };

  private async _submit(approval?: Approval): Promise<void> {
    if (this._items.length === 0 || !this._reason.trim()) return;
    this._busy = true;
    this._error = null;
    try {
      if (this.mode === 'exchange') await this._exchange(approval);
      else await this._return(approval);
    } catch (error) {
      // Approved, the goods are back and the money settled: the sale screen comes back.
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

  private async _return(approval?: Approval): Promise<void> {
    const result = await call<ReturnResult>(this.auth, 'POST', '/api/returns', {
      body: {
        id: this._returnId,
        lines: this._items.map((item) => ({ skuId: item.skuId, qty: item.qty })),
        reason: this._reason.trim(),
        training: this.training,
      },
      ...(approval && { approval }),
    });
    const notice = this._i18n.t('checkout.refunded', {
      number: result.number,
      amount: money(result.refundTotal),
    });
    this._done = { notice, refund: result.refundTotal };
    this.finished(notice);
  }

  private async _exchange(approval?: Approval): Promise<void> {
    const { quote } = this._goods;
    const difference = this._goods.difference(this._backValue());
    if (!quote || difference === null) return;
    const done = await receiptlessExchange(
      this.auth,
      {
        id: this._returnId,
        saleId: this._saleId,
        returnLines: this._items.map((item) => ({ skuId: item.skuId, qty: item.qty })),
        lines: this._goods.items,
        payments: difference > 0 ? [{ method: this._goods.payBy, amount: difference }] : [],
        expectedTotal: quote.total,
        reason: this._reason.trim(),
        training: this.training,
      },
      approval,
    );
    const notice = exchangedText(this._i18n, done);
    this._done = { notice, difference: done.difference };
    this.finished(notice);
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
