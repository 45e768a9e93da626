import type { ChartConfiguration } from 'chart.js';
import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import { SubscriptionController } from '../../../connection/controllers.js';
import { type DayReport, dayReport } from '../../../data/cart.js';
import { type Device, listDevices } from '../../../data/devices.js';
import { type Feedback, listFeedback } from '../../../data/feedback.js';
import { count, dateTime, money, percent } from '../../../data/format.js';
import { type LowStockItem, lowStock } from '../../../data/inventory.js';
import { countMembers } from '../../../data/members.js';
import { type Report, type ReportCell, type ReportRow, report } from '../../../data/reports.js';
import { AdminSection, sectionStyles } from '../context.js';
import { CHART_COLOURS } from '../hg-chart.js';
import { hardwareReports, recordHardware } from './hg-admin-devices.js';
import './hg-store-links.js';
import { lowStockTable } from './hg-admin-inventory.js';

const num = (cell: ReportCell | undefined): number => Number(cell ?? 0);
/** "15:00" for hour 15 of the store day. */
const hourLabel = (hour: number): string => `${String(hour).padStart(2, '0')}:00`;
/** The hours the chart always shows, widened to any hour with a sale. */
const OPEN_FROM = 9;
const OPEN_TO = 21;
/** How many of today's best styles the dashboard lists. */
const TOP_STYLES = 5;

/**
 * The owner's shop at a glance: the member count, low stock, devices and their hardware,
 * today's takings (the day report), and — from the reports of today's store day — the member
 * share of today's sales, today's new members, sales by hour as a chart and the top styles.
 * A sale, return or void (and a new member) reads today's figures again.
 */
@customElement('hg-admin-dashboard')
export class HgAdminDashboard extends AdminSection {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .tiles {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(13em, 1fr));
        gap: 1em;
      }
      .tile [data-returned] {
        display: block;
      }
      .tile strong {
        display: block;
        font-size: 2em;
        font-variant-numeric: tabular-nums;
      }
      .stars {
        color: var(--hg-accent);
        letter-spacing: 0.1em;
        white-space: nowrap;
      }
      .pair {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(26em, 1fr));
        gap: 1.25em;
        align-items: start;
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
      }
    `,
  ];

  @state() private _low: LowStockItem[] | null = null;
  @state() private _devices: Device[] | null = null;
  @state() private _members: number | null = null;
  @state() private _day: DayReport | null = null;
  /** Today's reports: undefined while they load, null when they could not be read. */
  @state() private _memberFigures: Report | null | undefined = undefined;
  @state() private _hours: Report | null | undefined = undefined;
  @state() private _styles: Report | null | undefined = undefined;
  @state() private _feedback: Feedback[] | null = null;
  @state() private _feedbackNext: string | null = null;

  protected readonly _status = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'device.status',
    (event) => recordHardware(event),
  );
  /** A sale, a return or a void changes today's figures: they are read again (once per burst). */
  protected readonly _sold = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'sale.completed',
    () => this._refreshSoon(false),
  );
  protected readonly _returned = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'sale.returned',
    () => this._refreshSoon(false),
  );
  protected readonly _voided = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'sale.voided',
    () => this._refreshSoon(false),
  );
  /** A member registered (at a till, a kiosk, here): the member count and today's new members. */
  protected readonly _joined = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'member.changed',
    (event) => {
      if (event.data.reason === 'created') this._refreshSoon(true);
    },
  );
  private _dayTimer: ReturnType<typeof setTimeout> | undefined;
  /** A member joined since the last refresh: the member count is read again too. */
  private _membersStale = false;
  /** Counts loads of today's figures: an answer to an older one is dropped. */
  private _dayLoad = 0;
  protected readonly _stockLow = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'stock.low',
    () => void this._loadLow(),
  );

  override connectedCallback(): void {
    super.connectedCallback();
    void this._loadLow();
    void this._loadDay();
    void this._loadFeedback();
    void listDevices(this.ctx.auth).then(
      (devices) => (this._devices = devices),
      (error) => (this._error = error),
    );
    void this._loadMembers();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._dayTimer);
  }

  private _refreshSoon(joined: boolean): void {
    this._membersStale ||= joined;
    clearTimeout(this._dayTimer);
    this._dayTimer = setTimeout(() => {
      void this._loadDay();
      if (this._membersStale) void this._loadMembers();
      this._membersStale = false;
    }, 500);
  }

  private async _loadMembers(): Promise<void> {
    try {
      // A count, not the ledger check: that rebuilds every balance and takes seconds on a big shop.
      this._members = await countMembers(this.ctx.auth);
    } catch {
      // The tile keeps its last figure.
    }
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const active = this._devices?.filter((device) => !device.revokedAt) ?? [];
    const reports = hardwareReports();
    const trouble = reports.filter((report) => report.status !== 'online');
    return html`
      <h2>${t('admin.nav.dashboard')}</h2>
      <div class="tiles" role="group" aria-label=${t('dashboard.today')}>
        <section class="card tile" aria-labelledby="t-sales">
          <span id="t-sales" class="muted">${t('dashboard.sales')}</span>
          <strong data-takings=${this._day?.store.sales.net ?? ''}>${this._day === null ? '…' : money(this._day.store.sales.net)}</strong>
          ${
            this._day
              ? html`<span class="muted" data-sales-count=${this._day.store.sales.count}>
                  ${t('dashboard.salesCount', { count: count(this._day.store.sales.count) })}
                </span>`
              : nothing
          }
          ${
            this._day && this._day.store.returns.amount > 0
              ? html`<span class="muted" data-returned=${this._day.store.returns.amount}>
                  ${t('browse.returnedToday', { amount: money(this._day.store.returns.amount) })}
                </span>`
              : nothing
          }
        </section>
        ${this._memberTiles()}
      </div>
      <div class="tiles" role="group" aria-label=${t('dashboard.shop')}>
        <section class="card tile" aria-labelledby="t-members">
          <span id="t-members" class="muted">${t('dashboard.members')}</span>
          <strong data-members=${this._members ?? ''}>${this._members === null ? '…' : count(this._members)}</strong>
        </section>
        <section class="card tile" aria-labelledby="t-low">
          <span id="t-low" class="muted">${t('dashboard.lowStock')}</span>
          <strong>${this._low === null ? '…' : count(this._low.length)}</strong>
        </section>
        <section class="card tile" aria-labelledby="t-devices">
          <span id="t-devices" class="muted">${t('dashboard.devices')}</span>
          <strong>${this._devices === null ? '…' : count(active.length)}</strong>
          ${trouble.length > 0 ? html`<span class="badge bad">${t('dashboard.hardwareTrouble', { count: trouble.length })}</span>` : nothing}
        </section>
      </div>
      <hg-error detailed .error=${this._error}></hg-error>
      <hg-store-links .ctx=${this.ctx}></hg-store-links>
      <div class="pair">${this._hoursCard()} ${this._stylesCard()}</div>
      <section class="card">
        <h3>${t('dashboard.lowStock')}</h3>
        ${this._low === null ? nothing : this._low.length === 0 ? html`<p class="empty">${t('inventory.noLow')}</p>` : lowStockTable(this._low.slice(0, 10), t)}
      </section>
      <section class="card">
        <h3>${t('dashboard.devices')}</h3>
        ${
          active.length === 0
            ? html`<p class="empty">${t('devices.none')}</p>`
            : html`<table>
                <thead><tr><th>${t('devices.name')}</th><th>${t('devices.kind')}</th><th>${t('devices.lastSeen')}</th></tr></thead>
                <tbody>
                  ${active.map((device) => html`<tr><td>${device.name}</td><td>${t(`device.${device.kind}`)}</td><td>${dateTime(device.lastSeenAt)}</td></tr>`)}
                </tbody>
              </table>`
        }
        ${
          reports.length > 0
            ? html`<h3 class="spaced">${t('devices.hardware')}</h3>
                <ul>
                  ${reports.map((report) => html`<li><code>${report.hardwareId}</code> <span class=${`badge ${report.status === 'online' ? 'good' : 'bad'}`}>${t(`hardware.${report.status}`)}</span> ${report.reason ?? ''}</li>`)}
                </ul>`
            : html`<p class="muted">${t('devices.noReportYet')}</p>`
        }
      </section>
      ${this._feedbackCard()}
    `;
  }

  /** Member share of today's sales (by amount) and today's new members, from the members report. */
  private _memberTiles() {
    const t = this._i18n.t.bind(this._i18n);
    const figures = this._memberFigures;
    const metric = (name: string): ReportRow | undefined => figures?.rows.find((row) => row.metric === name);
    const shared = metric('member_sales');
    const share = shared?.percent;
    const joined = metric('new_members')?.count;
    const shown = (value: string) => (figures === undefined ? '…' : figures === null ? '—' : value);
    return html`<section class="card tile" aria-labelledby="t-member-share">
        <span id="t-member-share" class="muted">${t('dashboard.memberShare')}</span>
        <strong data-member-share=${share ?? ''}>${shown(share === null || share === undefined ? '—' : percent(num(share)))}</strong>
        ${
          shared && num(shared.count) > 0
            ? html`<span class="muted" data-member-sales=${num(shared.amount)} data-member-sales-count=${num(shared.count)}>
                ${t('dashboard.memberSales', { amount: money(num(shared.amount)), count: count(num(shared.count)) })}
              </span>`
            : nothing
        }
      </section>
      <section class="card tile" aria-labelledby="t-new-members">
        <span id="t-new-members" class="muted">${t('dashboard.newMembers')}</span>
        <strong data-new-members=${joined ?? ''}>${shown(count(num(joined)))}</strong>
      </section>`;
  }

  /** Today's sales by hour (store time) as a bar chart, with the figures as a table for screen readers. */
  private _hoursCard() {
    const t = this._i18n.t.bind(this._i18n);
    const hours = this._hours;
    const title = t('dashboard.byHour');
    const sold = hours?.rows.filter((row) => num(row.sales) > 0) ?? [];
    if (!hours || sold.length === 0) {
      const why = hours === undefined ? '…' : hours === null ? '—' : t('dashboard.noSalesYet');
      return html`<section class="card" data-chart="by-hour" aria-labelledby="by-hour-title" aria-busy=${hours === undefined}>
        <h3 id="by-hour-title">${title}</h3>
        <p class="empty">${why}</p>
      </section>`;
    }
    const busiest = sold.reduce<ReportRow | undefined>(
      (best, row) => (!best || num(row.total) > num(best.total) ? row : best),
      undefined,
    );
    const first = Math.min(OPEN_FROM, ...sold.map((row) => num(row.hour)));
    const last = Math.max(OPEN_TO, ...sold.map((row) => num(row.hour)));
    const shown = hours.rows.filter((row) => num(row.hour) >= first && num(row.hour) <= last);
    const yuanTick = (value: string | number) => money(Math.round(Number(value) * 100));
    const config: ChartConfiguration = {
      type: 'bar',
      data: {
        labels: shown.map((row) => hourLabel(num(row.hour))),
        datasets: [
          {
            label: t('reports.col.total'),
            data: shown.map((row) => num(row.total) / 100),
            backgroundColor: CHART_COLOURS[0],
          },
        ],
      },
      options: {
        scales: { y: { beginAtZero: true, ticks: { callback: yuanTick } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => yuanTick(item.parsed.y ?? 0) } },
        },
      },
    };
    const label = t('dashboard.byHourLabel', {
      hour: hourLabel(num(busiest?.hour)),
      amount: money(num(busiest?.total)),
      count: count(num(busiest?.sales)),
    });
    return html`<section class="card" data-chart="by-hour" aria-labelledby="by-hour-title">
      <h3 id="by-hour-title">${title}</h3>
      <hg-chart .config=${config} label=${`${title}: ${label}`}></hg-chart>
      <table class="visually-hidden">
        <caption>${title}</caption>
        <thead><tr><th>${t('reports.col.hour')}</th><th>${t('reports.col.sales')}</th><th>${t('reports.col.total')}</th></tr></thead>
        <tbody>
          ${sold.map(
            (
              row,
            ) => html`<tr data-hour=${num(row.hour)} data-sales=${num(row.sales)} data-total=${num(row.total)}>
              <td>${hourLabel(num(row.hour))}</td><td>${count(num(row.sales))}</td><td>${money(num(row.total))}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </section>`;
  }

  /** Today's best styles by net units sold, from the sales-by-style report. */
  private _stylesCard() {
    const t = this._i18n.t.bind(this._i18n);
    const styles = this._styles;
    const top = styles?.rows.filter((row) => num(row.netQty) > 0).slice(0, TOP_STYLES) ?? [];
    return html`<section class="card" data-top-styles aria-labelledby="top-styles-title" aria-busy=${styles === undefined}>
      <h3 id="top-styles-title">${t('dashboard.topStyles')}</h3>
      ${
        styles === undefined
          ? html`<p class="empty">…</p>`
          : top.length === 0
            ? html`<p class="empty">${styles === null ? '—' : t('dashboard.noSalesYet')}</p>`
            : html`<table>
                <thead>
                  <tr>
                    <th>${t('reports.col.styleCode')}</th><th>${t('reports.col.name')}</th>
                    <th class="n">${t('reports.col.netQty')}</th><th class="n">${t('reports.col.net')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${top.map(
                    (
                      row,
                    ) => html`<tr data-style=${String(row.styleCode)} data-net-qty=${num(row.netQty)} data-net=${num(row.net)}>
                      <td>${row.styleCode}</td><td>${row.name}</td>
                      <td class="n">${count(num(row.netQty))}</td><td class="n">${money(num(row.net))}</td>
                    </tr>`,
                  )}
                </tbody>
              </table>`
      }
    </section>`;
  }

  private _feedbackCard() {
    const items = this._feedback;
    if (items === null) return nothing;
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card" aria-labelledby="feedback-title">
      <h3 id="feedback-title">${t('feedback.list')}</h3>
      ${
        items.length === 0
          ? html`<p class="empty">${t('feedback.empty')}</p>`
          : html`<table>
              <tbody>
                ${items.map(
                  (item) => html`<tr data-feedback=${item.id} data-stars=${item.stars}>
                    <td class="stars" aria-label=${t('feedback.stars', { count: item.stars })}>
                      ${'★'.repeat(item.stars)}${'☆'.repeat(5 - item.stars)}
                    </td>
                    <td>${item.comment ?? html`<span class="muted">${t('feedback.noComment')}</span>`}</td>
                    <td class="muted">${item.device ?? ''}</td>
                    <td class="muted">${dateTime(item.at)}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }
      ${this._feedbackNext ? html`<button type="button" @click=${() => void this._loadFeedback(this._feedbackNext ?? undefined)}>${t('feedback.more')}</button>` : nothing}
    </section>`;
  }

  /** The newest feedback, a page at a time; hidden for those who may not read it. */
  private async _loadFeedback(before?: string): Promise<void> {
    try {
      const page = await listFeedback(this.ctx.auth, { limit: 10, ...(before && { before }) });
      this._feedback = before ? [...(this._feedback ?? []), ...page.items] : page.items;
      this._feedbackNext = page.next;
    } catch {
      // Not the owner's or a manager's: the card stays away.
    }
  }

  /**
   * Today's takings, then the reports of that store day (the server's day, not this laptop's):
   * members, sales by hour and by style, side by side.
   */
  private async _loadDay(): Promise<void> {
    const load = ++this._dayLoad;
    let day: DayReport;
    try {
      day = await dayReport(this.ctx.auth);
    } catch {
      // The other tiles still say something; the day's figures come at the next sale.
      if (this._memberFigures === undefined) this._memberFigures = null;
      if (this._hours === undefined) this._hours = null;
      if (this._styles === undefined) this._styles = null;
      return;
    }
    if (load !== this._dayLoad) return;
    this._day = day;
    const range = { from: day.day, to: day.day };
    const read = async (name: 'members' | 'sales-by-hour' | 'sales-by-style'): Promise<Report | null> => {
      try {
        return await report(this.ctx.auth, name, range);
      } catch {
        return null;
      }
    };
    const [members, hours, styles] = await Promise.all([
      read('members'),
      read('sales-by-hour'),
      read('sales-by-style'),
    ]);
    if (load !== this._dayLoad) return;
    // A failed read on a refresh keeps the figures shown; at first it says it has none.
    this._memberFigures = members ?? this._memberFigures ?? null;
    this._hours = hours ?? this._hours ?? null;
    this._styles = styles ?? this._styles ?? null;
  }

  private async _loadLow(): Promise<void> {
    try {
      this._low = await lowStock(this.ctx.auth);
    } catch (error) {
      this._error = error;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-dashboard': HgAdminDashboard;
  }
}
