import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { controls } from '../../../components/styles.js';
import { dateTime, money } from '../../../data/format.js';
import {
  type ProviderReconciliation,
  type ReconciliationLine,
  type ReconciliationTotals,
  type ReconciliationView,
  reconciliation,
} from '../../../data/reconciliation.js';
import type { MessageKey } from '../../../i18n/catalogue.js';
import { AdminSection, formValues, sectionStyles } from '../context.js';

/** The differences that leave money where it should not be: shown in red. */
const URGENT = new Set(['missing_in_shop', 'not_paid_in_shop', 'cancelled_at_provider']);
const KNOWN_WHY = new Set(['hash_mismatch']);

/**
 * 对账: a day's WeChat Pay and Alipay payments and refunds against the providers' statements.
 * Opening it asks for yesterday (the providers' bills are made after 10:00 the next day); each
 * provider shows both sides' totals and every difference with what to do about it.
 */
@customElement('hg-admin-reconciliation')
export class HgAdminReconciliation extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      table.totals td,
      table.totals th,
      table.lines td.amount {
        font-variant-numeric: tabular-nums;
      }
      table.totals td,
      table.totals th {
        text-align: right;
      }
      table.totals th:first-child {
        text-align: left;
      }
      .state {
        color: var(--hg-muted);
      }
      .all-agree {
        color: var(--hg-ok);
        font-weight: 600;
      }
      tr.urgent td:first-child {
        color: var(--hg-danger, #b3261e);
        font-weight: 600;
      }
      td.what {
        font-size: 0.9em;
        max-width: 28em;
      }
      code {
        font-size: 0.85em;
        overflow-wrap: anywhere;
      }
    `,
  ];

  /** Empty until the server named the day it picked (yesterday by its clock). */
  @state() private _date = '';
  @state() private _view: ReconciliationView | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <h2>${t('admin.nav.reconciliation')}</h2>
      <section class="card">
        <form class="grid" @submit=${this._pick}>
          <label>${t('reconciliation.date')}
            <input type="date" name="date" required .value=${this._date} /></label>
          <div class="actions">
            <button type="submit" class="primary" ?disabled=${this._busy}>${t('reconciliation.show')}</button>
          </div>
        </form>
        <p class="state">${t('reconciliation.hint')}</p>
      </section>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._view?.providers.map((p) => this._provider(p)) ?? nothing}
    `;
  }

  private _provider(p: ProviderReconciliation) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" data-provider=${p.provider}>
      <h3>${t(`reconciliation.provider.${p.provider}`)}${
        p.aggregator ? html` <small>${t('upayStatement.through')}</small>` : nothing
      }</h3>
      ${p.state === 'ready' ? this._ready(p) : html`<p class="state" role="status">${this._notThere(p)}</p>`}
    </section>`;
  }

  private _notThere(p: ProviderReconciliation): string {
    const t = this._i18n.t.bind(this._i18n);
    if (p.state === 'not_ready') return t('reconciliation.notReady', { time: dateTime(p.readyAt) });
    // 收钱吧 offers no statement to download by API: its bill is in its merchant back office.
    if (p.state === 'no_statement' && p.aggregator === 'upay') return t('upayStatement.backOffice');
    if (p.state === 'no_statement') return t('reconciliation.noStatement');
    return p.why && KNOWN_WHY.has(p.why)
      ? t(`reconciliation.unavailable.${p.why as 'hash_mismatch'}`)
      : t('reconciliation.unavailable.other');
  }

  private _ready(p: ProviderReconciliation) {
    const t = this._i18n.t.bind(this._i18n);
    const row = (label: string, totals: ReconciliationTotals | undefined) =>
      totals
        ? html`<tr><th scope="row">${label}</th><td>${totals.payments}</td><td>${money(totals.paid)}</td>
            <td>${totals.refunds}</td><td>${money(totals.refunded)}</td></tr>`
        : nothing;
    return html`<table class="totals">
        <thead><tr><th></th><th>${t('reconciliation.payments')}</th><th>${t('reconciliation.paid')}</th>
          <th>${t('reconciliation.refunds')}</th><th>${t('reconciliation.refunded')}</th></tr></thead>
        <tbody>${row(t('reconciliation.shop'), p.shop)}${row(t('reconciliation.statement'), p.statement)}</tbody>
      </table>
      <p class=${p.lines.length === 0 ? 'all-agree' : 'state'} role="status">${
        p.lines.length === 0
          ? t('reconciliation.allAgree', { count: p.matched })
          : t('reconciliation.someDiffer', { matched: p.matched, count: p.lines.length })
      }</p>
      ${p.lines.length === 0 ? nothing : this._lines(p.lines)}`;
  }

  private _lines(lines: ReconciliationLine[]) {
    const t = this._i18n.t.bind(this._i18n);
    const amount = (fen: number | undefined) => (fen === undefined ? '—' : money(fen));
    const status = (s: string | undefined) =>
      s === undefined ? '' : t(`reconciliation.status.${s}` as MessageKey);
    return html`<table class="lines">
      <thead><tr><th>${t('reconciliation.kind')}</th><th>${t('reconciliation.number')}</th>
        <th>${t('reconciliation.shop')}</th><th>${t('reconciliation.statement')}</th>
        <th>${t('reconciliation.at')}</th><th>${t('reconciliation.what')}</th></tr></thead>
      <tbody>${lines.map(
        (line) => html`<tr class=${URGENT.has(line.kind) ? 'urgent' : ''} data-kind=${line.kind}>
          <td>${t(`reconciliation.kindName.${line.kind}`)}</td>
          <td><code>${line.outRefundNo ?? line.outTradeNo}</code></td>
          <td class="amount">${amount(line.shopAmount)} ${status(line.shopStatus)}</td>
          <td class="amount">${amount(line.providerAmount)} ${status(line.providerStatus)}</td>
          <td>${line.at ? dateTime(line.at) : '—'}</td>
          <td class="what">${t(`reconciliation.todo.${line.kind}`)}</td>
        </tr>`,
      )}</tbody>
    </table>`;
  }

  private _pick(event: Event): void {
    event.preventDefault();
    this._date = formValues(event.target as HTMLFormElement).date || this._date;
    void this._load();
  }

  private async _load(): Promise<void> {
    this._view = null;
    const view = await this._run(() => reconciliation(this.ctx.auth, this._date || undefined));
    if (view) {
      this._view = view;
      this._date = view.date;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-reconciliation': HgAdminReconciliation;
  }
}
