import { css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { type DayReport, dayReport } from '../../../data/cart.js';
import { count, dateTime, money, storeToday } from '../../../data/format.js';
import type { StoreList } from '../../../data/stores.js';
import type { MessageKey } from '../../../i18n/index.js';
import { AdminSection, sectionStyles } from '../context.js';

/**
 * A store's day (Z) report for a chosen day: takings, tenders, each till and the shifts with
 * their over/short. Head office picks any store of the chain; a branch sees its own.
 */
@customElement('hg-admin-day-report')
export class HgAdminDayReport extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75em;
        align-items: end;
        margin-bottom: 0.75em;
      }
      form label {
        display: flex;
        flex-direction: column;
        gap: 0.25em;
      }
      .figures {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(13em, 1fr));
        gap: 1em;
        align-items: start;
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  /** The chain's stores and whether this sign-in reads every one of them. */
  @property({ attribute: false }) stores!: StoreList;

  @state() private _day = storeToday();
  @state() private _store = '';
  @state() private _report: DayReport | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  private async _load(): Promise<void> {
    const report = await this._run(() => dayReport(this.ctx.auth, this._day, this._store || undefined));
    if (report) this._report = report;
  }

  private _tender(method: string): string {
    const key = `reports.value.${method}` as MessageKey;
    const text = this._i18n.t(key);
    return text === key ? method : text;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const here = this.stores.store;
    return html`<section class="card" data-day-report>
      <h3>${t('chain.day.title')}</h3>
      <form @submit=${this._submit}>
        ${
          this.stores.allStores
            ? html`<label>${t('chain.store')}
                <select name="store">
                  ${this.stores.items.map(
                    (store) => html`<option value=${store.code === here ? '' : store.code}
                      ?selected=${(this._store || here) === store.code}>${t('chain.storeOf', { name: store.name, code: store.code })}</option>`,
                  )}
                </select>
              </label>`
            : nothing
        }
        <label>${t('chain.day.date')}<input type="date" name="day" .value=${this._day} required /></label>
        <button type="submit" ?disabled=${this._busy}>${t('chain.day.show')}</button>
      </form>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._report ? this._body(this._report) : nothing}
    </section>`;
  }

  private _body(report: DayReport) {
    const t = this._i18n.t.bind(this._i18n);
    const takings = report.store;
    const tenders = Object.entries(takings.payments);
    return html`<div class="figures" data-day=${report.day}>
        <div>
          <p><strong data-day-total=${takings.sales.total}>${t('chain.day.total')} ${money(takings.sales.total)}</strong></p>
          <p>${t('chain.day.sales', { count: count(takings.sales.count) })} · ${t('chain.day.discounts')} ${money(takings.sales.discounts)}</p>
          <p>${t('chain.day.voids', { count: count(takings.voids.count) })} · ${t('chain.day.returns', { count: count(takings.returns.count) })} · ${t('chain.day.refunds')} ${money(takings.returns.refunds)}</p>
          <p>${t('chain.day.netCash')} ${money(takings.netCash)}</p>
        </div>
        <table>
          <thead><tr><th>${t('chain.day.payments')}</th><th class="n">${t('chain.day.total')}</th></tr></thead>
          <tbody>${tenders.map(([method, fen]) => html`<tr><td>${this._tender(method)}</td><td class="n">${money(fen)}</td></tr>`)}</tbody>
        </table>
        ${
          report.terminals.length === 0
            ? nothing
            : html`<table>
          <thead><tr><th>${t('chain.day.terminal')}</th><th class="n">${t('chain.day.total')}</th><th class="n">${t('chain.day.netCash')}</th></tr></thead>
          <tbody>${report.terminals.map(
            (till) =>
              html`<tr><td>${till.name}</td><td class="n">${money(till.takings.sales.total)}</td><td class="n">${money(till.takings.netCash)}</td></tr>`,
          )}</tbody>
        </table>`
        }
      </div>
      <h3>${t('chain.day.shifts')}</h3>
      ${
        report.shifts.length === 0
          ? html`<p class="empty">${t('chain.day.noShifts')}</p>`
          : html`<table>
              <thead><tr><th>${t('chain.day.terminal')}</th><th>${t('chain.day.opened')}</th><th>${t('chain.day.closed')}</th><th class="n">${t('chain.day.variance')}</th></tr></thead>
              <tbody>${report.shifts.map(
                (shift) => html`<tr>
                  <td>${report.terminals.find((till) => till.terminalId === shift.terminalId)?.name ?? ''}</td>
                  <td>${dateTime(shift.openedAt)}</td>
                  <td>${shift.closedAt ? dateTime(shift.closedAt) : t('chain.day.open')}</td>
                  <td class="n">${shift.variance === null ? '—' : money(shift.variance)}</td>
                </tr>`,
              )}</tbody>
            </table>`
      }`;
  }

  private _submit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    this._day = String(data.get('day'));
    if (this.stores.allStores) this._store = String(data.get('store') ?? '');
    void this._load();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-day-report': HgAdminDayReport;
  }
}
