import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConnectionState } from '../connection/connection.js';
import { LocalizeController } from '../i18n/localize-controller.js';

/** The status line in both languages and the server's version, e.g. "服务器已连接 / Connected · 0.1.0". */
@customElement('hg-server-status')
export class HgServerStatus extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0.4em 1.5em;
    }
    .line {
      font-weight: 600;
    }
    :host([state='online']) .line .primary {
      color: var(--hg-ok);
    }
    :host([state='offline']) .line .primary {
      color: var(--hg-danger);
    }
    .retry,
    .version {
      color: var(--hg-muted);
    }
    .version data {
      font-variant-numeric: tabular-nums;
      color: var(--hg-ink);
    }
  `;

  /** Where the link to the server stands; reflected so styles can follow it. */
  @property({ reflect: true }) state: ConnectionState = 'connecting';
  /** The server's version, or null while it is not known. */
  @property() version: string | null = null;

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    return html`
      <span class="line" role="status">
        <span class="primary">${this._i18n.t(`connection.${this.state}`)}</span>
      </span>
      ${this.state === 'offline' ? html`<span class="retry">${this._i18n.t('connection.retrying')}</span>` : null}
      <span class="version">
        ${this._i18n.t('server.version')}
        <data value=${this.version ?? ''}>${this.version ?? this._i18n.t('server.unknownVersion')}</data>
      </span>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-server-status': HgServerStatus;
  }
}
