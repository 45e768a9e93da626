import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ConnectionState } from '../connection/connection.js';
import { LocalizeController } from '../i18n/localize-controller.js';

/**
 * A pill with a coloured dot and a word saying whether the screen reaches the server.
 *
 * @cssprop --hg-indicator-bg - The pill's background while connected or connecting.
 * @cssprop --hg-indicator-ink - Its text colour then.
 */
@customElement('hg-connection-indicator')
export class HgConnectionIndicator extends LitElement {
  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.5em;
      padding: 0.3em 0.9em 0.3em 0.7em;
      border-radius: 999px;
      background: var(--hg-indicator-bg, rgb(255 255 255 / 0.92));
      color: var(--hg-indicator-ink, #1f2328);
      white-space: nowrap;
    }
    .dot {
      width: 0.7em;
      height: 0.7em;
      border-radius: 50%;
      background: #d4a72c;
      flex: none;
    }
    :host([state='online']) .dot {
      background: #2da44e;
    }
    /* Lost contact must be seen from across the counter: the whole pill turns red. */
    :host([state='offline']),
    :host([state='unauthorized']) {
      background: #c62828;
      color: #ffffff;
      font-weight: 700;
    }
    :host([state='offline']) .dot,
    :host([state='unauthorized']) .dot {
      background: #ffffff;
    }
    :host([state='connecting']) .dot {
      animation: pulse 1.2s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 0.3;
      }
    }
  `;

  /** Where the link to the server stands; reflected so styles can follow it. */
  @property({ reflect: true }) state: ConnectionState = 'connecting';

  private readonly _i18n = new LocalizeController(this);

  protected override render() {
    return html`<span class="dot" aria-hidden="true"></span>
      <span role="status" title=${this._i18n.t('connection.indicator')}>${this._i18n.t(`connection.${this.state}`)}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-connection-indicator': HgConnectionIndicator;
  }
}
