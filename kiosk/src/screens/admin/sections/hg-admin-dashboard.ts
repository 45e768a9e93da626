import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { controls } from '../../../components/styles.js';
import { SubscriptionController } from '../../../connection/controllers.js';
import { type DayReport, dayReport } from '../../../data/cart.js';
import { type Device, listDevices } from '../../../data/devices.js';
import { type Feedback, listFeedback } from '../../../data/feedback.js';
import { count, dateTime, money } from '../../../data/format.js';
import { type LowStockItem, lowStock } from '../../../data/inventory.js';
import { ledgerCheck } from '../../../data/loyalty.js';
import { AdminSection, sectionStyles } from '../context.js';
import { hardwareReports, recordHardware } from './hg-admin-devices.js';
import { lowStockTable } from './hg-admin-inventory.js';

/**
 * The dashboard as far as the server goes today: low stock, devices and their hardware, the
 * member count, and today's takings from the day report. Member share and the hourly chart come with
 * the reports.
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
      .later {
        border-style: dashed;
        color: var(--hg-muted);
      }
    `,
  ];

  @state() private _low: LowStockItem[] | null = null;
  @state() private _devices: Device[] | null = null;
  @state() private _members: number | null = null;
  @state() private _day: DayReport | null = null;
  @state() private _feedback: Feedback[] | null = null;
  @state() private _feedbackNext: string | null = null;

  protected readonly _status = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'device.status',
    (event) => recordHardware(event),
  );
  /** A sale moves stock: the day's takings are read again (once per burst of movements). */
  protected readonly _sales = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'stock.changed',
    () => {
      clearTimeout(this._dayTimer);
      this._dayTimer = setTimeout(() => void this._loadDay(), 500);
    },
  );
  private _dayTimer: ReturnType<typeof setTimeout> | undefined;
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
    void ledgerCheck(this.ctx.auth).then(
      (check) => (this._members = check.counts.members),
      () => {},
    );
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const active = this._devices?.filter((device) => !device.revokedAt) ?? [];
    const reports = hardwareReports();
    const trouble = reports.filter((report) => report.status !== 'online');
    return html`
      <h2>${t('admin.nav.dashboard')}</h2>
      <div class="tiles">
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
        <section class="card tile" aria-labelledby="t-sales">
          <span id="t-sales" class="muted">${t('dashboard.sales')}</span>
          <strong data-takings=${this._day?.store.sales.total ?? ''}>${this._day === null ? '…' : money(this._day.store.sales.total)}</strong>
          ${
            this._day
              ? html`<span class="muted" data-sales-count=${this._day.store.sales.count}>
                  ${t('dashboard.salesCount', { count: count(this._day.store.sales.count) })}
                </span>`
              : nothing
          }
        </section>
      </div>
      <hg-error detailed .error=${this._error}></hg-error>
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

  private async _loadDay(): Promise<void> {
    try {
      this._day = await dayReport(this.ctx.auth);
    } catch {
      // The other tiles still say something; the day's takings come at the next sale.
    }
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
