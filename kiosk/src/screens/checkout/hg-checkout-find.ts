import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import type { HangerConnection } from '../../connection/connection.js';
import type { SaleDetail } from '../../data/cart.js';
import {
  reprint,
  type SaleSummary,
  saleById,
  salesBy,
  salesOfToday,
  thisTerminal,
  voidSale,
} from '../../data/counter.js';
import { dateTime, money, parseYuan } from '../../data/format.js';
import type { ApiAuth } from '../../data/http.js';
import { findMembers } from '../../data/members.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { askApprovalOr } from './approval-retry.js';
import type { Approval } from './hg-checkout-approval.js';
import { MOBILE } from './scan-shape.js';
import { dialogStyles } from './styles.js';

/** A receipt number has letters or dashes (S001-20261124-0042); digits alone are an amount. */
const RECEIPT_NUMBER = /[A-Za-z-]/;

/**
 * 查单: today's sales on this till (or the whole store), narrowed by receipt number, the
 * member's phone or the amount; a sale found opens into 补打, 退货, 换货 and 作废.
 *
 * @fires hg-return - `{number}`: take goods of this sale back.
 * @fires hg-exchange - `{number}`: exchange goods of this sale for others.
 * @fires hg-approval-needed - `{run(approval)}` when the void is refused for want of approval.
 * @fires hg-close - done.
 */
@customElement('hg-checkout-find')
export class HgCheckoutFind extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    css`
      form.find {
        display: flex;
        gap: 0.5em;
        flex-wrap: wrap;
      }
      form.find input {
        flex: 1;
        min-width: 12em;
      }
      .list {
        max-height: 40vh;
        overflow: auto;
      }
      tr[data-sale] {
        cursor: pointer;
      }
      tr[aria-selected='true'] {
        background: color-mix(in srgb, var(--hg-accent, #0b57d0) 12%, transparent);
      }
      .voided {
        color: var(--hg-danger);
      }
    `,
  ];

  @property({ attribute: false }) auth!: ApiAuth;
  @property({ attribute: false }) connection!: HangerConnection;

  @state() private _scope: 'till' | 'store' = 'till';
  @state() private _query = '';
  @state() private _sales: SaleSummary[] = [];
  @state() private _sale: SaleDetail | null = null;
  @state() private _reason = '';
  @state() private _voiding = false;
  @state() private _notice = '';
  @state() private _error: unknown = null;
  @state() private _busy = false;

  private readonly _i18n = new LocalizeController(this);
  private _terminalId: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._search();
  }

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input[name="saleQuery"]')?.focus();
  }

  /** A receipt's barcode scanned while the dialog is open. */
  async find(code: string): Promise<void> {
    this._query = code.trim();
    await this._search();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<div class="scrim" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._close()}>
      <section class="sheet" role="dialog" aria-modal="true" aria-label=${t('counter.findTitle')}>
        <h2>${t('counter.findTitle')}</h2>
        <form class="find" @submit=${this._submit}>
          <input
            name="saleQuery"
            autocomplete="off"
            aria-label=${t('counter.findQuery')}
            placeholder=${t('counter.findQuery')}
            .value=${this._query}
            @input=${(e: Event) => (this._query = (e.target as HTMLInputElement).value)}
          />
          <button type="submit" ?disabled=${this._busy}>${t('common.search')}</button>
          <button type="button" data-scope=${this._scope} aria-pressed=${String(this._scope === 'store')} @click=${this._toggleScope}>
            ${this._scope === 'till' ? t('counter.scopeTill') : t('counter.scopeStore')}
          </button>
        </form>
        ${this._list()} ${this._sale ? this._detail(this._sale) : nothing}
        ${this._notice ? html`<p role="status" data-notice>${this._notice}</p>` : nothing}
        <hg-error .error=${this._error}></hg-error>
        <div class="actions">
          <button type="button" @click=${this._close}>${t('checkout.done')} <kbd>Esc</kbd></button>
        </div>
      </section>
    </div>`;
  }

  private _list() {
    const t = this._i18n.t.bind(this._i18n);
    if (this._busy && this._sales.length === 0) return nothing;
    if (this._sales.length === 0) return html`<p role="status">${t('counter.noSales')}</p>`;
    return html`<div class="list">
      <table>
        <thead>
          <tr>
            <th>${t('checkout.saleNumber')}</th>
            <th>${t('counter.time')}</th>
            <th class="num">${t('checkout.total')}</th>
            <th>${t('counter.status')}</th>
          </tr>
        </thead>
        <tbody>
          ${this._sales.map(
            (sale) => html`<tr
              data-sale=${sale.number}
              aria-selected=${String(this._sale?.id === sale.id)}
              tabindex="0"
              @click=${() => this._open(sale.id)}
              @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this._open(sale.id)}
            >
              <td>${sale.number}</td>
              <td>${dateTime(sale.at)}</td>
              <td class="num">${money(sale.total)}</td>
              <td class=${sale.status === 'voided' ? 'voided' : ''}>
                ${sale.status === 'voided' ? t('counter.voided') : t('counter.completed')}
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private _detail(sale: SaleDetail) {
    const t = this._i18n.t.bind(this._i18n);
    const voided = sale.status === 'voided';
    return html`<section aria-label=${sale.number} data-detail=${sale.number}>
      <p>
        <strong>${sale.number}</strong> · ${dateTime(sale.at)} · ${money(sale.total)}
        ${voided ? html`<span class="badge voided">${t('counter.voided')}</span>` : nothing}
      </p>
      <p class="muted">
        ${sale.lines.map((line) => `${line.name} ${line.color}/${line.size} ×${line.qty}`).join('，')}
      </p>
      ${
        this._voiding
          ? html`<form class="find" @submit=${this._submitVoid}>
              <input
                name="voidReason"
                maxlength="200"
                autocomplete="off"
                aria-label=${t('counter.voidReason')}
                placeholder=${t('counter.voidReason')}
                .value=${this._reason}
                @input=${(e: Event) => (this._reason = (e.target as HTMLInputElement).value)}
              />
              <button type="submit" class="primary" ?disabled=${this._busy || !this._reason.trim()}>
                ${t('counter.voidConfirm')}
              </button>
            </form>`
          : html`<div class="actions">
              <button type="button" data-do="reprint" @click=${() => this._reprint(sale)}>${t('counter.reprint')}</button>
              <button type="button" data-do="return" ?disabled=${voided} @click=${() => this._hand('hg-return', sale)}>
                ${t('checkout.action.return')}
              </button>
              <button type="button" data-do="exchange" ?disabled=${voided} @click=${() => this._hand('hg-exchange', sale)}>
                ${t('tillReturn.exchangeKey')}
              </button>
              <button type="button" data-do="void" ?disabled=${voided} @click=${this._startVoid}>${t('counter.void')}</button>
            </div>`
      }
    </section>`;
  }

  private _toggleScope(): void {
    this._scope = this._scope === 'till' ? 'store' : 'till';
    void this._search();
  }

  private _submit(event: Event): void {
    event.preventDefault();
    void this._search();
  }

  /** What the cashier typed: a receipt number, a member's mobile, an amount, or nothing (all of today). */
  private async _search(): Promise<void> {
    const query = this._query.trim();
    this._busy = true;
    this._error = null;
    this._notice = '';
    this._sale = null;
    this._voiding = false;
    try {
      let sales: SaleSummary[];
      if (query && RECEIPT_NUMBER.test(query)) {
        sales = await salesBy(this.auth, { number: query });
      } else if (MOBILE.test(query)) {
        const member = (await findMembers(this.auth, { phone: query }))[0];
        sales = member ? await salesBy(this.auth, { memberId: member.id }) : [];
      } else {
        sales = await this._today();
        const amount = query ? parseYuan(query) : null;
        if (amount !== null) sales = sales.filter((sale) => sale.total === amount);
      }
      this._sales = sales.filter((sale) => !sale.training);
      const only = this._sales.length === 1 ? this._sales[0] : undefined;
      if (only) await this._open(only.id);
    } catch (error) {
      this._error = error;
    } finally {
      this._busy = false;
    }
  }

  /** Today's sales of this till, or of the store. */
  private async _today(): Promise<SaleSummary[]> {
    this._terminalId ??= await thisTerminal(this.connection);
    const sales = await salesOfToday(this.auth);
    return this._scope === 'till' ? sales.filter((sale) => sale.terminalId === this._terminalId) : sales;
  }

  private async _open(id: string): Promise<void> {
    this._error = null;
    this._notice = '';
    this._voiding = false;
    try {
      this._sale = await saleById(this.auth, id);
    } catch (error) {
      this._error = error;
    }
  }

  private async _reprint(sale: SaleDetail): Promise<void> {
    this._error = null;
    try {
      await reprint(this.connection, sale.id);
      this._notice = this._i18n.t('counter.reprinted', { number: sale.number });
    } catch (error) {
      this._error = error;
    }
  }

  private _hand(type: 'hg-return' | 'hg-exchange', sale: SaleDetail): void {
    this.dispatchEvent(
      new CustomEvent(type, { detail: { number: sale.number }, bubbles: true, composed: true }),
    );
  }

  private _startVoid(): void {
    this._voiding = true;
    this._reason = '';
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLInputElement>('input[name="voidReason"]')?.focus(),
    );
  }

  private _submitVoid(event: Event): void {
    event.preventDefault();
    void this._void();
  }

  /** 作废, asking a manager in place when the cashier may not void alone. */
  private async _void(approval?: Approval): Promise<void> {
    const sale = this._sale;
    if (!sale || !this._reason.trim()) return;
    this._busy = true;
    this._error = null;
    try {
      this._sale = await voidSale(this.auth, sale.id, this._reason.trim(), approval);
      this._voiding = false;
      this._notice = this._i18n.t('counter.voidDone', { number: sale.number });
      this._sales = this._sales.map((s) => (s.id === sale.id ? { ...s, status: 'voided' } : s));
    } catch (error) {
      askApprovalOr(
        this,
        error,
        approval,
        (a) => this._void(a),
        (e) => (this._error = e),
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
    'hg-checkout-find': HgCheckoutFind;
  }
}
