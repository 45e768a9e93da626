import { css, html, LitElement, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { DeviceKind } from '../../../server/protocol/roles.js';
import { claimPairing, type Pairing, startPairing } from '../data/devices.js';
import { dateTime } from '../data/format.js';
import { storeDeviceToken } from '../data/session.js';
import { LocalizeController } from '../i18n/localize-controller.js';

/** How often the device asks whether the owner has entered its code. */
export const CLAIM_POLL_MS = 2_000;
/** How long to wait before trying again when the server could not be reached. */
const RETRY_MS = 5_000;

/** Fired once the device holds its token (already saved in localStorage). */
export type PairedEvent = CustomEvent<{ token: string; deviceId: string }>;

/**
 * Pairing on first use, for every kiosk screen: asks the server for a code, shows it big,
 * polls until the owner enters it on the admin page, keeps the device token in localStorage
 * and fires `hg-paired`. An expired code is replaced by a fresh one by itself.
 *
 * @fires hg-paired - `{token, deviceId}` once the device is paired.
 */
@customElement('hg-pairing')
export class HgPairing extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: 0.75em;
      padding: 2em 1.5em;
      text-align: center;
    }
    h2 {
      margin: 0;
      font-size: 2em;
    }
    .code {
      margin: 0.3em 0;
      font-size: 4.5em;
      font-weight: 700;
      letter-spacing: 0.15em;
      font-variant-numeric: tabular-nums;
      color: var(--hg-ink);
      background: var(--hg-surface);
      border: 2px solid var(--hg-line);
      border-radius: var(--hg-radius);
      padding: 0.1em 0.5em 0.1em 0.65em;
    }
    .status {
      color: var(--hg-muted);
    }
    .problem {
      color: var(--hg-danger);
      font-weight: 600;
    }
  `;

  /** What kind of device this screen is. */
  @property() kind: DeviceKind = 'lookup';
  /** The name the device asks to be paired under; the owner can change it. */
  @property({ attribute: 'device-name' }) deviceName = '';

  @state() private _pairing: Pairing | null = null;
  @state() private _problem: 'failed' | 'expired' | null = null;

  private readonly _i18n = new LocalizeController(this);
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _running = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this._running = true;
    void this._start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._running = false;
    clearTimeout(this._timer);
  }

  protected override render() {
    const code = this._pairing?.code;
    return html`
      <h2>${this._i18n.t('pairing.title')}</h2>
      <p>${this._i18n.t('pairing.instructions')}</p>
      ${
        code
          ? html`<div class="code" role="status" aria-label=${`${this._i18n.t('pairing.code')}: ${code.split('').join(' ')}`}>
              <span data-code=${code}>${code}</span>
            </div>
            <p class="status">
              ${this._i18n.t('pairing.waiting')} ·
              ${this._i18n.t('pairing.expiresAt', { time: dateTime(this._pairing?.expiresAt) })}
            </p>`
          : html`<p class="status" role="status">${this._i18n.t('pairing.starting')}</p>`
      }
      ${this._problem ? html`<p class="problem" role="alert">${this._i18n.t(`pairing.${this._problem}`)}</p>` : nothing}
    `;
  }

  private async _start(): Promise<void> {
    clearTimeout(this._timer);
    try {
      this._pairing = await startPairing(this.kind, this.deviceName || this._i18n.t(`device.${this.kind}`));
      this._problem = null;
      this._poll(CLAIM_POLL_MS);
    } catch {
      this._problem = 'failed';
      if (this._running) this._timer = setTimeout(() => void this._start(), RETRY_MS);
    }
  }

  private _poll(delay: number): void {
    if (!this._running) return;
    this._timer = setTimeout(() => void this._claim(), delay);
  }

  private async _claim(): Promise<void> {
    const pairing = this._pairing;
    if (!pairing || !this._running) return;
    try {
      const claim = await claimPairing(pairing);
      if (claim.status === 'paired') {
        storeDeviceToken(this.kind, claim.token);
        this.dispatchEvent(
          new CustomEvent('hg-paired', {
            detail: { token: claim.token, deviceId: claim.device.id },
            bubbles: true,
            composed: true,
          }),
        );
        return;
      }
      if (claim.status === 'expired') {
        this._problem = 'expired';
        this._pairing = null;
        await this._start();
        return;
      }
      this._problem = null;
      this._poll(CLAIM_POLL_MS);
    } catch {
      this._problem = 'failed';
      this._poll(RETRY_MS);
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-pairing': HgPairing;
  }
  interface HTMLElementEventMap {
    'hg-paired': PairedEvent;
  }
}
