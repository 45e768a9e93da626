import { css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import {
  type BridgeDeviceSettings,
  type BridgeHardwareView,
  listBridges,
  saveBridgeDevices,
  testDevice,
} from '../../../data/hardware.js';
import { AdminSection, formValues } from '../context.js';

type Kind = BridgeDeviceSettings['kind'];
type Transport = NonNullable<BridgeDeviceSettings['transport']>['type'];
const KINDS: readonly Kind[] = ['printer', 'scanner', 'display', 'drawer'];
const TRANSPORTS: readonly Transport[] = ['serial', 'usb', 'tcp', 'virtual'];
const CODE_PAGES = ['cp437', 'cp850', 'cp858', 'cp866', 'windows1252'] as const;

/** A receipt printer's command sets: ESC/POS, or a Star's own two. */
const EMULATIONS = ['escpos', 'star-line', 'star-prnt'] as const;

/** A device being edited: which bridge, and its place in the list (-1: a new one). */
interface Editing {
  bridgeId: string;
  index: number;
  device: BridgeDeviceSettings;
}

const hex = (value: string | undefined) => Number.parseInt(value ?? '', 16);

/**
 * The bridges' devices on the admin page: receipt printer, label printer, scanner, pole display,
 * drawer — how each is reached (serial port and baud, USB ids, network address), paper width,
 * model, code page or raster; a test that goes through the server and the bridge to the device
 * and says what it answered. Saved here, the bridge drives them at once; config.json is not edited.
 */
@customElement('hg-bridge-hardware')
export class HgBridgeHardware extends AdminSection {
  static override styles = [
    ...AdminSection.styles,
    css`
      .answer {
        margin: 0.5em 0 0;
      }
      .answer.bad {
        color: var(--hg-danger, #b3261e);
      }
    `,
  ];
  @state() private _bridges: BridgeHardwareView[] = [];
  @state() private _models: string[] = [];
  @state() private _editing: Editing | null = null;
  /** The last test's outcome, shown under the bridge it ran on. */
  @state() private _answer: { bridgeId: string; hardwareId: string; ok: boolean; text: string } | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    return html`<section class="card">
      <h3>${t('setup.tabs.hardware')}</h3>
      <p class="muted">${t('setup.hardwareHint')}</p>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._bridges.length === 0 ? html`<p class="empty">${t('setup.noBridge')}</p>` : nothing}
      ${this._bridges.map((bridge) => this._bridge(bridge))}
    </section>
    ${this._editing ? this._editor(this._editing) : nothing}`;
  }

  private _bridge(bridge: BridgeHardwareView) {
    const t = this._i18n.t.bind(this._i18n);
    const answer = this._answer?.bridgeId === bridge.bridgeId ? this._answer : null;
    return html`<div data-bridge=${bridge.bridgeId}>
      <h4>${bridge.name}
        <span class="muted">· ${t(bridge.connected ? 'setup.connected' : 'setup.notConnected')} · ${t(bridge.saved ? 'setup.fromPage' : 'setup.fromFile')}</span>
      </h4>
      <table>
        <thead><tr><th>${t('setup.deviceId')}</th><th>${t('setup.kind')}</th><th>${t('setup.transport')}</th><th>${t('setup.printing')}</th><th></th></tr></thead>
        <tbody>
          ${bridge.devices.map(
            (device, index) => html`<tr data-device=${device.id}>
              <td>${device.id}</td>
              <td>${this._kindName(device)}</td>
              <td>${this._transportText(device)}</td>
              <td>${this._printingText(device)}</td>
              <td class="actions">
                <button type="button" @click=${() => (this._editing = { bridgeId: bridge.bridgeId, index, device })}>${t('setup.edit')}</button>
                <button type="button" data-test @click=${() => this._test(bridge.bridgeId, device.id)} ?disabled=${this._busy}>${t(device.kind === 'printer' ? 'setup.testPrint' : 'setup.test')}</button>
                <button type="button" @click=${() => this._remove(bridge, index)} ?disabled=${this._busy}>${t('setup.remove')}</button>
              </td>
            </tr>`,
          )}
        </tbody>
      </table>
      <div class="actions">
        <button type="button" data-add @click=${() => (this._editing = { bridgeId: bridge.bridgeId, index: -1, device: { id: '', kind: 'printer', transport: { type: 'tcp', host: '', port: 9100 } } })}>${t('setup.add')}</button>
      </div>
      ${answer ? html`<p class="answer ${answer.ok ? 'done' : 'bad'}" role="status" data-answer>${answer.hardwareId}：${answer.text}</p>` : nothing}
    </div>`;
  }

  private _kindName(device: BridgeDeviceSettings): string {
    const t = this._i18n.t.bind(this._i18n);
    if (device.kind === 'printer' && device.language && device.language !== 'escpos')
      return t('setup.kinds.label');
    return t(`setup.kinds.${device.kind}`);
  }

  private _transportText(device: BridgeDeviceSettings): string {
    const t = this._i18n.t.bind(this._i18n);
    const transport = device.transport;
    switch (transport?.type) {
      case 'serial':
        return `${t('setup.transports.serial')} ${transport.path} · ${transport.baudRate}`;
      case 'usb':
        return `USB ${transport.vendorId.toString(16).padStart(4, '0')}:${transport.productId.toString(16).padStart(4, '0')}`;
      case 'tcp':
        return `${t('setup.transports.tcp')} ${transport.host}:${transport.port}`;
      case 'virtual':
        return t('setup.transports.virtual');
      default:
        return device.via ? t('setup.via', { printer: device.via }) : '—';
    }
  }

  private _printingText(device: BridgeDeviceSettings): string {
    const t = this._i18n.t.bind(this._i18n);
    if (device.kind !== 'printer') return '—';
    const parts = [
      device.model ?? '',
      device.emulation && device.emulation !== 'escpos'
        ? t(`starPrinter.emulations.${device.emulation}`)
        : '',
      device.paperWidth ? `${device.paperWidth} mm` : '',
      device.language && device.language !== 'escpos'
        ? device.language.toUpperCase()
        : device.mode === 'raster'
          ? t('setup.raster')
          : device.charset === 'ascii'
            ? (device.codePage ?? 'cp437').toUpperCase()
            : t('setup.chinese'),
    ];
    return parts.filter(Boolean).join(' · ');
  }

  private _editor(editing: Editing) {
    const t = this._i18n.t.bind(this._i18n);
    const d = editing.device;
    const transport = d.transport?.type ?? 'virtual';
    const printer = d.kind === 'printer';
    const label = printer && d.language !== undefined && d.language !== 'escpos';
    const serial = d.transport?.type === 'serial' ? d.transport : null;
    const tcp = d.transport?.type === 'tcp' ? d.transport : null;
    const usb = d.transport?.type === 'usb' ? d.transport : null;
    return html`<section class="card">
      <h3>${t(editing.index < 0 ? 'setup.add' : 'setup.edit')} ${d.id}</h3>
      <form class="grid" aria-label=${t('setup.deviceForm')} @submit=${this._saveDevice}
        @change=${(e: Event) => this._retype(e)}>
        <label>${t('setup.deviceId')}<input name="id" required pattern="[a-z0-9\\-]{1,40}" .value=${d.id} /></label>
        <label>${t('setup.kind')}
          <select name="kind">${KINDS.map((kind) => html`<option value=${kind} ?selected=${d.kind === kind}>${t(`setup.kinds.${kind}`)}</option>`)}</select>
        </label>
        <label>${t('setup.transport')}
          <select name="transport">${TRANSPORTS.map((type) => html`<option value=${type} ?selected=${transport === type}>${t(`setup.transports.${type}`)}</option>`)}</select>
        </label>
        ${
          transport === 'serial'
            ? html`<label>${t('setup.path')}<input name="path" required .value=${serial?.path ?? '/dev/ttyUSB0'} /></label>
          <label>${t('setup.baud')}<select name="baudRate">${[9600, 19200, 38400, 57600, 115200].map((baud) => html`<option ?selected=${(serial?.baudRate ?? 9600) === baud}>${baud}</option>`)}</select></label>`
            : nothing
        }
        ${
          transport === 'tcp'
            ? html`<label>${t('setup.host')}<input name="host" required .value=${tcp?.host ?? ''} /></label>
          <label>${t('setup.port')}<input name="port" type="number" min="1" max="65535" required .value=${String(tcp?.port ?? 9100)} /></label>`
            : nothing
        }
        ${
          transport === 'usb'
            ? html`<label>${t('setup.vendorId')}<input name="vendorId" required pattern="[0-9a-fA-F]{4}" .value=${usb ? usb.vendorId.toString(16).padStart(4, '0') : ''} /></label>
          <label>${t('setup.productId')}<input name="productId" required pattern="[0-9a-fA-F]{4}" .value=${usb ? usb.productId.toString(16).padStart(4, '0') : ''} /></label>`
            : nothing
        }
        ${
          printer
            ? html`
          <label>${t('setup.language')}
            <select name="language">
              <option value="escpos" ?selected=${!label}>${t('setup.languages.escpos')}</option>
              <option value="tspl" ?selected=${d.language === 'tspl'}>${t('setup.languages.tspl')}</option>
              <option value="zpl" ?selected=${d.language === 'zpl'}>${t('setup.languages.zpl')}</option>
            </select>
          </label>
          ${
            label
              ? nothing
              : html`<label>${t('starPrinter.emulation')}
            <select name="emulation">
              <option value="">${t('setup.byModel')}</option>
              ${EMULATIONS.map((e) => html`<option value=${e} ?selected=${d.emulation === e}>${t(`starPrinter.emulations.${e}`)}</option>`)}
            </select>
          </label>`
          }
          <label>${t('setup.model')}
            <select name="model"><option value="">${t('setup.noModel')}</option>${this._models.map((model) => html`<option ?selected=${d.model === model}>${model}</option>`)}</select>
          </label>
          <label>${t('setup.paperWidth')}
            <select name="paperWidth"><option value="">${t('setup.byModel')}</option>${[58, 80].map((w) => html`<option value=${w} ?selected=${d.paperWidth === w}>${w} mm</option>`)}</select>
          </label>
          <label>${t('setup.textMode')}
            <select name="textMode">
              <option value="gb18030" ?selected=${d.mode !== 'raster' && (d.charset ?? 'gb18030') === 'gb18030'}>${t('setup.chinese')} GB18030</option>
              <option value="gbk" ?selected=${d.mode !== 'raster' && d.charset === 'gbk'}>${t('setup.chinese')} GBK</option>
              <option value="raster" ?selected=${d.mode === 'raster'}>${t('setup.raster')}</option>
              ${CODE_PAGES.map((page) => html`<option value=${page} ?selected=${d.mode !== 'raster' && d.charset === 'ascii' && (d.codePage ?? 'cp437') === page}>${t('setup.codePage')} ${page.toUpperCase()}</option>`)}
            </select>
          </label>`
            : nothing
        }
        ${label ? html`<label>${t('setup.labelSize')}<input name="labelSize" required pattern="\\d+(\\.\\d+)?[x×]\\d+(\\.\\d+)?" .value=${d.label ? `${d.label.widthMm}x${d.label.heightMm}` : '40x30'} /></label>` : nothing}
        ${d.kind === 'display' ? html`<label>${t('setup.commandSet')}<select name="commandSet">${(['epson', 'cd5220'] as const).map((set) => html`<option ?selected=${(d.commandSet ?? 'epson') === set}>${set}</option>`)}</select></label>` : nothing}
        ${
          d.kind === 'scanner'
            ? html`<label>${t('setup.prefix')}<input name="prefix" maxlength="16" .value=${d.prefix ?? ''} /></label>
          <label>${t('setup.suffix')}<input name="suffix" maxlength="16" .value=${d.suffix ?? ''} /></label>`
            : nothing
        }
        <div class="actions">
          <button type="submit" class="primary" ?disabled=${this._busy}>${t('common.save')}</button>
          <button type="button" @click=${() => (this._editing = null)}>${t('common.cancel')}</button>
        </div>
      </form>
    </section>`;
  }

  /** The kind or the transport changed: the form shows that one's fields. */
  private _retype(event: Event): void {
    const name = (event.target as HTMLSelectElement).name;
    if (!this._editing || !['kind', 'transport', 'language'].includes(name)) return;
    const form = (event.target as HTMLElement).closest('form') as HTMLFormElement;
    this._editing = { ...this._editing, device: this._deviceFrom(formValues(form)) };
  }

  /** The form's fields as a device the server's schema checks; what the form does not show is kept. */
  private _deviceFrom(v: Record<string, string>): BridgeDeviceSettings {
    const old = this._editing?.device;
    const kind = (v.kind ?? 'printer') as Kind;
    const type = (v.transport ?? 'virtual') as Transport;
    const transport: BridgeDeviceSettings['transport'] =
      type === 'serial'
        ? { type, path: v.path ?? '/dev/ttyUSB0', baudRate: Number(v.baudRate ?? 9600) }
        : type === 'tcp'
          ? { type, host: v.host ?? '', port: Number(v.port ?? 9100) }
          : type === 'usb'
            ? { type, vendorId: hex(v.vendorId), productId: hex(v.productId) }
            : { type };
    const device: BridgeDeviceSettings = {
      ...(old?.kind === kind ? old : {}),
      id: v.id ?? '',
      kind,
      transport,
    };
    if (kind === 'printer') {
      const textMode = v.textMode ?? 'gb18030';
      device.language = (v.language ?? 'escpos') as BridgeDeviceSettings['language'];
      device.model = v.model || undefined;
      // Left to the model (a Star model ships in its own command set), or said here.
      device.emulation =
        device.language === 'escpos' && v.emulation
          ? (v.emulation as BridgeDeviceSettings['emulation'])
          : undefined;
      device.paperWidth = v.paperWidth ? (Number(v.paperWidth) as 58 | 80) : undefined;
      device.mode = textMode === 'raster' ? 'raster' : 'text';
      device.charset =
        textMode === 'gbk' || textMode === 'gb18030' ? textMode : textMode === 'raster' ? undefined : 'ascii';
      device.codePage = (CODE_PAGES as readonly string[]).includes(textMode)
        ? (textMode as BridgeDeviceSettings['codePage'])
        : undefined;
      if (device.language !== 'escpos' && v.labelSize) {
        const [w, h] = v.labelSize.split(/[x×]/).map(Number);
        device.label = { widthMm: w ?? 40, heightMm: h ?? 30, gapMm: old?.label?.gapMm ?? 2 };
      }
    }
    if (kind === 'display') device.commandSet = (v.commandSet ?? 'epson') as 'epson' | 'cd5220';
    if (kind === 'scanner') {
      device.prefix = v.prefix || undefined;
      device.suffix = v.suffix || undefined;
    }
    return Object.fromEntries(
      Object.entries(device).filter(([, value]) => value !== undefined),
    ) as BridgeDeviceSettings;
  }

  private async _saveDevice(event: Event): Promise<void> {
    event.preventDefault();
    const editing = this._editing;
    const bridge = this._bridges.find((b) => b.bridgeId === editing?.bridgeId);
    if (!editing || !bridge) return;
    const device = this._deviceFrom(formValues(event.target as HTMLFormElement));
    const devices = [...bridge.devices];
    if (editing.index < 0) devices.push(device);
    else devices[editing.index] = device;
    if (await this._save(bridge.bridgeId, devices)) this._editing = null;
  }

  private async _remove(bridge: BridgeHardwareView, index: number): Promise<void> {
    await this._save(
      bridge.bridgeId,
      bridge.devices.filter((_, at) => at !== index),
    );
  }

  private async _save(bridgeId: string, devices: BridgeDeviceSettings[]): Promise<boolean> {
    const saved = await this._run(() => saveBridgeDevices(this.ctx.auth, bridgeId, devices));
    if (!saved) return false;
    this._bridges = this._bridges.map((b) => (b.bridgeId === bridgeId ? saved : b));
    return true;
  }

  private async _test(bridgeId: string, hardwareId: string): Promise<void> {
    const t = this._i18n.t.bind(this._i18n);
    this._answer = { bridgeId, hardwareId, ok: true, text: t('setup.testing') };
    const result = await this._run(() => testDevice(this.ctx.auth, bridgeId, hardwareId));
    this._answer = result
      ? { bridgeId, hardwareId, ok: true, text: t('setup.testOk') }
      : { bridgeId, hardwareId, ok: false, text: t('setup.testFailed') };
  }

  private async _load(): Promise<void> {
    const loaded = await this._run(() => listBridges(this.ctx.auth));
    if (!loaded) return;
    this._bridges = loaded.items;
    this._models = loaded.models;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-bridge-hardware': HgBridgeHardware;
  }
}
