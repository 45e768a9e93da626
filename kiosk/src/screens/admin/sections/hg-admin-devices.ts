import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import type { EventPayloads, StoreEvent } from '../../../../../server/protocol/events.js';
import { SubscriptionController } from '../../../connection/controllers.js';
import { approvePairing, type Device, listDevices, revokeDevice } from '../../../data/devices.js';
import { dateTime } from '../../../data/format.js';
import { AdminSection, formValues } from '../context.js';

type HardwareReport = EventPayloads['device.status'] & { at: string };

/** The hardware each bridge reported last, per bridge device id; kept while the page is open. */
const hardware = new Map<string, Map<string, HardwareReport>>();

/** Devices: pair one by the code it shows, the list, revoke, and live hardware status from the bridges. */
@customElement('hg-admin-devices')
export class HgAdminDevices extends AdminSection {
  @state() private _devices: Device[] = [];
  @state() private _confirming: string | null = null;

  protected readonly _status = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'device.status',
    (event) => recordHardware(event),
  );
  protected readonly _paired = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'device.paired',
    () => void this._load(),
  );
  protected readonly _revoked = new SubscriptionController(
    this,
    () => this.ctx?.connection ?? null,
    'device.revoked',
    () => void this._load(),
  );

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const terminals = this._devices.filter((device) => device.kind === 'checkout' && !device.revokedAt);
    const active = this._devices.filter((device) => !device.revokedAt);
    const revoked = this._devices.filter((device) => device.revokedAt);
    return html`
      <h2>${t('admin.nav.devices')}</h2>
      <section class="card">
        <h3 id="pair-title">${t('devices.pair')}</h3>
        <p class="muted">${t('devices.pairHint')}</p>
        <form class="grid" aria-labelledby="pair-title" @submit=${this._pair}>
          <label>${t('devices.code')}<input name="code" required inputmode="numeric" pattern="\\d{6}" maxlength="6" autocomplete="off" /></label>
          <label>${t('devices.nameOptional')}<input name="name" maxlength="40" /></label>
          <label>
            ${t('devices.terminal')}
            <select name="terminalId">
              <option value="">${t('devices.noTerminal')}</option>
              ${terminals.map((device) => html`<option value=${device.id}>${device.name}</option>`)}
            </select>
          </label>
          <div class="actions"><button type="submit" class="primary" ?disabled=${this._busy}>${t('devices.approve')}</button></div>
        </form>
      </section>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._doneLine()}
      <section class="card">
        <h3>${t('devices.list')}</h3>
        ${this._status.error ? html`<p class="muted">${t('devices.noStatus')}</p>` : nothing}
        ${active.length === 0 ? html`<p class="empty">${t('devices.none')}</p>` : this._table(active)}
        ${
          // Revoked devices are put away: folded, for the record, not among the working ones.
          revoked.length > 0
            ? html`<details class="revoked spaced">
                <summary>${t('browse.revokedDevices', { count: revoked.length })}</summary>
                ${this._revokedTable(revoked)}
              </details>`
            : nothing
        }
      </section>
    `;
  }

  private _revokedTable(devices: Device[]) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<table>
      <thead><tr><th>${t('devices.name')}</th><th>${t('devices.kind')}</th><th>${t('devices.pairedAt')}</th><th>${t('browse.revokedAt')}</th></tr></thead>
      <tbody>
        ${devices.map(
          (device) => html`<tr data-device=${device.id}>
            <td>${device.name}</td>
            <td>${t(`device.${device.kind}`)}</td>
            <td>${dateTime(device.pairedAt)}</td>
            <td>${dateTime(device.revokedAt)}</td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private _table(devices: Device[]) {
    const t = this._i18n.t.bind(this._i18n);
    return html`<table>
      <thead>
        <tr>
          <th>${t('devices.name')}</th>
          <th>${t('devices.kind')}</th>
          <th>${t('devices.pairedAt')}</th>
          <th>${t('devices.lastSeen')}</th>
          <th>${t('devices.hardware')}</th>
          <th><span class="visually-hidden">${t('common.actions')}</span></th>
        </tr>
      </thead>
      <tbody>
        ${devices.map(
          (device) => html`<tr data-device=${device.id}>
            <td>${device.name}</td>
            <td>${t(`device.${device.kind}`)}</td>
            <td>${dateTime(device.pairedAt)}</td>
            <td>${dateTime(device.lastSeenAt)}</td>
            <td>${this._hardware(device)}</td>
            <td><div class="actions">${this._revokeButton(device)}</div></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private _hardware(device: Device) {
    const reports = [...(hardware.get(device.id)?.values() ?? [])];
    if (device.kind !== 'bridge') return html`<span class="muted">—</span>`;
    if (reports.length === 0) return html`<span class="muted">${this._i18n.t('devices.noReport')}</span>`;
    return reports.map(
      (report) => html`<div>
        <code>${report.hardwareId}</code>
        <span class=${`badge ${report.status === 'online' ? 'good' : 'bad'}`}>${this._i18n.t(`hardware.${report.status}`)}</span>
        ${report.reason ? html`<span class="muted">${report.reason}</span>` : nothing}
      </div>`,
    );
  }

  private _revokeButton(device: Device) {
    const t = this._i18n.t.bind(this._i18n);
    if (this._confirming !== device.id) {
      return html`<button type="button" @click=${() => (this._confirming = device.id)}>
        ${t('devices.revoke')}<span class="visually-hidden"> ${device.name}</span>
      </button>`;
    }
    return html`<span role="group" aria-label=${t('devices.confirmRevoke', { name: device.name })}>
      ${t('devices.confirmRevoke', { name: device.name })}
      <button type="button" class="danger" @click=${() => this._revoke(device)}>${t('devices.revoke')}</button>
      <button type="button" @click=${() => (this._confirming = null)}>${t('common.cancel')}</button>
    </span>`;
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const devices = await this._run(() => listDevices(this.ctx.auth));
    if (devices) this._devices = devices;
    this._done = done;
  }

  private async _pair(event: Event): Promise<void> {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const v = formValues(form);
    const device = await this._run(() =>
      approvePairing(this.ctx.auth, {
        code: v.code ?? '',
        ...(v.name ? { name: v.name } : {}),
        ...(v.terminalId ? { terminalId: v.terminalId } : {}),
      }),
    );
    if (device) {
      form.reset();
      this._done = { key: 'devices.paired', options: { name: device.name } };
      await this._load();
    }
  }

  private async _revoke(device: Device): Promise<void> {
    this._confirming = null;
    if (
      await this._run(() => revokeDevice(this.ctx.auth, device.id), {
        key: 'devices.revokedDone',
        options: { name: device.name },
      })
    )
      await this._load();
  }
}

/** Keeps a bridge's hardware report (the dashboard and this section both listen). */
export function recordHardware(event: StoreEvent<'device.status'>): void {
  const reports = hardware.get(event.data.deviceId) ?? new Map<string, HardwareReport>();
  reports.set(event.data.hardwareId, { ...event.data, at: event.at });
  hardware.set(event.data.deviceId, reports);
}

/** The latest hardware reports of every bridge (the dashboard shows them too). */
export function hardwareReports(): HardwareReport[] {
  return [...hardware.values()].flatMap((reports) => [...reports.values()]);
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-devices': HgAdminDevices;
  }
}
