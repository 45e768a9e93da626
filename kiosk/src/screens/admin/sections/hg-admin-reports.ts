import type { ChartConfiguration } from 'chart.js';
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import { listCategories } from '../../../data/catalog.js';
import { count, money, onStoreZoneChanged, storeToday } from '../../../data/format.js';
import {
  type DayRange,
  type Report,
  type ReportCell,
  type ReportColumn,
  type ReportName,
  report,
  reportFile,
  salesByStore,
  TABLE_REPORTS,
} from '../../../data/reports.js';
import { type StoreList, storeList } from '../../../data/stores.js';
import type { MessageKey } from '../../../i18n/index.js';
import { AdminSection, download, sectionStyles } from '../context.js';
import './hg-admin-day-report.js';
import { CHART_COLOURS } from '../hg-chart.js';

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/** The last `days` store days, today (in the shop's zone) the last of them. */
function lastDays(days: number): DayRange {
  const to = storeToday();
  return { from: daysBefore(to, days - 1), to };
}

const num = (cell: ReportCell | undefined): number => Number(cell ?? 0);
const yuan = (fen: ReportCell | undefined): number => num(fen) / 100;

/**
 * Reports: a range of store days, the charts an owner reads first (sales by day and hour,
 * tenders, the size curve, top styles, RFM segments), member figures, and every report as a
 * table with CSV and XLSX downloads. In a chain, head office picks the store, sees the chain's
 * totals beside it and the stores side by side; every store sees a chosen day's Z report.
 */
@customElement('hg-admin-reports')
export class HgAdminReports extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(11em, 1fr));
        gap: 1em;
      }
      .tile strong {
        display: block;
        font-size: 1.7em;
        font-variant-numeric: tabular-nums;
      }
      .charts {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(26em, 1fr));
        gap: 1.25em;
      }
      .charts h3 {
        margin-bottom: 0.5em;
      }
      .charts .size-category {
        display: flex;
        align-items: center;
        gap: 0.5em;
        margin-bottom: 0.5em;
      }
      form.range {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75em;
        align-items: end;
      }
      form.range label {
        display: flex;
        flex-direction: column;
        gap: 0.25em;
      }
      .table-head {
        display: flex;
        flex-wrap: wrap;
        gap: 0.75em;
        align-items: end;
        justify-content: space-between;
        margin-bottom: 0.75em;
      }
      .scroll {
        overflow-x: auto;
        max-height: 32em;
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
      tfoot td {
        font-weight: 600;
        border-top: 2px solid var(--hg-line);
      }
    `,
  ];

  @state() private _range: DayRange = lastDays(30);
  /** The owner chose the range: a change of the shop's time zone leaves it alone. */
  private _rangeChosen = false;
  private _stopZone: (() => void) | null = null;
  @state() private _reports: Partial<Record<ReportName, Report>> = {};
  @state() private _table: ReportName = 'sales-by-day';
  /** The chain's stores; null until known, `chain: false` for a shop on its own. */
  @state() private _stores: StoreList | null = null;
  /** The store whose reports are shown: head office picks one, '' is this store. */
  @state() private _store = '';
  /** Head office in a chain: every store's sales and net over the range, with the chain's totals. */
  @state() private _byStore: Report | null = null;
  /** The categories the size curve can be narrowed to, by their path (女装/连衣裙). */
  @state() private _categories: { id: string; path: string }[] = [];
  /** The size curve's category ('' for all): sizes run differently in jeans and in shirts. */
  @state() private _sizeCategory = '';

  override connectedCallback(): void {
    super.connectedCallback();
    // "Today" is the shop's: learnt when the connection comes online, maybe after this opened.
    this._stopZone = onStoreZoneChanged(() => {
      if (this._rangeChosen) return;
      this._range = lastDays(30);
      void this._load();
    });
    void this._start();
  }

  private async _start(): Promise<void> {
    this._stores = await storeList(this.ctx.auth).catch(() => null);
    // Without the categories the size curve is the whole shop's: the picker is a nicety.
    void listCategories(this.ctx.auth).then(
      (found) => (this._categories = found.map((c) => ({ id: c.id, path: c.path }))),
      () => {},
    );
    await this._load();
  }

  /** Which category a report is asked for: the size curve's choice, nothing for the others. */
  private _categoryOf(name: ReportName): string | undefined {
    return name === 'size-curve' ? this._sizeCategory || undefined : undefined;
  }

  /** Head office of a chain: may read every store and sees the chain's totals. */
  private get _headOffice(): boolean {
    return Boolean(this._stores?.chain && this._stores.allStores);
  }

  private get _picked(): string | undefined {
    return this._store || undefined;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._stopZone?.();
  }

  private async _load(): Promise<void> {
    const wanted: ReportName[] = [
      'sales-by-day',
      'sales-by-hour',
      'sales-by-payment',
      'size-curve',
      'best-sellers',
      'members',
      'rfm-segments',
      'gross-margin',
    ];
    if (!wanted.includes(this._table)) wanted.push(this._table);
    const range = this._range;
    const store = this._picked;
    await this._run(async () => {
      const [found, byStore] = await Promise.all([
        Promise.all(wanted.map((name) => report(this.ctx.auth, name, range, store, this._categoryOf(name)))),
        this._headOffice ? salesByStore(this.ctx.auth, range) : null,
      ]);
      this._byStore = byStore;
      const next: Partial<Record<ReportName, Report>> = {};
      wanted.forEach((name, i) => {
        next[name] = found[i];
      });
      this._reports = next;
    });
  }

  private _t(key: string, fallback: string): string {
    const text = this._i18n.t(key as MessageKey);
    return text === key ? fallback : text;
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`
      <h2>${t('admin.nav.reports')}</h2>
      <section class="card">
        <form class="range" @submit=${this._submitRange}>
          <label>${t('reports.from')}<input type="date" name="from" .value=${this._range.from} required /></label>
          <label>${t('reports.to')}<input type="date" name="to" .value=${this._range.to} required /></label>
          ${this._headOffice ? this._storePicker() : nothing}
          <button type="submit" class="primary" ?disabled=${this._busy}>${t('reports.show')}</button>
          ${[7, 30, 90].map(
            (days) =>
              html`<button type="button" @click=${() => this._preset(days)}>${t('reports.lastDays', { count: days })}</button>`,
          )}
        </form>
      </section>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._tiles()}
      ${this._storesCard()}
      ${this._stores?.chain ? html`<hg-admin-day-report .ctx=${this.ctx} .stores=${this._stores}></hg-admin-day-report>` : nothing}
      <div class="charts">${this._charts()}</div>
      ${this._tableCard()}
    `;
  }

  private _tiles() {
    const t = this._i18n.t.bind(this._i18n);
    const day = this._reports['sales-by-day'];
    const members = this._reports.members;
    const margin = this._reports['gross-margin'];
    if (!day) return nothing;
    const metric = (name: string) => members?.rows.find((row) => row.metric === name);
    const pctText = (value: ReportCell | undefined) =>
      value === null || value === undefined ? '—' : `${value}%`;
    // Head office: the chain's figure beside the store's where the figures add up across stores.
    const chain = this._byStore?.totals;
    const chainText = (value: string) => (chain ? t('chain.chainTotal', { value }) : '');
    const tiles: [string, string, string, string][] = [
      ['net', t('reports.tile.net'), money(num(day.totals?.net)), chainText(money(num(chain?.net)))],
      ['sales', t('reports.tile.sales'), count(num(day.totals?.sales)), chainText(count(num(chain?.sales)))],
      ['basket', t('reports.tile.basket'), money(num(day.totals?.basket)), ''],
      ['member-share', t('reports.tile.memberShare'), pctText(metric('member_sales')?.percent), ''],
      ['repurchase', t('reports.tile.repurchase'), pctText(metric('repeat_members')?.percent), ''],
      ['margin', t('reports.tile.margin'), pctText(margin?.totals?.marginPct), ''],
    ];
    return html`<div class="tiles">
      ${tiles.map(
        ([id, label, value, chainValue]) => html`<section class="card tile" data-tile=${id}>
          <span class="muted">${label}</span><strong>${value}</strong>
          ${chainValue ? html`<span class="muted" data-chain>${chainValue}</span>` : nothing}
        </section>`,
      )}
    </div>`;
  }

  private _storePicker() {
    const t = this._i18n.t.bind(this._i18n);
    const here = this._stores?.store;
    return html`<label>${t('chain.store')}
      <select name="store">
        ${this._stores?.items.map(
          (store) =>
            html`<option value=${store.code === here ? '' : store.code} ?selected=${(this._store || here) === store.code}>
              ${t('chain.storeOf', { name: store.name, code: store.code })}
            </option>`,
        )}
      </select>
    </label>`;
  }

  /** Head office: each store's sales, returns and net over the range, and the chain's. */
  private _storesCard() {
    const t = this._i18n.t.bind(this._i18n);
    const byStore = this._byStore;
    if (!byStore) return nothing;
    const figures = ['sales', 'total', 'returns', 'returned', 'net'] as const;
    const cell = (key: (typeof figures)[number], value: ReportCell | undefined) =>
      key === 'sales' || key === 'returns' ? count(num(value)) : money(num(value));
    return html`<section class="card" data-report="sales-by-store">
      <h3>${t('chain.byStore')}</h3>
      <table>
        <thead><tr><th>${t('chain.store')}</th>${figures.map((key) => html`<th class="n">${t(`reports.col.${key}`)}</th>`)}</tr></thead>
        <tbody>
          ${byStore.rows.map(
            (
              row,
            ) => html`<tr data-store=${String(row.store)} class=${row.store === (this._store || this._stores?.store) ? 'selected' : ''}>
              <td>${t('chain.storeOf', { name: String(row.name), code: String(row.store) })}</td>
              ${figures.map((key) => html`<td class="n">${cell(key, row[key])}</td>`)}
            </tr>`,
          )}
        </tbody>
        <tfoot><tr data-store="chain"><td>${t('chain.allStores')}</td>${figures.map((key) => html`<td class="n">${cell(key, byStore.totals?.[key])}</td>`)}</tr></tfoot>
      </table>
    </section>`;
  }

  private _charts() {
    const t = this._i18n.t.bind(this._i18n);
    const day = this._reports['sales-by-day'];
    const hour = this._reports['sales-by-hour'];
    const payment = this._reports['sales-by-payment'];
    const sizes = this._reports['size-curve'];
    const best = this._reports['best-sellers'];
    const rfm = this._reports['rfm-segments'];
    if (!day || !hour || !payment || !sizes || !best || !rfm) return nothing;
    const yuanAxis = { y: { beginAtZero: true, ticks: { callback: (v: string | number) => `¥${v}` } } };
    const charts: [string, string, ChartConfiguration][] = [
      [
        'by-day',
        t('reports.chart.byDay'),
        {
          type: 'line',
          data: {
            labels: day.rows.map((row) => String(row.day).slice(5)),
            datasets: [
              {
                label: t('reports.col.total'),
                data: day.rows.map((row) => yuan(row.total)),
                borderColor: CHART_COLOURS[0],
                backgroundColor: CHART_COLOURS[0],
                tension: 0.25,
              },
              {
                label: t('reports.col.net'),
                data: day.rows.map((row) => yuan(row.net)),
                borderColor: CHART_COLOURS[1],
                backgroundColor: CHART_COLOURS[1],
                borderDash: [5, 4],
                tension: 0.25,
              },
            ],
          },
          options: {
            scales: yuanAxis,
            plugins: { legend: { labels: { usePointStyle: true, pointStyle: 'line' } } },
          },
        },
      ],
      [
        'by-hour',
        t('reports.chart.byHour'),
        {
          type: 'bar',
          data: {
            labels: hour.rows.map((row) => `${String(row.hour).padStart(2, '0')}:00`),
            datasets: [
              {
                label: t('reports.col.total'),
                data: hour.rows.map((row) => yuan(row.total)),
                backgroundColor: CHART_COLOURS[0],
              },
            ],
          },
          options: { scales: yuanAxis, plugins: { legend: { display: false } } },
        },
      ],
      [
        'by-payment',
        t('reports.chart.byPayment'),
        {
          type: 'doughnut',
          data: {
            labels: payment.rows.map((row) => this._t(`reports.value.${row.method}`, String(row.method))),
            datasets: [{ data: payment.rows.map((row) => yuan(row.taken)), backgroundColor: CHART_COLOURS }],
          },
          options: { plugins: { legend: { position: 'right' } } },
        },
      ],
      [
        'size-curve',
        t('reports.chart.sizeCurve'),
        {
          type: 'bar',
          data: {
            // Each run of sizes (S–XXL, 25–34, 100–130) is named under its first size.
            labels: sizes.rows.map((row, i) =>
              i === 0 || sizes.rows[i - 1]?.group !== row.group
                ? [String(row.size), String(row.group)]
                : String(row.size),
            ),
            datasets: [
              {
                label: t('reports.col.received'),
                data: sizes.rows.map((row) => num(row.received)),
                backgroundColor: CHART_COLOURS[6],
              },
              {
                label: t('reports.col.netQty'),
                data: sizes.rows.map((row) => num(row.netQty)),
                backgroundColor: CHART_COLOURS[1],
              },
            ],
          },
          // Items are whole: the count axis steps by whole numbers, never 0.5 件.
          options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
        },
      ],
      [
        'top-styles',
        t('reports.chart.topStyles'),
        {
          type: 'bar',
          data: {
            labels: best.rows.slice(0, 10).map((row) => `${row.styleCode} ${row.name}`),
            datasets: [
              {
                label: t('reports.col.netQty'),
                data: best.rows.slice(0, 10).map((row) => num(row.netQty)),
                backgroundColor: CHART_COLOURS[2],
              },
            ],
          },
          options: {
            indexAxis: 'y',
            plugins: { legend: { display: false } },
            scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
          },
        },
      ],
      [
        'rfm',
        t('reports.chart.rfm'),
        {
          type: 'bar',
          data: {
            labels: rfm.rows.map((row) => this._t(`reports.value.${row.segment}`, String(row.segment))),
            datasets: [
              {
                label: t('reports.col.members'),
                data: rfm.rows.map((row) => num(row.members)),
                backgroundColor: CHART_COLOURS[4],
              },
            ],
          },
          options: {
            plugins: { legend: { display: false } },
            scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
          },
        },
      ],
    ];
    return charts.map(
      ([id, title, config]) => html`<section class="card" data-chart=${id}>
        <h3>${title}</h3>
        ${id === 'size-curve' ? this._sizeCategoryPicker() : nothing}
        <hg-chart .config=${config} label=${title}></hg-chart>
      </section>`,
    );
  }

  private _sizeCategoryPicker() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<label class="size-category"
      >${t('sizeCurveFilter.category')}
      <select name="sizeCategory" @change=${this._pickSizeCategory}>
        <option value="" ?selected=${this._sizeCategory === ''}>${t('sizeCurveFilter.all')}</option>
        ${this._categories.map((c) => html`<option value=${c.id} ?selected=${c.id === this._sizeCategory}>${c.path}</option>`)}
      </select>
    </label>`;
  }

  /** The size curve of another category: that report alone is asked again (chart and table). */
  private async _pickSizeCategory(event: Event): Promise<void> {
    this._sizeCategory = (event.target as HTMLSelectElement).value;
    const found = await this._run(() =>
      report(this.ctx.auth, 'size-curve', this._range, this._picked, this._categoryOf('size-curve')),
    );
    if (found) this._reports = { ...this._reports, 'size-curve': found };
  }

  private _cell(column: ReportColumn, value: ReportCell | undefined) {
    if (value === null || value === undefined || value === '') return '';
    if (column.kind === 'money') return money(num(value));
    if (column.kind === 'percent') return `${value}%`;
    if (column.kind === 'int' && column.key === 'weekday')
      return this._t(`reports.weekday.${value}`, String(value));
    if (column.kind === 'int') return count(num(value));
    if (['metric', 'segment', 'method', 'kind', 'source'].includes(column.key)) {
      return this._t(`reports.value.${value}`, String(value));
    }
    return String(value);
  }

  private _tableCard() {
    const t = this._i18n.t.bind(this._i18n);
    const shown = this._reports[this._table];
    const numeric = (column: ReportColumn) => (column.kind === 'text' ? '' : 'n');
    return html`<section class="card" data-report=${this._table}>
      <div class="table-head">
        <label
          >${t('reports.table')}
          <select @change=${this._pickTable}>
            ${TABLE_REPORTS.map(
              (name) =>
                html`<option value=${name} ?selected=${name === this._table}>${this._t(`reports.name.${name}`, name)}</option>`,
            )}
          </select>
        </label>
        <div class="actions">
          <button type="button" @click=${() => this._download('csv')} ?disabled=${this._busy}>${t('reports.csv')}</button>
          <button type="button" @click=${() => this._download('xlsx')} ?disabled=${this._busy}>${t('reports.xlsx')}</button>
        </div>
      </div>
      ${
        !shown
          ? nothing
          : shown.rows.length === 0
            ? html`<p class="empty">${t('reports.empty')}</p>`
            : html`<div class="scroll">
                <table>
                  <thead>
                    <tr>${shown.columns.map((c) => html`<th class=${numeric(c)}>${this._t(`reports.col.${c.key}`, c.label)}</th>`)}</tr>
                  </thead>
                  <tbody>
                    ${shown.rows.map(
                      (row) =>
                        html`<tr>${shown.columns.map((c) => html`<td class=${numeric(c)}>${this._cell(c, row[c.key])}</td>`)}</tr>`,
                    )}
                  </tbody>
                  ${
                    shown.totals
                      ? html`<tfoot>
                          <tr>
                            ${shown.columns.map((c, i) =>
                              i === 0
                                ? html`<td>${t('reports.total')}</td>`
                                : html`<td class=${numeric(c)}>${c.kind === 'text' ? '' : this._cell(c, shown.totals?.[c.key])}</td>`,
                            )}
                          </tr>
                        </tfoot>`
                      : nothing
                  }
                </table>
              </div>`
      }
    </section>`;
  }

  private _submitRange(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    this._range = { from: String(data.get('from')), to: String(data.get('to')) };
    if (this._headOffice) this._store = String(data.get('store') ?? '');
    this._rangeChosen = true;
    void this._load();
  }

  private _preset(days: number): void {
    this._range = lastDays(days);
    this._rangeChosen = true;
    void this._load();
  }

  private async _pickTable(event: Event): Promise<void> {
    this._table = (event.target as HTMLSelectElement).value as ReportName;
    if (this._reports[this._table]) return;
    const name = this._table;
    const found = await this._run(() =>
      report(this.ctx.auth, name, this._range, this._picked, this._categoryOf(name)),
    );
    if (found) this._reports = { ...this._reports, [name]: found };
  }

  private async _download(format: 'csv' | 'xlsx'): Promise<void> {
    const file = await this._run(() =>
      reportFile(
        this.ctx.auth,
        this._table,
        this._range,
        format,
        this._picked,
        this._categoryOf(this._table),
      ),
    );
    if (file) download(file.blob, file.fileName);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-reports': HgAdminReports;
  }
}
