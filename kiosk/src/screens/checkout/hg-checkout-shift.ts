import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../components/hg-error.js';
import { controls } from '../../components/styles.js';
import type { HangerConnection } from '../../connection/connection.js';
import { RequestError } from '../../connection/errors.js';
import { type ShiftReport, shift } from '../../data/cart.js';
import { count, dateTime, money, parseYuan } from '../../data/format.js';
import { LocalizeController } from '../../i18n/localize-controller.js';
import { dialogStyles } from './styles.js';

/**
 * The shift on this terminal: open it with the float, read the X report at any time, close it
 * with the counted cash (expected, counted, variance). The Z report is on the admin page.
 *
 * @fires hg-close - done.
 */
@customElement('hg-checkout-shift')
export class HgCheckoutShift extends LitElement {
  static override styles = [
    controls,
    dialogStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 0.2em 1em;
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
      dd {
        margin: 0;
        text-align: end;
      }
      .short {
        color: var(--hg-danger);
        font-weight: 700;
      }
    `,
  ];

  /** The staff member's connection. */
  @property({ attribute: false }) connection!: HangerConnection;

  @state() private _report: ShiftReport | null = null;
  @state() private _none = false;
  @state() private _amount = '';
  @state() private _error: unknown = null;
  @state() private _busy = false;

  private readonly _i18n = new LocalizeController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const report = this._report;
    const open = report?.status === 'open';
    return html`<div class="scrim" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this._close()}>
      <section class="sheet" role="dialog" aria-modal="true" aria-label=${t('checkout.shiftTitle')}>
        <h2>${t('checkout.shiftTitle')}</h2>
        ${this._none ? html`<p>${t('checkout.noShift')}</p>` : nothing}
        ${report ? this._x(report) : nothing}
        ${
          this._none || open
            ? html`<form class="row" @submit=${this._submit}>
              <label>
                ${open ? t('checkout.countedCash') : t('checkout.openingFloat')}
                <input
                  name="cash"
                  inputmode="decimal"
                  autocomplete="off"
                  .value=${this._amount}
                  @input=${(e: Event) => (this._amount = (e.target as HTMLInputElement).value)}
                />
              </label>
              <button type="submit" class="primary" ?disabled=${this._busy || parseYuan(this._amount) === null}>
                ${open ? t('checkout.closeShift') : t('checkout.openShift')}
              </button>
            </form>`
            : nothing
        }
        <hg-error .error=${this._error}></hg-error>
        <div class="actions"><button type="button" @click=${this._close}>${t('checkout.done')} <kbd>Esc</kbd></button></div>
      </section>
    </div>`;
  }

  protected override updated(): void {
    const field = this.renderRoot.querySelector<HTMLInputElement>('input[name="cash"]');
    if (field && !this._focused) {
      this._focused = true;
      field.focus();
    }
  }

  private _focused = false;

  private _x(report: ShiftReport) {
    const t = this._i18n.t.bind(this._i18n);
    const { takings, cash } = report;
    return html`<p class="muted">
        ${report.status === 'open' ? t('checkout.xReport') : t('checkout.shiftClosed')} · ${t('checkout.openedAt')} ${dateTime(report.openedAt)}
      </p>
      <dl data-shift=${report.status}>
        <dt>${t('checkout.salesCount')}</dt><dd data-sales=${takings.sales.count}>${count(takings.sales.count)}</dd>
        <dt>${t('checkout.salesTotal')}</dt><dd>${money(takings.sales.total)}</dd>
        <dt>${t('checkout.discountsGiven')}</dt><dd>${money(takings.sales.discounts)}</dd>
        <dt>${t('checkout.refundsGiven')}</dt><dd>${money(takings.returns.refunds)}</dd>
        ${Object.entries(takings.payments).map(
          ([method, amount]) =>
            html`<dt>${t(`checkout.tender.${method as 'cash'}`)}</dt><dd>${money(amount)}</dd>`,
        )}
        <dt>${t('checkout.openingFloat')}</dt><dd>${money(cash.float)}</dd>
        <dt><strong>${t('checkout.expectedCash')}</strong></dt><dd data-expected=${cash.expected}><strong>${money(cash.expected)}</strong></dd>
        ${
          cash.counted !== null
            ? html`<dt>${t('checkout.countedCash')}</dt><dd>${money(cash.counted)}</dd>
              ${this._variance(cash.variance ?? 0)}`
            : nothing
        }
      </dl>`;
  }

  /** The difference as the shop says it: 长款 more cash than expected, 短款 less. */
  private _variance(variance: number) {
    const t = this._i18n.t.bind(this._i18n);
    const label =
      variance > 0 ? t('counter.over') : variance < 0 ? t('counter.short') : t('counter.balanced');
    return html`<dt>${t('checkout.variance')} · <span data-variance-label>${label}</span></dt>
      <dd class=${variance < 0 ? 'short' : ''} data-variance=${variance}>${money(Math.abs(variance))}</dd>`;
  }

  private async _load(): Promise<void> {
    try {
      this._report = await shift.current(this.connection);
      this._none = false;
    } catch (error) {
      if (error instanceof RequestError && error.code === 'not_found') this._none = true;
      else this._error = error;
    }
  }

  private async _submit(event: Event): Promise<void> {
    event.preventDefault();
    const amount = parseYuan(this._amount);
    if (amount === null) return;
    this._busy = true;
    this._error = null;
    try {
      const open = this._report?.status === 'open';
      this._report = open
        ? await shift.close(this.connection, amount)
        : await shift.open(this.connection, amount);
      this._none = false;
      this._amount = '';
    } catch (error) {
      this._error = error;
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
    'hg-checkout-shift': HgCheckoutShift;
  }
}
