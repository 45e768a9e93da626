import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { ConnectionState } from '../connection/connection.js';
import { LocalizeController } from '../i18n/localize-controller.js';
import { installModalFocusTrap } from './focus-trap.js';
import './hg-connection-indicator.js';
import './hg-language-toggle.js';

/**
 * The frame every screen sits in: a header with the shop's name, the screen's title in two
 * languages, the connection indicator and the language toggle; the screen fills the rest.
 *
 * @slot - The screen's content.
 * @slot footer - A line under the content.
 * @slot tools - Controls in the header before the connection indicator (e.g. who is signed in).
 * @cssprop --hg-frame-size - Base font size; the header and its controls scale with it.
 */
@customElement('hg-screen-frame')
export class HgScreenFrame extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 100vh;
      box-sizing: border-box;
      font-size: var(--hg-frame-size, 16px);
    }
    header {
      display: flex;
      align-items: center;
      gap: 1.5em;
      padding: 0.75em 1.5em;
      background: var(--hg-header-bg, var(--hg-accent));
      color: var(--hg-header-ink, var(--hg-accent-ink));
    }
    .shop {
      font-weight: 700;
      letter-spacing: 0.02em;
      white-space: nowrap;
    }
    .title {
      display: flex;
      flex-wrap: wrap;
      align-items: baseline;
      gap: 0 0.6em;
      flex: 1;
      min-width: 0;
      padding-left: 1.5em;
      border-left: 1px solid color-mix(in srgb, currentColor 40%, transparent);
    }
    h1 {
      margin: 0;
      font-size: 1.5em;
      font-weight: 700;
      line-height: 1.2;
      /* A long English title wraps rather than running under the tools on a narrow screen. */
      overflow-wrap: anywhere;
    }
    .tools {
      display: flex;
      align-items: center;
      gap: 1.25em;
    }
    /* A phone (the join page): the title goes under the shop's name and the tools. */
    @media (max-width: 600px) {
      header {
        flex-wrap: wrap;
        gap: 0.5em 1em;
        padding: 0.6em 1em;
      }
      .shop {
        flex: 1;
      }
      .title {
        order: 3;
        flex-basis: 100%;
        padding-left: 0;
        border-left: none;
      }
      .tools {
        gap: 0.6em;
      }
    }
    main {
      flex: 1;
      display: flex;
      flex-direction: column;
      min-height: 0;
    }
    footer {
      color: var(--hg-muted);
      padding: 0.5em 1.5em;
      font-size: 0.875em;
    }
    footer[hidden] {
      display: none;
    }
  `;

  /** The shop's name shown at the left of the header; the product's name until set. */
  @property({ attribute: 'shop-name' }) shopName = '';
  /** The screen's title in the current language. */
  @property() heading = '';
  /** Where the link to the server stands. */
  @property() connection: ConnectionState = 'connecting';

  @state() private _hasFooter = false;

  private readonly _i18n = new LocalizeController(this);

  override connectedCallback(): void {
    super.connectedCallback();
    // Every screen sits in a frame: Tab stays inside an open dialog on all of them.
    installModalFocusTrap();
  }

  protected override render() {
    return html`
      <header part="header">
        <span class="shop">${this.shopName || this._i18n.t('app.brand')}</span>
        <div class="title">
          <h1>${this.heading}</h1>
        </div>
        <div class="tools">
          <slot name="tools"></slot>
          <hg-connection-indicator .state=${this.connection}></hg-connection-indicator>
          <hg-language-toggle></hg-language-toggle>
        </div>
      </header>
      <main part="main"><slot></slot></main>
      <footer part="footer" ?hidden=${!this._hasFooter}>
        <slot name="footer" @slotchange=${this._footerChanged}></slot>
      </footer>
    `;
  }

  protected override updated(): void {
    // The tab title follows the screen and the language, e.g. "收银台 · Hanger 衣架".
    if (this.heading) document.title = `${this.heading} · ${this.shopName || this._i18n.t('app.brand')}`;
  }

  private _footerChanged(event: Event): void {
    const slot = event.target as HTMLSlotElement;
    this._hasFooter = slot.assignedNodes({ flatten: true }).length > 0;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-screen-frame': HgScreenFrame;
  }
}
