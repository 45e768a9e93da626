import { html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import type { HangerConnection } from '../../connection/connection.js';
import { money, parseYuan } from '../../data/format.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { askApprovalOr } from './approval-retry.js';
import type { Approval } from './hg-checkout-approval.js';
import { dialogStyles } from './styles.js';

/** 存款 (cash put in), 取款 (paid out of the drawer), or 开钱箱 (open it without a sale). */
export type CashTask = 'cash_in' | 'paid_out' | 'drawer';

/**
 * Cash moved outside a sale, always with a reason: into or out of the drawer (booked on the
 * open shift, audited), or the drawer opened without a sale (a manager approves a cashier's).
 *
 * @fires hg-approval-needed - `{run(approval)}` when opening the drawer needs approval.
 * @fires hg-close - done.
 */
@customElement('hg-checkout-cash')
export class HgCheckoutCash extends LitElement {
  static override styles = [controls, dialogStyles];

  @property({ attribute: false }) connection!: HangerConnection;
  @property() task: CashTask = 'cash_in';

  @state() private _amount = '';
  @state() private _reason = '';
  @state() private _done = '';
  @state() private _error: unknown = null;
  @state() private _busy = false;

  private readonly _i18n = new LocalizeController(this);

  protected override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('input')?.focus();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const drawer = this.task === 'drawer';
    const amount = parseYuan(this._amount);
    const ready = this._reason.trim() !== '' && (drawer || (amount !== null && amount > 0));
    return html`<div class="scrim" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._close()}>
      <form class="sheet" role="dialog" aria-modal="true" aria-label=${t(`counter.cash.${this.task}`)} @submit=${this._submit}>
        <h2>${t(`counter.cash.${this.task}`)}</h2>
        ${
          drawer
            ? nothing
            : html`<div class="actions" role="radiogroup" style="justify-content:flex-start">
              ${(['cash_in', 'paid_out'] as const).map(
                (task) =>
                  html`<button type="button" role="radio" aria-checked=${String(this.task === task)} class=${this.task === task ? 'primary' : ''} @click=${() => (this.task = task)}>
                    ${t(`counter.cash.${task}`)}
                  </button>`,
              )}
            </div>
            <label>
              ${t('counter.cashAmount')}
              <input
                name="cashAmount"
                inputmode="decimal"
                autocomplete="off"
                .value=${this._amount}
                @input=${(e: Event) => (this._amount = (e.target as HTMLInputElement).value)}
              />
            </label>`
        }
        <label>
          ${t('counter.cashReason')}
          <input
            name="cashReason"
            maxlength="200"
            autocomplete="off"
            .value=${this._reason}
            @input=${(e: Event) => (this._reason = (e.target as HTMLInputElement).value)}
          />
        </label>
        ${this._done ? html`<p role="status" data-done>${this._done}</p>` : nothing}
        <hg-error .error=${this._error}></hg-error>
        <div class="actions">
          <button type="button" @click=${this._close}>${this._done ? t('checkout.done') : t('common.cancel')} <kbd>Esc</kbd></button>
          <button type="submit" class="primary" ?disabled=${this._busy || !ready || Boolean(this._done)}>
            ${t(drawer ? 'counter.openDrawer' : 'counter.cashConfirm')} <kbd>⏎</kbd>
          </button>
        </div>
      </form>
    </div>`;
  }

  private _submit(event: Event): void {
    event.preventDefault();
    if (!this._done) void this._send();
  }

  private async _send(approval?: Approval): Promise<void> {
    const reason = this._reason.trim();
    const amount = parseYuan(this._amount);
    if (!reason || this._busy) return;
    this._busy = true;
    this._error = null;
    const t = this._i18n.t.bind(this._i18n);
    try {
      if (this.task === 'drawer') {
        await this.connection.request('drawer/open', { reason }, approval ? { approval } : {});
        this._done = t('counter.drawerOpened');
      } else if (amount !== null && amount > 0) {
        const report = await this.connection.request('shift/cash', { kind: this.task, amount, reason });
        this._done = t('counter.cashDone', { amount: money(amount), expected: money(report.cash.expected) });
      }
    } catch (error) {
      // An approved drawer opening is done: the drawer springs open, the sale comes back.
      askApprovalOr(
        this,
        error,
        approval,
        (a) => this._send(a),
        (e) => (this._error = e),
        this.task === 'drawer',
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
    'hg-checkout-cash': HgCheckoutCash;
  }
}
